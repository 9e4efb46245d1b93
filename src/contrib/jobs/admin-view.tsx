/**
 * The admin's "Background jobs" page (`ADMIN_PATH/jobs/`): jobs per queue and state, the recent failures
 * with their errors, what is waiting or running, and buttons to retry a failed job or cancel a waiting
 * one. Seeing it takes `jobs.view_job`; the buttons take `jobs.change_job`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, ForbiddenError } from '../../errors.js';
import { formatDate } from '../../i18n/dates.js';
import { lazyTranslator } from '../../i18n/messages.js';
import { formField } from '../../web/forms.js';
import { requireStaff } from '../admin/access.js';
import type { AdminView } from '../admin/define.js';
import { type AdminEnvironment, adminTimeZone, sendAdminPage } from '../admin/views/shared.js';
import { jobsMessages, jobsTranslator } from './messages.js';
import { isJobId, type JobQueue, type JobRow, type JobState } from './queue.js';

const STATES: readonly JobState[] = ['created', 'retry', 'active', 'failed', 'completed', 'cancelled'];
const SHOWN = 20;

type JobsTranslate = ReturnType<typeof jobsTranslator>;

interface Listing {
  counts: Map<string, Map<string, number>>;
  failed: JobRow[];
  pending: JobRow[];
}

async function listing(jobs: JobQueue): Promise<Listing> {
  const [summary, failed, pending] = await Promise.all([
    jobs.summary(),
    jobs.list(['failed'], SHOWN),
    jobs.list(['created', 'retry', 'active'], SHOWN),
  ]);
  const counts = new Map<string, Map<string, number>>();
  for (const row of summary) {
    const states = counts.get(row.queue) ?? new Map<string, number>();
    states.set(row.state, row.count);
    counts.set(row.queue, states);
  }
  return { counts, failed, pending };
}

function JobTable({
  rows,
  kind,
  canChange,
  url,
  csrfToken,
  t,
  when,
}: {
  rows: JobRow[];
  kind: 'failed' | 'pending';
  canChange: boolean;
  url: string;
  csrfToken: string;
  t: JobsTranslate;
  when: (date: Date) => string;
}) {
  // A failed job can be retried; a waiting or running one cancelled.
  const action = canChange ? (kind === 'failed' ? 'retry' : 'cancel') : null;
  return (
    <div class="AdminTable-scroll">
      <table class="AdminTable" id={`jobs_${kind}`}>
        <thead>
          <tr>
            <th scope="col">{t('admin.queue')}</th>
            <th scope="col">{t('admin.id')}</th>
            <th scope="col">{t('admin.when')}</th>
            <th scope="col">{t('admin.tries')}</th>
            <th scope="col">{kind === 'failed' ? t('admin.error') : t('admin.state')}</th>
            {action && <td />}
          </tr>
        </thead>
        <tbody>
          {rows.map((job) => (
            <tr>
              <td>{job.queue}</td>
              <td>
                <code>{job.id}</code>
              </td>
              <td>{when(job.completedOn ?? job.createdOn)}</td>
              <td>{job.retryCount}</td>
              <td>{kind === 'failed' ? job.error.slice(0, 300) : t(`state.${job.state}`)}</td>
              {action && (
                <td>
                  <form method="post" action={`${url}${action}/`}>
                    <input type="hidden" name="_csrf" value={csrfToken} />
                    <input type="hidden" name="queue" value={job.queue} />
                    <input type="hidden" name="id" value={job.id} />
                    <button type="submit" class="AdminButton">
                      {t(action === 'retry' ? 'admin.retry' : 'admin.cancel')}
                    </button>
                  </form>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function sendJobsPage(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
  url: string,
  canChange: boolean,
) {
  const t = jobsTranslator(request.language);
  const title = t('admin.title');
  const jobs = request.server.jobs;
  const page = (body: unknown[]) =>
    sendAdminPage(environment, request, reply, { title, breadcrumbs: [{ label: title }] }, [
      <h1>{title}</h1>,
      <p>{t('admin.intro')}</p>,
      ...body,
    ]);
  if (!jobs.isStarted) return page([<p class="AdminNotice">{t('admin.notRunning')}</p>]);
  const { counts, failed, pending } = await listing(jobs);
  const timeZone = adminTimeZone(environment, request);
  const when = (date: Date) => formatDate(date, request.language, timeZone, 'dayTime');
  const csrfToken = request.csrfToken();
  return page([
    <h2>{t('admin.queues')}</h2>,
    counts.size === 0 ? (
      <p class="AdminEmpty">{t('admin.noJobs')}</p>
    ) : (
      <div class="AdminTable-scroll">
        <table class="AdminTable" id="job_queues">
          <thead>
            <tr>
              <th scope="col">{t('admin.queue')}</th>
              {STATES.map((state) => (
                <th scope="col">{t(`state.${state}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...counts].map(([queue, states]) => (
              <tr>
                <th scope="row">{queue}</th>
                {STATES.map((state) => (
                  <td>{states.get(state) ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    ),
    <h2>{t('admin.failed')}</h2>,
    failed.length === 0 ? (
      <p class="AdminEmpty">{t('admin.noFailed')}</p>
    ) : (
      <JobTable rows={failed} kind="failed" {...{ canChange, url, csrfToken, t, when }} />
    ),
    <h2>{t('admin.pending')}</h2>,
    pending.length === 0 ? (
      <p class="AdminEmpty">{t('admin.noPending')}</p>
    ) : (
      <JobTable rows={pending} kind="pending" {...{ canChange, url, csrfToken, t, when }} />
    ),
  ]);
}

/** The staff user if they may see the page (403 otherwise), and whether they may change jobs. */
async function jobsAccess(request: FastifyRequest, reply: FastifyReply) {
  const user = requireStaff(request, reply);
  if (!user) return null;
  const [view, change] = await Promise.all([user.hasPerm('jobs.view_job'), user.hasPerm('jobs.change_job')]);
  if (!view && !change) throw new ForbiddenError('no view permission on background jobs');
  return { user, canChange: change };
}

function register(app: FastifyInstance, environment: AdminEnvironment, url: string): void {
  app.get(url, async (request, reply) => {
    const access = await jobsAccess(request, reply);
    if (!access) return reply;
    return sendJobsPage(environment, request, reply, url, access.canChange);
  });

  for (const action of ['retry', 'cancel'] as const) {
    app.post(`${url}${action}/`, async (request, reply) => {
      const access = await jobsAccess(request, reply);
      if (!access) return reply;
      if (!access.canChange) throw new ForbiddenError('no change permission on background jobs');
      const queue = formField(request.body, 'queue');
      const id = formField(request.body, 'id');
      const t = jobsTranslator(request.language);
      const jobs = request.server.jobs;
      if (!isJobId(id) || !/^[\w.-]{1,100}$/.test(queue) || !jobs.isStarted)
        throw new BadRequestError('a queue name and a job id are needed');
      if (!(await jobs.job(queue, id))) {
        request.messages.error(t('admin.badJob'));
        return reply.redirect(url, 303);
      }
      if (action === 'retry') await jobs.retry(queue, id);
      else await jobs.cancel(queue, id);
      request.log.info({ queue, jobId: id, user: access.user.id }, `job ${action} from the admin`);
      request.messages.success(t(action === 'retry' ? 'admin.retried' : 'admin.cancelled', { queue, id }));
      return reply.redirect(url, 303);
    });
  }
}

export const jobsAdminView: AdminView = {
  path: 'jobs/',
  permission: 'jobs.view_job',
  title: lazyTranslator(jobsMessages)('admin.title'),
  register,
};
