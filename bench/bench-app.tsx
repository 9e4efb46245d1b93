/**
 * A bench-only installed app: the "authenticated page that lists rows" and the "form POST that inserts
 * one" the benchmark needs, written the way a site's own app would be (redirectToLogin, Drizzle, the
 * normal Layout through sendPage, a PostForm whose token the csrf stage checks), so the numbers measure
 * Keen's real request path. Only bench/keen-bench-server.ts installs it.
 */
import { desc, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { redirectToLogin } from '../src/contrib/auth/views.js';
import { Field, formField, PostForm } from '../src/web/forms.js';
import type { KeenApp } from '../src/web/keen-app.js';
import { Layout } from '../src/web/layout.js';
import { pageContext, sendPage } from '../src/web/render.js';
import { BENCH_ITEMS_URL, PAGE_SIZE } from './bench-constants.js';
import { type BenchItem, benchItems } from './bench-schema.js';

const MAX_TITLE_LENGTH = 200;

function ItemsPage({ request, items }: { request: FastifyRequest; items: BenchItem[] }) {
  const context = pageContext(request);
  return (
    <Layout title="Items" context={context}>
      <h1>Items</h1>
      <table class="Items">
        <thead>
          <tr>
            <th>#</th>
            <th>Title</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr>
              <td>{item.id}</td>
              <td>{item.title}</td>
              <td>{item.createdAt.toISOString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PostForm action={BENCH_ITEMS_URL} csrfToken={request.csrfToken()}>
        <Field name="title" label="Title" />
        <button type="submit">Add</button>
      </PostForm>
    </Layout>
  );
}

export const benchApp: KeenApp = {
  name: 'bench',
  dependsOn: ['sessions', 'auth'],
  routes(app, { database }) {
    const db = database.db;
    // Prepared once (a named statement per connection), as the baseline's queries are.
    const newestItems = db
      .select()
      .from(benchItems)
      .orderBy(desc(benchItems.id))
      .limit(sql.placeholder('limit'))
      .prepare('bench_newest_items');
    const insertItem = db
      .insert(benchItems)
      .values({ title: sql.placeholder('title') })
      .prepare('bench_insert_item');

    app.get(BENCH_ITEMS_URL, async (request, reply) => {
      if (redirectToLogin(request, reply)) return reply;
      const items = await newestItems.execute({ limit: PAGE_SIZE });
      return sendPage(reply, <ItemsPage request={request} items={items} />);
    });

    app.post(BENCH_ITEMS_URL, async (request, reply) => {
      if (redirectToLogin(request, reply)) return reply;
      const title = formField(request.body, 'title').trim();
      if (title === '' || title.length > MAX_TITLE_LENGTH) {
        return reply.code(400).type('text/plain; charset=utf-8').send('title: 1 to 200 characters');
      }
      await insertItem.execute({ title });
      return reply.redirect(BENCH_ITEMS_URL, 303);
    });
  },
};
