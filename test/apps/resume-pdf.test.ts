// The résumé PDF as a reader gets it, checked with Debian's poppler-utils: Russian text exactly as
// written (the Django site's PDF could not render Cyrillic), mixed Latin and Cyrillic lines, formatting
// from the rich text, the photo, metadata, fonts embedded and subset, several pages when needed and
// none of them blank; then the download names.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BodyRenderer, loadBodyRenderer } from '../../src/apps/blog/markup/render.js';
import type { ResumeDocument } from '../../src/apps/resume/document.js';
import { contentDisposition, resumeFileNames } from '../../src/apps/resume/pdf/file-name.js';
import { renderResumePdf } from '../../src/apps/resume/pdf/render.js';

const POPPLER = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return process.env.CI === 'true';
  }
})();

const PARAGRAPH = 'Делаю быстрые и надёжные сайты: от схемы базы данных до последнего пикселя.';
const MIXED = 'Разработка на TypeScript и PostgreSQL';

let renderMarkup: BodyRenderer;
beforeAll(async () => {
  renderMarkup = await loadBodyRenderer();
});

function sampleResume(options: { jobs?: number; english?: boolean } = {}): ResumeDocument {
  const jobs = options.jobs ?? 2;
  return {
    id: 7,
    fullName: 'Анна Петрова',
    title: 'Ведущий разработчик',
    email: 'anna@example.com',
    location: 'Москва',
    linkedinUrl: null,
    githubUrl: 'https://github.com/anna',
    websiteUrl: null,
    summaryHtml: renderMarkup(
      `${PARAGRAPH}\n\n- **Десять лет** в вебе\n- *Курсив* и [ссылка](https://example.com/about)`,
      'markdown',
    ),
    photo: { name: 'resume/photo.png', width: 300, height: 300 },
    updatedAt: new Date('2026-12-01T10:00:00Z'),
    experience: Array.from({ length: jobs }, (_, index) => ({
      position: index === 0 ? 'Ведущий разработчик' : `Разработчик ${index}`,
      company: index === 0 ? 'Ядро Кина' : `Компания ${index}`,
      companyDescription: 'Платформа для личных сайтов.',
      location: 'Москва',
      startDate: `${2020 - index}-03-01`,
      endDate: index === 0 ? null : `${2021 - index}-02-28`,
      descriptionHtml: renderMarkup(
        `${MIXED}.\n\n- Перезапуск без потери запросов\n- Поиск по-русски\n\n${'Длинный абзац о работе. '.repeat(jobs > 4 ? 20 : 1)}`,
        'markdown',
      ),
    })),
    skills: [
      { name: 'TypeScript', category: 'Языки', level: 5 },
      { name: 'Python', category: 'Языки', level: 4 },
      { name: 'PostgreSQL', category: 'Данные', level: null },
    ],
    certifications: [
      { name: 'PG Pro', provider: 'Postgres Pro', dateObtained: '2021-06-15', credentialUrl: null },
    ],
    achievements: [{ title: 'Доклад', descriptionHtml: '<p>О поиске.</p>', icon: '' }],
    education: [{ school: 'МГУ', degree: 'Специалист', field: 'Математика', startYear: 2009, endYear: 2014 }],
  };
}

