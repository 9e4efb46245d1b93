/**
 * The post editor's two admin endpoints, called by static/blog/js/editor.js from the post's add and
 * change pages (registered as the post admin's form assets in ./admin.ts):
 *
 * - `POST <ADMIN_PATH>blog/preview/` (`body`, `body_format`): the body rendered and sanitized by the
 *   same function a save uses (./markup/render.ts), as JSON `{ html }`. The body is capped like the
 *   post form's body field (DATA_UPLOAD_MAX_MEMORY_SIZE).
 * - `POST <ADMIN_PATH>blog/images/` (multipart, one file `image`): checked like the admin's image
 *   fields (type sniffed from the bytes, FILE_UPLOAD_MAX_SIZE, decoded in full), stored through the
 *   media storage under `blog/body/YYYY/MM/`, answered with JSON `{ url, name }`.
 *
 * Both are for active staff who may add or change posts, and need the CSRF token (the script sends
 * the form's in `X-CSRF-Token`). A refused image or bad input is a 400 with `{ error }` in the editor's
 * language, which the script shows.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { permissionsFor, requireStaff } from '../../contrib/admin/access.js';
import { adminTranslator } from '../../contrib/admin/messages.js';
import { isUploadRefusal, uploadErrorText } from '../../contrib/admin/upload-errors.js';
import type { AuthenticatedUser } from '../../contrib/auth/current-user.js';
import { IMAGE_ACCEPT, receiveForm, type StoredImage, saveImage } from '../../contrib/media/index.js';
import { ForbiddenError } from '../../errors.js';
import { translator } from '../../i18n/messages.js';
import type { Settings } from '../../settings.js';
import { type BodyFormat, renderBody } from './markup/render.js';
import { blogMessages } from './messages.js';

/** The storage folder of images put into post bodies (then `YYYY/MM/<random>.<ext>`). */
export const BODY_IMAGE_PREFIX = 'blog/body';
/** The multipart field the image comes in. */
export const IMAGE_FIELD = 'image';

/** The editor's endpoints under the admin's path. */
export function editorUrls(adminPath: string): { preview: string; images: string } {
  return { preview: `${adminPath}blog/preview/`, images: `${adminPath}blog/images/` };
}

/**
 * What editor.js reads from the form's data-* attributes: the field it improves, the two URLs, and
 * its words in the page's language (`{name}`-style placeholders left for the script).
 */
export function editorFormData({
  language,
  adminPath,
}: {
  language: string;
  adminPath: string;
}): Record<string, string> {
  const text = translator(blogMessages, language);
  const urls = editorUrls(adminPath);
  return {
    'post-editor': 'body',
    'post-editor-format': 'bodyFormat',
    'preview-url': urls.preview,
    'image-url': urls.images,
    'editor-text': JSON.stringify({
      preview: text('editor.preview'),
      previewEmpty: text('editor.previewEmpty'),
      previewFailed: text('editor.previewFailed', { reason: '{reason}' }),
      hint: text('editor.hint'),
      uploading: text('editor.uploading', { name: '{name}' }),
      uploadFailed: text('editor.uploadFailed', { name: '{name}', reason: '{reason}' }),
      noAnswer: text('editor.noAnswer'),
    }),
  };
}

const BODY_FORMATS: readonly BodyFormat[] = ['markdown', 'html'];

/** The staff user, when they may add or change posts; 403 otherwise (null: sent to the login page). */
async function postEditor(request: FastifyRequest, reply: FastifyReply): Promise<AuthenticatedUser | null> {
  const user = requireStaff(request, reply);
  if (!user) return null;
  const permissions = await permissionsFor(user, 'blog', 'post');
  if (!permissions.add && !permissions.change) {
    throw new ForbiddenError('the post editor needs blog.add_post or blog.change_post');
  }
  return user;
}

function refuse(reply: FastifyReply, error: string): FastifyReply {
  return reply.code(400).header('cache-control', 'no-store').send({ error });
}

/**
 * The posted fields. editor.js sends multipart, read by the same parser and limits as the post's own
 * form, so the body is capped exactly like the body field (DATA_UPLOAD_MAX_MEMORY_SIZE, 413 over it);
 * a URL-encoded form or JSON (bodies capped at the same size) serves other clients.
 */
async function previewFields(request: FastifyRequest): Promise<Record<string, unknown>> {
  if (request.isMultipart()) return (await request.multipartForm()).fields;
  const body = request.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

export function registerEditorRoutes(app: FastifyInstance, settings: Readonly<Settings>): void {
  const urls = editorUrls(settings.adminPath);

  app.post(urls.preview, async (request, reply) => {
    if (!(await postEditor(request, reply))) return reply;
    const text = translator(blogMessages, request.language);
    const { body, body_format: format } = await previewFields(request);
    if (typeof body !== 'string' || !BODY_FORMATS.includes(format as BodyFormat)) {
      return refuse(reply, text('editor.badPreview'));
    }
    return reply
      .header('cache-control', 'no-store')
      .send({ html: await renderBody(body, format as BodyFormat) });
  });

  app.post(urls.images, async (request, reply) => {
    if (!(await postEditor(request, reply))) return reply;
    const t = adminTranslator(request.language);
    const { media } = request.server;
    const form = await receiveForm(request, { accept: IMAGE_ACCEPT, collectRefusals: true });
    const refusal = form.refused[IMAGE_FIELD];
    if (refusal) return refuse(reply, uploadErrorText(refusal, t, request.language));
    const file = form.files[IMAGE_FIELD];
    if (!file) return refuse(reply, translator(blogMessages, request.language)('editor.noImage'));
    let stored: StoredImage;
    try {
      stored = await saveImage(media, file, { prefix: BODY_IMAGE_PREFIX });
    } catch (error) {
      if (!isUploadRefusal(error)) throw error;
      return refuse(reply, uploadErrorText(error, t, request.language));
    }
    request.log.info({ name: stored.name, size: stored.size }, 'stored an image for a post body');
    return reply
      .header('cache-control', 'no-store')
      .send({ url: media.url(stored.name), name: stored.originalName });
  });
}
