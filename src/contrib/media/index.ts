/**
 * The media app: uploaded files kept on this disk or in S3-compatible object storage, image checks
 * and thumbnails, and file/image fields for other apps' schemas. See docs/media.md.
 *
 * Other apps use `request.server.media` with the helpers exported here.
 */
import type { KeenApp } from '../../web/keen-app.js';
import { createMedia } from './media.js';
import { registerMediaRoutes } from './serve.js';
import { makeThumbnailsJob, useThumbnailJobs } from './thumbnail-job.js';
import { sweepStaleUploads } from './upload.js';

export {
  deleteStoredFile,
  fileField,
  imageField,
  type StoredFile,
  type StoredFileKind,
  type StoredImage,
  saveFile,
  saveImage,
  storedFileKindOf,
  withStoredFiles,
} from './fields.js';
export { MAX_IMAGE_PIXELS, THUMBNAIL_WIDTHS } from './images.js';
export { createMedia, type Media, THUMBNAIL_PATH } from './media.js';
export { DEFAULT_ACCEPT, type FileKindName, IMAGE_ACCEPT } from './sniff.js';
export type { MediaStorage } from './storage.js';
export { type ReceivedFile, type ReceivedForm, receiveForm } from './upload.js';

export const mediaApp: KeenApp = {
  name: 'media',
  jobs: [makeThumbnailsJob],
  routes(app, { settings, logger }) {
    const media = createMedia(settings, logger.child({ app: 'media' }));
    app.decorate('media', media);
    useThumbnailJobs(app);
    registerMediaRoutes(app, media, settings);
    // Temp files of a process killed mid-upload; in the background, it never delays the start.
    sweepStaleUploads(settings.fileUploadTempDir)
      .then((removed) => removed > 0 && media.log.info({ removed }, 'deleted stale upload temp files'))
      .catch((error: unknown) => media.log.warn({ err: error }, 'could not sweep upload temp files'));
  },
};
