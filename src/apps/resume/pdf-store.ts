/**
 * The résumé PDFs, built off the request path and kept in the media storage.
 *
 * A PDF's name holds a hash of everything it shows (the résumé, the language, the layout's version), so
 * a changed résumé is a new file and an unchanged one is never built twice. Requests serve the stored
 * file; only the first request after a change waits for a build, and however many arrive at once, in
 * one worker or several, one builds: a row in `resume_pdf` is the claim (its primary key is the name),
 * the others wait for the file. A newer build of the same profile and language deletes the older files.
 * The admin also starts a build right after a profile is saved, so usually no visitor waits at all.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq, lt, ne } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Media } from '../../contrib/media/media.js';
import type { Db } from '../../db/client.js';
import type { ResumeDocument } from './document.js';
import { pdfBuilds } from './schema.js';

/**
 * How long a worker serves the public PDF from memory before asking the database again whether the
 * résumé changed. An admin save clears it at once in its own worker; the others follow within this.
 */
export const PUBLIC_COPY_MS = 10_000;

/** Bump when the PDF's layout changes, so every résumé gets a fresh file. */
export const PDF_LAYOUT_VERSION = 1;
/** How long a waiting request polls for another's build before giving up. */
const WAIT_MS = 30_000;
const POLL_MS = 100;
/** A claim older than this without its file is a crashed build: the next request takes it over. */
const STALE_CLAIM_MS = 60_000;

export type RenderPdf = (
  resume: ResumeDocument,
  options: { language: string; timeZone: string; photo: Buffer | null },
) => Promise<Buffer>;

export interface StoredPdf {
  /** The media storage name; its hash part is also the ETag. */
  name: string;
  etag: string;
}

/** The public PDF as a worker keeps it: the file's bytes and who it names, for PUBLIC_COPY_MS. */
export interface PublicPdf extends StoredPdf {
  bytes: Buffer;
  fullName: string;
}

/** The hash of what a PDF shows: the same résumé in the same language is the same file. */
export function pdfHash(resume: ResumeDocument, language: string): string {
  const { updatedAt: _updatedAt, ...content } = resume;
  return createHash('sha256')
    .update(JSON.stringify({ layout: PDF_LAYOUT_VERSION, language, content }))
    .digest('hex')
    .slice(0, 32);
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class ResumePdfs {
  /** Builds under way in this worker, by name: a second request joins the first. */
  private readonly building = new Map<string, Promise<void>>();
  /** The public PDF per language, with when it must be checked again. */
  private readonly publicCopies = new Map<string, { pdf: PublicPdf | null; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly media: Media,
    private readonly render: RenderPdf,
    private readonly timeZone: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * The active résumé's PDF in `language`, from memory while it is fresh; else `loadActive` reads the
   * résumé (one query) and the stored file is read (built first if the résumé changed). Null when no
   * profile is active.
   */
  async publicPdf(
    language: string,
    loadActive: () => Promise<ResumeDocument | null>,
  ): Promise<PublicPdf | null> {
    const kept = this.publicCopies.get(language);
    if (kept && kept.until > Date.now()) return kept.pdf;
    const resume = await loadActive();
    let pdf: PublicPdf | null = null;
    if (resume) {
      const stored = await this.ensure(resume, language);
      pdf =
        kept?.pdf?.name === stored.name
          ? kept.pdf
          : {
              ...stored,
              fullName: resume.fullName,
              bytes: await bytesOf((await this.media.storage.open(stored.name)).stream),
            };
    }
    this.publicCopies.set(language, { pdf, until: Date.now() + PUBLIC_COPY_MS });
    return pdf;
  }

  /** Forgets this worker's public copies (after an admin save, so the next request looks again). */
  forgetPublicCopies(): void {
    this.publicCopies.clear();
  }

  /** The stored PDF of `resume` in `language`, built first if there is none yet. */
  async ensure(resume: ResumeDocument, language: string): Promise<StoredPdf> {
    const hash = pdfHash(resume, language);
    const pdf = { name: `resume/pdf/${resume.id}-${language}-${hash}.pdf`, etag: `"${hash}"` };
    if (await this.media.storage.exists(pdf.name)) return pdf;
    let build = this.building.get(pdf.name);
    if (!build) {
      build = this.claimAndBuild(resume, language, pdf.name).finally(() => this.building.delete(pdf.name));
      this.building.set(pdf.name, build);
    }
    await build;
    return pdf;
  }

  private async claimAndBuild(resume: ResumeDocument, language: string, name: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const claimed = await this.db
        .insert(pdfBuilds)
        .values({ name, profileId: resume.id, language, size: 0, buildMs: 0 })
        .onConflictDoNothing()
        .returning({ name: pdfBuilds.name });
      if (claimed.length > 0) return this.build(resume, language, name);
      // Another worker builds it: wait for the file.
      if (await this.media.storage.exists(name)) return;
      if (Date.now() > deadline) throw new Error(`the résumé PDF ${name} was not built in time`);
      await this.db
        .delete(pdfBuilds)
        .where(
          and(
            eq(pdfBuilds.name, name),
            eq(pdfBuilds.size, 0),
            lt(pdfBuilds.createdAt, new Date(Date.now() - STALE_CLAIM_MS)),
          ),
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async build(resume: ResumeDocument, language: string, name: string): Promise<void> {
    try {
      const photo = resume.photo
        ? await bytesOf((await this.media.storage.open(resume.photo.name)).stream)
        : null;
      const started = performance.now();
      const bytes = await this.render(resume, { language, timeZone: this.timeZone, photo });
      const buildMs = Math.round(performance.now() - started);
      await this.media.storage.save(name, Readable.from(bytes), {
        contentType: 'application/pdf',
        size: bytes.length,
      });
      await this.db.update(pdfBuilds).set({ size: bytes.length, buildMs }).where(eq(pdfBuilds.name, name));
      this.log.info({ profile: resume.id, language, ms: buildMs, bytes: bytes.length }, 'résumé PDF built');
      await this.forgetOlder(resume.id, language, name);
    } catch (error) {
      // Let the next request try again.
      await this.db.delete(pdfBuilds).where(eq(pdfBuilds.name, name));
      throw error;
    }
  }

  /** The profile's earlier PDFs in this language: files and rows. */
  private async forgetOlder(profileId: number, language: string, keep: string): Promise<void> {
    const older = await this.db
      .delete(pdfBuilds)
      .where(
        and(
          eq(pdfBuilds.profileId, profileId),
          eq(pdfBuilds.language, language),
          ne(pdfBuilds.name, keep),
          ne(pdfBuilds.size, 0),
        ),
      )
      .returning({ name: pdfBuilds.name });
    for (const row of older) await this.media.storage.delete(row.name);
  }
}
