/**
 * The résumé as an A4 PDF (pdfkit): a tinted sidebar on the left (round photo, contacts, skills by
 * category with their level, certifications, education) and the main column (name, title, summary,
 * experience, achievements). The main column flows over as many pages as it needs; the sidebar follows
 * on the next page's band when it is longer than the first. Pages carry the name and "page N of M"
 * once there is more than one. The fonts are embedded and subset; the metadata names the title,
 * author and language.
 */
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { formatCalendarDate } from '../../../i18n/dates.js';
import { type MessageId, type Translate, translator } from '../../../i18n/messages.js';
import { dateRange, durationText, todayIn } from '../dates.js';
import type { ResumeDocument } from '../document.js';
import { resumeMessages } from '../messages.js';
import { skillGroups } from '../skill-groups.js';
import { COLOURS, type Column, PdfCanvas } from './canvas.js';
import { fontFiles } from './fonts.js';
import { parseRichText } from './rich-text.js';

type ResumeTranslate = Translate<MessageId<typeof resumeMessages>>;

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 42, bottom: 48 };
const BAND_WIDTH = 188;
const SIDEBAR: Column = { x: 22, width: BAND_WIDTH - 44 };
const MAIN: Column = { x: BAND_WIDTH + 26, width: PAGE.width - BAND_WIDTH - 26 - 36 };
const PHOTO_SIZE = 112;

export interface RenderOptions {
  language: string;
  timeZone: string;
  /** The photo's bytes (any format sharp reads), or null. */
  photo: Buffer | null;
  now?: Date;
}

/** The photo as a square JPEG pdfkit can embed (it takes only JPEG and PNG), small enough to stay light. */
async function squarePhoto(photo: Buffer): Promise<Buffer | null> {
  try {
    return await sharp(photo)
      .rotate()
      .resize(PHOTO_SIZE * 3, PHOTO_SIZE * 3, { fit: 'cover' })
      .jpeg({ quality: 85 })
      .toBuffer();
  } catch {
    // An unreadable photo leaves the circle out rather than failing the résumé.
    return null;
  }
}

function drawBand(doc: PDFKit.PDFDocument): void {
  doc.save().rect(0, 0, BAND_WIDTH, PAGE.height).fill(COLOURS.band).restore();
}

function drawMain(
  canvas: PdfCanvas,
  resume: ResumeDocument,
  t: ResumeTranslate,
  language: string,
  today: string,
) {
  const { doc } = canvas;
  const newPage = () => {
    doc.addPage();
    doc.y = canvas.top;
  };
  doc.y = canvas.top;
  canvas.text(resume.fullName, MAIN, 'bold', 22, { gapAfter: 2 });
  if (resume.title) canvas.text(resume.title, MAIN, 'regular', 12, { colour: COLOURS.accent, gapAfter: 8 });
  if (resume.summaryHtml) canvas.richText(parseRichText(resume.summaryHtml), MAIN, 9.5, newPage);

  if (resume.experience.length > 0) {
    canvas.heading(t('experience'), MAIN, 10.5, newPage, canvas.lineHeight('bold', 11) * 3);
    for (const job of resume.experience) {
      const title = t('position', { role: job.position, company: job.company });
      const when = [
        dateRange(t, language, job.startDate, job.endDate),
        durationText(t, job.startDate, job.endDate, today),
        job.location,
      ]
        .filter(Boolean)
        .join(' · ');
      // The title block stays together, with at least one line of what follows.
      const block =
        canvas.heightOf(title, MAIN, 'bold', 11) +
        canvas.heightOf(when, MAIN, 'regular', 8.5) +
        (job.companyDescription ? canvas.heightOf(job.companyDescription, MAIN, 'italic', 8.5) : 0) +
        canvas.lineHeight('regular', 9.5);
      canvas.ensureSpace(block, newPage);
      canvas.text(title, MAIN, 'bold', 11);
      canvas.text(when, MAIN, 'regular', 8.5, { colour: COLOURS.muted });
      if (job.companyDescription)
        canvas.text(job.companyDescription, MAIN, 'italic', 8.5, { colour: COLOURS.muted });
      doc.y += 3;
      if (job.descriptionHtml) canvas.richText(parseRichText(job.descriptionHtml), MAIN, 9.5, newPage);
      doc.y += 6;
    }
  }

  if (resume.achievements.length > 0) {
    canvas.heading(t('achievements'), MAIN, 10.5, newPage, canvas.lineHeight('bold', 10) * 2);
    for (const item of resume.achievements) {
      canvas.ensureSpace(
        canvas.heightOf(item.title, MAIN, 'bold', 10) + canvas.lineHeight('regular', 9.5),
        newPage,
      );
      canvas.text(item.title, MAIN, 'bold', 10);
      if (item.descriptionHtml) canvas.richText(parseRichText(item.descriptionHtml), MAIN, 9.5, newPage);
      doc.y += 4;
    }
  }
}

