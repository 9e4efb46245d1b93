/**
 * The `media.thumbnails` job: makes every thumbnail width of one stored image. Enqueued after an image
 * is saved, and by the thumbnail route when a page asks for one not made yet; one waiting job per
 * image (its name is the singleton key), and a job tried twice makes nothing twice.
 */
import type { FastifyInstance } from 'fastify';
import { defineJob } from '../jobs/queue.js';

export const makeThumbnailsJob = defineJob<{ name: string }>({
  name: 'media.thumbnails',
  policy: 'short',
  retryLimit: 3,
  async handler({ name }, { app }) {
    await app.media.thumbnails.makeAll(name);
  },
});

/** Thumbnails by the job queue when it runs (keen serve, keen worker), else in this process. */
export function useThumbnailJobs(app: FastifyInstance): void {
  const thumbnails = app.media.thumbnails;
  thumbnails.scheduler = (name) =>
    app.jobs.isStarted
      ? app.jobs.enqueue(makeThumbnailsJob.name, { name }, { singletonKey: name })
      : thumbnails.makeAll(name);
}
