/**
 * The résumé's PDF:
 *
 * - `GET /resume/export/pdf/`: the active profile, in the visitor's language, for anyone. Cacheable
 *   for five minutes, then revalidated by its ETag (the file's content hash), so a changed résumé is
 *   seen within minutes and an unchanged one costs a 304.
 * - `GET /resume/<id>/pdf/`: any profile, for staff who may view profiles (previews of drafts); never
 *   stored by a shared cache.
 *
 * The bytes come from the media storage (./pdf-store.ts); a request builds only when the résumé has
 * changed since the last build.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redirectToLogin } from '../../contrib/auth/views.js';
import { defineJob } from '../../contrib/jobs/queue.js';
import { MEDIA_CSP } from '../../contrib/media/serve.js';
import type { Db } from '../../db/client.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { translator } from '../../i18n/messages.js';
import { resumeMessages } from './messages.js';
import { contentDisposition, resumeFileNames } from './pdf/file-name.js';
import type { renderResumePdf } from './pdf/render.js';
import { ResumePdfs } from './pdf-store.js';
import { loadActiveResume, loadResumeById } from './queries.js';
import { RESUME_PDF_PATH } from './urls.js';

/**
 * The PDF writer (pdfkit and its fonts, sharp for the photo) is loaded by the first PDF a worker builds,
 * not by every worker at start: about a fifth of a worker's boot (issue 17).
 */
const renderOnDemand: typeof renderResumePdf = async (resume, options) =>
  (await import('./pdf/render.js')).renderResumePdf(resume, options);

declare module 'fastify' {
  interface FastifyInstance {
    /** The résumé PDFs, built off the request path (src/apps/resume/pdf-store.ts). */
    resumePdfs: ResumePdfs;
  }
}

/** The headers every PDF answer has; true when the client's copy is current (then send a 304). */
function pdfHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  etag: string,
  cache: 'public' | 'private',
): boolean {
  reply
    .header('etag', etag)
    .header('cache-control', cache === 'public' ? 'public, max-age=300' : 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', MEDIA_CSP);
  return request.headers['if-none-match'] === etag;
}

function disposition(request: FastifyRequest, fullName: string): string {
  const t = translator(resumeMessages, request.language);
  return contentDisposition(resumeFileNames(fullName, { ascii: 'Resume', local: t('pdf.fileWord') }));
}

export function registerPdfRoutes(app: FastifyInstance, db: Db): void {
  const { settings } = app.keen;
  app.decorate('resumePdfs', new ResumePdfs(db, app.media, renderOnDemand, settings.timeZone, app.log));

  // No session: the same bytes for everyone who reads the same language, kept in memory a few seconds.
  app.get(RESUME_PDF_PATH, { config: { session: false } }, async (request, reply) => {
    const pdf = await app.resumePdfs.publicPdf(request.language, () => loadActiveResume(db));
    if (!pdf) throw new NotFoundError('no active résumé profile');
    if (pdfHeaders(request, reply, pdf.etag, 'public')) return reply.code(304).send();
    return reply
      .type('application/pdf')
      .header('content-disposition', disposition(request, pdf.fullName))
      .send(pdf.bytes);
  });

  app.get<{ Params: { id: string } }>('/resume/:id/pdf/', async (request, reply) => {
    if (redirectToLogin(request, reply)) return reply;
    const { user } = request;
    if (!user.isAuthenticated || !user.isStaff || !(await user.hasPerm('resume.view_profile')))
      throw new ForbiddenError('viewing profiles needs resume.view_profile');
    const id = /^[1-9][0-9]{0,8}$/.test(request.params.id) ? Number(request.params.id) : null;
    const resume = id === null ? null : await loadResumeById(db, id);
    if (!resume) throw new NotFoundError(`no profile ${request.params.id.slice(0, 20)}`);
    const pdf = await app.resumePdfs.ensure(resume, request.language);
    if (pdfHeaders(request, reply, pdf.etag, 'private')) return reply.code(304).send();
    const file = await app.media.storage.open(pdf.name);
    return reply
      .type('application/pdf')
      .header('content-disposition', disposition(request, resume.fullName))
      .header('content-length', file.size)
      .send(file.stream);
  });
}

/** Builds a profile's PDF in every language (the job below, or right away where no queue runs). */
export async function buildProfilePdfs(app: FastifyInstance, profileId: number): Promise<void> {
  const resume = await loadResumeById(app.keen.database.db, profileId);
  if (!resume) return;
  for (const language of app.keen.settings.languages) await app.resumePdfs.ensure(resume, language);
}

/**
 * The build as a background job: one waiting build per profile however often it is saved (a `short`
 * queue keyed by the profile), retried if it fails.
 */
export const buildPdfJob = defineJob<{ profileId: number }>({
  name: 'resume.build_pdf',
  policy: 'short',
  retryLimit: 3,
  handler: (data, { app }) => buildProfilePdfs(app, data.profileId),
});

/** After an admin save: the new PDF is built now, not by the first visitor who asks for it. */
export async function buildAfterSave(app: FastifyInstance, profileId: number): Promise<void> {
  app.resumePdfs.forgetPublicCopies();
  if (app.jobs.isStarted) {
    await app.jobs.enqueue(buildPdfJob.name, { profileId }, { singletonKey: `profile-${profileId}` });
    return;
  }
  // No queue in this process (a test app, a command): build here, after the response.
  await buildProfilePdfs(app, profileId);
}