describe.runIf(POPPLER)('the résumé PDF', () => {
  const folder = mkdtempSync(join(tmpdir(), 'keen-resume-pdf-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  let photo: Buffer | null = null;

  async function render(resume: ResumeDocument, language = 'ru', name = 'resume') {
    photo ??= await sharp({ create: { width: 300, height: 300, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();
    const bytes = await renderResumePdf(resume, {
      language,
      timeZone: 'Europe/Moscow',
      photo,
      now: new Date('2026-12-05T12:00:00Z'),
    });
    const file = join(folder, `${name}.pdf`);
    writeFileSync(file, bytes);
    return {
      bytes,
      file,
      tool: (command: string, ...args: string[]) =>
        execFileSync(command, [...args, file], { encoding: 'utf8' }),
    };
  }

  it('holds the Russian text exactly, Latin and Cyrillic together, with the rich text formatted', async () => {
    const { tool, bytes } = await render(sampleResume());
    const text = execFileSync('pdftotext', ['-raw', join(folder, 'resume.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Анна Петрова');
    expect(text).toContain(PARAGRAPH.slice(0, 40));
    expect(text.replace(/\s+/g, ' ')).toContain(PARAGRAPH);
    expect(text).toContain(`${MIXED}.`);
    expect(text).toContain('Десять лет в вебе');
    expect(text).toContain('ОПЫТ РАБОТЫ');
    expect(text).toContain('март 2020 – по настоящее время · 6 лет 10 месяцев · Москва');
    const info = tool('pdfinfo');
    expect(info).toMatch(/Title:\s+Анна Петрова — резюме/);
    expect(info).toMatch(/Author:\s+Анна Петрова/);
    expect(info).toMatch(/Pages:\s+1/);
    // Bold and italic are real fonts, embedded and subset; nothing falls back to a standard font.
    const fonts = tool('pdffonts');
    for (const font of ['DejaVuSans-Bold', 'DejaVuSans-Oblique', 'DejaVuSans '])
      expect(fonts).toContain(font);
    for (const line of fonts.split('\n').slice(2).filter(Boolean)) expect(line).toMatch(/yes\s+yes\s+yes/);
    expect(tool('pdfimages', '-list')).toMatch(/\n\s+1\s+0\s+image\s+\d+\s+\d+/);
    // Links are clickable: the annotation carries the address.
    expect(bytes.toString('latin1')).toContain('/URI (https://example.com/about)');
    expect(bytes.toString('latin1')).toContain('/URI (mailto:anna@example.com)');
    expect(bytes.toString('latin1')).toMatch(/\/Lang \(ru\)/);
  });

  it('a long résumé takes several pages, numbered, none of them blank; headings never end a page', async () => {
    const { tool, file } = await render(sampleResume({ jobs: 9 }), 'ru', 'long');
    const pages = Number(/Pages:\s+(\d+)/.exec(tool('pdfinfo'))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(`Анна Петрова · страница 2 из ${pages}`);
    for (const page of text.split('\f').filter((part) => part.trim() !== '')) {
      const lines = page.split('\n').filter((line) => line.trim() !== '' && !line.includes('страница'));
      // The last line of a page is never a section heading or a job's title alone.
      expect(lines.at(-1) ?? '').not.toMatch(/ОПЫТ РАБОТЫ|ДОСТИЖЕНИЯ|^\s*(Ведущий )?[Рр]азработчик \d*, /);
    }
    execFileSync('pdftoppm', ['-png', '-r', '30', file, join(folder, 'page')]);
    const images = readdirSync(folder).filter((name) => name.startsWith('page'));
    expect(images).toHaveLength(pages);
    for (const image of images) {
      const { channels } = await sharp(join(folder, image)).stats();
      // A blank page is one flat colour: no channel varies.
      expect(Math.max(...channels.map((channel) => channel.stdev)), image).toBeGreaterThan(5);
    }
  });

  it('speaks English to an English reader', async () => {
    const { file } = await render(sampleResume(), 'en', 'english');
    const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
    for (const heading of ['EXPERIENCE', 'SKILLS', 'CONTACTS', 'EDUCATION']) expect(text).toContain(heading);
    expect(text).toContain('March 2020 – present · 6 years 10 months');
    expect(text).not.toContain('ОПЫТ РАБОТЫ');
  });
});

describe('the PDF download name', () => {
  it('is exact in filename* and transliterated in filename', () => {
    const names = resumeFileNames('Анна "Ася" Петрова/Иванова', { ascii: 'Resume', local: 'Резюме' });
    expect(names).toEqual({
      ascii: 'Anna_Asya_Petrova_Ivanova_Resume.pdf',
      utf8: 'Анна_Ася_Петрова_Иванова_Резюме.pdf',
    });
    expect(contentDisposition(names)).toBe(
      `attachment; filename="Anna_Asya_Petrova_Ivanova_Resume.pdf"; filename*=UTF-8''${encodeURIComponent('Анна_Ася_Петрова_Иванова_Резюме.pdf')}`,
    );
    expect(resumeFileNames("O'Brien (CTO)", { ascii: 'Resume', local: 'Resume' }).utf8).toBe(
      "O'Brien_(CTO)_Resume.pdf",
    );
    expect(
      contentDisposition(resumeFileNames("O'Brien (CTO)", { ascii: 'Resume', local: 'Resume' })),
    ).toContain("filename*=UTF-8''O%27Brien_%28CTO%29_Resume.pdf");
  });
});