/** The sidebar, drawn after the main column: it goes back to page 1 and on to the next bands. */
function drawSidebar(
  canvas: PdfCanvas,
  resume: ResumeDocument,
  t: ResumeTranslate,
  language: string,
  photo: Buffer | null,
) {
  const { doc } = canvas;
  let page = 0;
  doc.switchToPage(page);
  const newPage = () => {
    page += 1;
    if (page < doc.bufferedPageRange().count) doc.switchToPage(page);
    else doc.addPage();
    doc.y = canvas.top;
  };
  doc.y = canvas.top;
  if (photo) {
    const centre = { x: BAND_WIDTH / 2, y: canvas.top + PHOTO_SIZE / 2 };
    doc
      .save()
      .circle(centre.x, centre.y, PHOTO_SIZE / 2)
      .clip();
    doc.image(photo, centre.x - PHOTO_SIZE / 2, centre.y - PHOTO_SIZE / 2, {
      width: PHOTO_SIZE,
      height: PHOTO_SIZE,
    });
    doc.restore();
    doc
      .save()
      .circle(centre.x, centre.y, PHOTO_SIZE / 2)
      .lineWidth(2)
      .strokeColor('#ffffff')
      .stroke()
      .restore();
    doc.y = canvas.top + PHOTO_SIZE + 14;
  }

  const section = (title: string) =>
    canvas.heading(title, SIDEBAR, 9.5, newPage, canvas.lineHeight('regular', 9) * 2);
  const item = (
    text: string,
    style: 'regular' | 'bold' | 'italic',
    size: number,
    colour?: string,
    link?: string | null,
  ) => {
    canvas.ensureSpace(canvas.heightOf(text, SIDEBAR, style, size), newPage);
    canvas.text(text, SIDEBAR, style, size, { colour, link });
  };

  const contacts: { text: string; link: string | null }[] = [
    ...(resume.location ? [{ text: resume.location, link: null }] : []),
    ...(resume.email ? [{ text: resume.email, link: `mailto:${resume.email}` }] : []),
    ...(resume.linkedinUrl ? [{ text: 'LinkedIn', link: resume.linkedinUrl }] : []),
    ...(resume.githubUrl ? [{ text: 'GitHub', link: resume.githubUrl }] : []),
    ...(resume.websiteUrl
      ? [{ text: resume.websiteUrl.replace(/^https?:\/\//, ''), link: resume.websiteUrl }]
      : []),
  ];
  if (contacts.length > 0) {
    section(t('pdf.contacts'));
    for (const contact of contacts) {
      item(contact.text, 'regular', 8.5, contact.link ? COLOURS.accent : COLOURS.text, contact.link);
      doc.y += 2;
    }
  }

  const groups = skillGroups(resume.skills);
  if (groups.length > 0) {
    section(t('skills'));
    for (const group of groups) {
      if (group.category) {
        item(group.category, 'bold', 8.5, COLOURS.muted);
        doc.y += 1;
      }
      for (const skill of group.skills) {
        canvas.ensureSpace(canvas.lineHeight('regular', 8.5), newPage);
        const y = doc.y;
        const dots = skill.level === null ? 0 : 5 * 7;
        canvas.text(skill.name, { x: SIDEBAR.x, width: SIDEBAR.width - dots - 4 }, 'regular', 8.5);
        if (skill.level !== null) {
          for (let dot = 0; dot < 5; dot++) {
            doc
              .save()
              .circle(SIDEBAR.x + SIDEBAR.width - dots + dot * 7 + 3, y + 5.5, 2.4)
              .fill(dot < skill.level ? COLOURS.accent : COLOURS.rule)
              .restore();
          }
        }
        doc.y += 1.5;
      }
      doc.y += 4;
    }
  }

  if (resume.certifications.length > 0) {
    section(t('certifications'));
    for (const cert of resume.certifications) {
      item(cert.name, 'bold', 8.5, cert.credentialUrl ? COLOURS.accent : COLOURS.text, cert.credentialUrl);
      const detail = [
        cert.provider,
        cert.dateObtained ? formatCalendarDate(cert.dateObtained, language, 'month') : '',
      ]
        .filter(Boolean)
        .join(' · ');
      if (detail) item(detail, 'regular', 8, COLOURS.muted);
      doc.y += 4;
    }
  }

  if (resume.education.length > 0) {
    section(t('education'));
    for (const school of resume.education) {
      item(school.school, 'bold', 8.5);
      const detail = [school.degree, school.field].filter(Boolean).join(', ');
      if (detail) item(detail, 'regular', 8);
      if (school.startYear !== null) {
        const years =
          school.endYear !== null && school.endYear !== school.startYear
            ? `${school.startYear}–${school.endYear}`
            : String(school.startYear);
        item(years, 'regular', 8, COLOURS.muted);
      }
      doc.y += 4;
    }
  }
}

/** "Name · page 2 of 3" at the foot of every page, once there is more than one. */
function drawFooters(doc: PDFKit.PDFDocument, resume: ResumeDocument, t: ResumeTranslate): void {
  const { start, count } = doc.bufferedPageRange();
  if (count < 2) return;
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    // Below the bottom margin: without this pdfkit would start a new page for the footer.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(7.5)
      .fillColor(COLOURS.muted)
      .text(t('pdf.footer', { name: resume.fullName, page: index + 1, count }), MAIN.x, PAGE.height - 30, {
        width: MAIN.width,
        align: 'right',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}

export async function renderResumePdf(resume: ResumeDocument, options: RenderOptions): Promise<Buffer> {
  const t = translator(resumeMessages, options.language);
  const photo = options.photo ? await squarePhoto(options.photo) : null;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN.top, bottom: MARGIN.bottom, left: 0, right: 0 },
    bufferPages: true,
    autoFirstPage: false,
    lang: options.language,
    displayTitle: true,
    info: {
      Title: t('pdf.title', { name: resume.fullName }),
      Author: resume.fullName,
      Subject: resume.title || t('title'),
      Creator: 'Keen',
      Producer: 'Keen (pdfkit)',
      CreationDate: options.now ?? new Date(),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const [style, file] of Object.entries(fontFiles())) doc.registerFont(style, file);
  const canvas = new PdfCanvas(doc, MARGIN.top, PAGE.height - MARGIN.bottom, drawBand);
  doc.addPage();
  const today = todayIn(options.timeZone, options.now);
  drawMain(canvas, resume, t, options.language, today);
  drawSidebar(canvas, resume, t, options.language, photo);
  drawFooters(doc, resume, t);
  doc.end();
  return done;
}
