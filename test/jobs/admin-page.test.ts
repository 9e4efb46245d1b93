// The admin's "Background jobs" page: counts per queue and state, a failed job with its error and a
// Retry button that runs it again, a waiting job cancelled, and the permissions: jobs.view_job shows
// the page without buttons, jobs.change_job is needed to act, other staff get 403 and no index link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../../src/contrib/jobs/queue.js';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { pageText } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const PAGE = `${ADMIN}jobs/`;
const POLL = { timeout: 20_000, interval: 100 };

let failNext = true;
const testJobs: KeenApp = {
  name: 'jobtest',
  jobs: [
    defineJob<{ n: number }>({
      name: 'jobtest.flaky',
      retryLimit: 0,
      async handler() {
        if (failNext) {
          failNext = false;
          throw new Error('the printer is on fire');
        }
      },
    }),
    defineJob<Record<string, never>>({ name: 'jobtest.later', async handler() {} }),
  ],
};

/** The hidden fields of the form posting to `action` in the page. */
function formFor(html: string, action: string, id: string): Record<string, string> | null {
  const forms = html.match(/<form method="post" action="[^"]+">[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((text) => text.includes(`action="${action}"`) && text.includes(id));
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const [, name, value] of form.matchAll(/name="([^"]+)" value="([^"]*)"/g)) fields[name!] = value!;
  return fields;
}

describe(`the admin's background jobs page (${ENGINE})`, () => {
  let t: TestApp;
  let superuser: TestClient;
  let failedId: string;
  let laterId: string;

  beforeAll(async () => {
    t = await createTestApp({ apps: [...installedApps, testJobs] });
    superuser = await staffClient(t, 'boss', { superuser: true });
    // Before the queue starts (a command's app, or a web worker that could not set it up).
    const idle = await superuser.get(PAGE);
    expect(idle.statusCode).toBe(200);
    expect(pageText(idle.body)).toContain('not running in this process');

    await t.app.jobs.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
    failedId = (await t.app.jobs.enqueue('jobtest.flaky', { n: 1 })) as string;
    laterId = (await t.app.jobs.enqueue('jobtest.later', {}, { startAfterSeconds: 3600 })) as string;
  }, 60_000);
  afterAll(() => t.close());

  it('lists the queues, the failure with its error and the waiting job, each with its button', async () => {
    await expect
      .poll(async () => (await t.app.jobs.job('jobtest.flaky', failedId))?.state, POLL)
      .toBe('failed');
    const index = await superuser.get(ADMIN);
    expect(index.body).toContain(`href="${PAGE}"`);
    const response = await superuser.get(PAGE);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const text = pageText(response.body);
    expect(text).toContain('the printer is on fire');
    expect(response.body).toMatch(/<th scope="row">jobtest\.flaky<\/th>(<td>\d+<\/td>){3}<td>1<\/td>/);
    expect(formFor(response.body, `${PAGE}retry/`, failedId)).not.toBeNull();
    expect(formFor(response.body, `${PAGE}cancel/`, laterId)).not.toBeNull();
  });

  it('Retry runs a failed job again; Cancel cancels a waiting one', async () => {
    const page = (await superuser.get(PAGE)).body;
    const retried = await superuser.post(
      `${PAGE}retry/`,
      formFor(page, `${PAGE}retry/`, failedId) as Record<string, string>,
    );
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe(PAGE);
    await expect
      .poll(async () => (await t.app.jobs.job('jobtest.flaky', failedId))?.state, POLL)
      .toBe('completed');
    const after = await superuser.get(PAGE);
    expect(pageText(after.body)).toContain(`Job ${failedId} of jobtest.flaky is queued again.`);

    const cancelled = await superuser.post(
      `${PAGE}cancel/`,
      formFor(page, `${PAGE}cancel/`, laterId) as Record<string, string>,
    );
    expect(cancelled.statusCode).toBe(303);
    expect((await t.app.jobs.job('jobtest.later', laterId))?.state).toBe('cancelled');
  });

  it('refuses a malformed job id with 400 and an unknown one with a message', async () => {
    await superuser.get(PAGE);
    const bad = await superuser.post(`${PAGE}retry/`, { queue: 'jobtest.flaky', id: "1'; drop table x" });
    expect(bad.statusCode).toBe(400);
    const unknown = await superuser.post(`${PAGE}cancel/`, {
      queue: 'jobtest.flaky',
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(303);
    expect(pageText((await superuser.get(PAGE)).body)).toContain('There is no such job in that queue.');
  });

  it('needs jobs.view_job to see and jobs.change_job to act', async () => {
    const plain = await staffClient(t, 'plain');
    expect((await plain.get(PAGE)).statusCode).toBe(403);
    expect((await plain.get(ADMIN)).body).not.toContain(`href="${PAGE}"`);

    const viewer = await staffClient(t, 'viewer', { perms: ['jobs.view_job'] });
    expect((await viewer.get(ADMIN)).body).toContain(`href="${PAGE}"`);
    const seen = await viewer.get(PAGE);
    expect(seen.statusCode).toBe(200);
    expect(pageText(seen.body)).toContain('jobtest.flaky');
    expect(seen.body).not.toContain(`action="${PAGE}retry/"`);
    await viewer.get(`${ADMIN}password_change/`); // a page with a form, for the CSRF token
    const refused = await viewer.post(`${PAGE}retry/`, { queue: 'jobtest.flaky', id: failedId });
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('You do not have permission to view this page.');
  });
});
