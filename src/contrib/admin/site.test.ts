import { describe, expect, it } from 'vitest';
import { categories, postLinks, posts, postTags, tags } from '../../apps/blog/schema.js';
import type { KeenApp } from '../../web/keen-app.js';
import { users } from '../auth/schema.js';
import { defineAdmin } from './define.js';
import { fieldsOf } from './fields.js';
import { AdminSite } from './site.js';

const blogModels = [{ name: 'post' }, { name: 'category' }, { name: 'tag' }, { name: 'postlink' }];

function siteWith(admin: KeenApp['admin'], models = blogModels): AdminSite {
  return new AdminSite([{ name: 'blog', models, admin }], '/admin/');
}

describe('reading the schema', () => {
  it('gives each column of blog_post its kind, limits, choices and references', () => {
    const byKey = new Map(fieldsOf(posts).map((field) => [field.key, field]));
    expect(byKey.get('title')).toMatchObject({
      kind: 'text',
      maxLength: 200,
      notNull: true,
      hasDefault: false,
    });
    expect(byKey.get('body')?.kind).toBe('longText');
    expect(byKey.get('status')).toMatchObject({
      kind: 'choice',
      choices: [
        ['draft', 'Draft'],
        ['published', 'Published'],
      ],
    });
    expect(byKey.get('categoryId')).toMatchObject({ kind: 'foreignKey', label: 'Category' });
    expect(byKey.get('categoryId')?.references).toMatchObject({ table: categories, onDelete: 'restrict' });
    expect(byKey.get('authorId')?.references?.onDelete).toBe('set null');
    expect(byKey.get('publishedAt')).toMatchObject({
      kind: 'dateTime',
      label: 'Published at',
      notNull: false,
    });
    expect(byKey.get('readingMinutes')?.kind).toBe('integer');
    expect(byKey.get('cover')?.kind).toBe('image');
    expect(byKey.get('extra')?.kind).toBe('json');
    expect(byKey.get('slug')?.uniqueConstraints).toEqual(['blog_post_slug_unique']);
  });

  it('ties a unique index on lower(username) to the username column', () => {
    const username = fieldsOf(users).find((field) => field.key === 'username');
    expect(username?.uniqueConstraints).toContain('auth_user_username_lower_uniq');
  });
});

describe('registrations are checked at start (KEEN_E_ADMIN)', () => {
  const cases: [string, () => unknown, string][] = [
    [
      'a model the app does not list',
      () => siteWith([defineAdmin(tags, { model: 'label' })]),
      'models list has no "label"',
    ],
    [
      'a list column that is not a column',
      () => siteWith([defineAdmin(tags, { model: 'tag', listDisplay: ['colour' as 'name'] })]),
      'listDisplay names "colour"',
    ],
    [
      'a filter on a text column',
      () => siteWith([defineAdmin(tags, { model: 'tag', listFilter: ['name'] })]),
      'listFilter: "name" is a text column',
    ],
    [
      'an inline whose foreign key is another table’s',
      () =>
        siteWith([
          defineAdmin(posts, { model: 'post', inlines: [{ table: postLinks, foreignKey: postTags.postId }] }),
        ]),
      'foreignKey is not a column of that table',
    ],
    [
      'a many-to-many whose target is not registered',
      () =>
        siteWith([
          defineAdmin(posts, {
            model: 'post',
            manyToMany: [
              {
                name: 'tags',
                through: postTags,
                sourceColumn: postTags.postId,
                targetColumn: postTags.tagId,
              },
            ],
          }),
        ]),
      'points at blog_tag, which is not registered',
    ],
    [
      'a page of more than 500 rows',
      () => siteWith([defineAdmin(tags, { model: 'tag', listPerPage: 501 })]),
      'listPerPage must be 1 to 500',
    ],
    [
      'the same model twice',
      () => siteWith([defineAdmin(tags, { model: 'tag' }), defineAdmin(tags, { model: 'tag' })]),
      'registered twice',
    ],
  ];
  it.each(cases)('refuses %s', (_name, build, message) => {
    expect(build).toThrow(
      expect.objectContaining({ code: 'KEEN_E_ADMIN', message: expect.stringContaining(message) }),
    );
  });

  it('resolves a valid registration with a total order and its URL', () => {
    const site = siteWith([defineAdmin(tags, { model: 'tag', ordering: ['name'] })]);
    const tag = site.find('blog', 'tag');
    expect(tag?.url).toBe('/admin/blog/tag/');
    expect(tag?.ordering.map((key) => [key.field.key, key.descending])).toEqual([
      ['name', false],
      ['id', true],
    ]);
    expect(site.forTable(tags)).toBe(tag);
    expect(tag?.appTitle).toBe('Blog');
  });

  it('shows an app by its verbose name when it has one', () => {
    const site = new AdminSite(
      [
        {
          name: 'resume',
          verboseName: 'Résumé',
          models: [{ name: 'tag' }],
          admin: [defineAdmin(tags, { model: 'tag' })],
        },
      ],
      '/admin/',
    );
    expect(site.byApp()).toMatchObject([{ app: 'resume', title: 'Résumé' }]);
  });
});
