import {
  boolean,
  date,
  doublePrecision,
  jsonb,
  pgEnum,
  pgTable,
  serial,
  smallint,
  text,
} from 'drizzle-orm/pg-core';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, test } from 'vitest';
import { posts } from '../../../apps/blog/schema.js';
import { experience, skills } from '../../../apps/resume/schema.js';
import { fileField, imageField } from '../../media/fields.js';
import { type AdminField, fieldsOf } from '../fields.js';
import { FieldWidget, type FieldWidgetProps } from './widgets.js';

const mood = pgEnum('test_widget_mood', ['calm', 'busy']);

/** Column shapes the example apps lack. */
const samples = pgTable('test_widget_sample', {
  id: serial('id').primaryKey(),
  active: boolean('active').notNull().default(true),
  reviewed: boolean('reviewed'),
  small: smallint('small').notNull(),
  ratio: doublePrecision('ratio'),
  mood: mood('mood'),
  day: date('day'),
  notes: text('notes'),
  data: jsonb('data'),
  attachment: fileField('attachment').notNull(),
  scan: fileField('scan'),
  photo: imageField('photo'),
});

function fieldOf(table: Parameters<typeof fieldsOf>[0], key: string): AdminField {
  const field = fieldsOf(table).find((candidate) => candidate.key === key);
  if (!field) throw new Error(`no field ${key}`);
  return field;
}

const post = (key: string) => fieldOf(posts, key);
const sample = (key: string) => fieldOf(samples, key);

const rendered: string[] = [];

function render(props: FieldWidgetProps): string {
  const html = renderToString(<FieldWidget {...props} />);
  rendered.push(html);
  return html;
}

describe('text', () => {
  test('a labelled input with the column limits, required when NOT NULL without a default', () => {
    const html = render({ field: post('title'), value: 'Hello' });
    expect(html).toContain('<div class="AdminField AdminField--text AdminField--required">');
    expect(html).toContain('<label for="id_title">Title</label>');
    expect(html).toContain(
      '<input type="text" id="id_title" name="title" required value="Hello" maxlength="200"/>',
    );
  });

  test('a NOT NULL column with a default is not required', () => {
    const html = render({ field: post('summary'), value: '' });
    expect(html).not.toContain('required');
    expect(html).toContain('maxlength="300"');
  });

  test('values and labels are escaped', () => {
    const html = render({
      field: { ...post('title'), label: 'Title <b>' },
      value: '"><script>alert(1)</script>&',
    });
    expect(html).toContain('value="&quot;>&lt;script>alert(1)&lt;/script>&amp;"');
    expect(html).toContain('Title &lt;b>');
    expect(html).not.toContain('<script>');
  });

  test('an inline row names its control with the prefix', () => {
    const html = render({ field: post('title'), value: '', name: 'links-0-title' });
    expect(html).toContain('<label for="id_links-0-title">Title</label>');
    expect(html).toContain('id="id_links-0-title" name="links-0-title"');
  });

  test('prepopulated fields name their sources for the script', () => {
    const html = render({ field: post('slug'), value: '', prepopulateFrom: ['title', 'summary'] });
    expect(html).toContain('data-prepopulate-from="title,summary"');
  });
});

test('longText is a ten-row textarea that keeps a leading newline and escapes its end tag', () => {
  const html = render({ field: post('body'), value: '\nFirst </textarea><b>' });
  expect(html).toContain(
    '<textarea id="id_body" name="body" rows="10" cols="40">\n\nFirst &lt;/textarea>&lt;b></textarea>',
  );
});

test('integer is a number input with step 1 and the column range', () => {
  expect(render({ field: post('readingMinutes'), value: '3' })).toContain(
    '<input type="number" id="id_readingMinutes" name="readingMinutes" value="3" step="1" min="-2147483648" max="2147483647"/>',
  );
  const small = render({ field: sample('small'), value: '' });
  expect(small).toContain('min="-32768" max="32767"');
  expect(small).toContain('required');
});

test('numeric is a decimal text input with a pattern', () => {
  const html = render({ field: fieldOf(skills, 'level'), value: '7.5' });
  expect(html).toContain('type="text" id="id_level" name="level" value="7.5" inputmode="decimal"');
  expect(html).toContain('pattern="[\\-+]?[0-9]*\\.?[0-9]*"');
  expect(render({ field: sample('ratio'), value: '' })).toContain(
    'pattern="[\\-+]?[0-9]*\\.?[0-9]*([eE][\\-+]?[0-9]+)?"',
  );
});

describe('boolean', () => {
  test('NOT NULL: a checkbox, never required', () => {
    const checked = render({ field: sample('active'), value: 'true' });
    expect(checked).toContain('<input type="checkbox" id="id_active" name="active" value="true" checked/>');
    expect(checked).not.toContain('required');
    expect(render({ field: sample('active'), value: 'false' })).not.toContain('checked');
  });

  test('nullable: Unknown / Yes / No', () => {
    const html = render({ field: sample('reviewed'), value: 'false' });
    expect(html).toContain(
      '<select id="id_reviewed" name="reviewed"><option value>Unknown</option><option value="true">Yes</option><option value="false" selected>No</option></select>',
    );
  });
});

test('date is a date input', () => {
  expect(render({ field: fieldOf(experience, 'startDate'), value: '2024-02-29' })).toContain(
    '<input type="date" id="id_startDate" name="startDate" required value="2024-02-29"/>',
  );
});

test('dateTime is a datetime-local input with the zone noted', () => {
  const html = render({ field: post('publishedAt'), value: '2024-07-01T12:00', timeZone: 'Europe/Moscow' });
  expect(html).toContain(
    '<input type="datetime-local" id="id_publishedAt" name="publishedAt" aria-describedby="id_publishedAt_note" value="2024-07-01T12:00"/>',
  );
  expect(html).toContain('<p class="AdminField-note" id="id_publishedAt_note">Time zone: Europe/Moscow</p>');
  // A value with seconds needs a one-second step to be valid in the browser.
  expect(render({ field: post('publishedAt'), value: '2024-07-01T12:00:05' })).toContain('step="1"');
});

describe('choice', () => {
  test('NOT NULL with a default: the choices only', () => {
    const html = render({ field: post('status'), value: 'published' });
    expect(html).toContain(
      '<select id="id_status" name="status"><option value="draft">Draft</option><option value="published" selected>Published</option></select>',
    );
  });

  test('nullable: a blank "---------" choice first', () => {
    const html = render({ field: sample('mood'), value: '' });
    expect(html).toContain('<option value selected>---------</option><option value="calm">Calm</option>');
  });
});

describe('foreignKey', () => {
  const options = [
    { value: '1', label: 'News' },
    { value: '2', label: 'Tips & <tricks>' },
  ];

  test('select mode, nullable: blank choice, selected option, escaped labels', () => {
    const html = render({
      field: post('categoryId'),
      value: '2',
      foreignKeyChoices: { mode: 'select', options },
    });
    expect(html).toContain('<label for="id_categoryId">Category</label>');
    expect(html).toContain(
      '<select id="id_categoryId" name="categoryId"><option value>---------</option><option value="1">News</option><option value="2" selected>Tips &amp; &lt;tricks></option></select>',
    );
  });

  test('select mode, NOT NULL with a value: no blank choice', () => {
    const field = { ...post('categoryId'), notNull: true };
    const html = render({ field, value: '1', foreignKeyChoices: { mode: 'select', options } });
    expect(html).not.toContain('---------');
    expect(html).toContain('required');
  });

  test('autocomplete mode: a plain id box that works without JavaScript, with the selected label', () => {
    const html = render({
      field: post('categoryId'),
      value: '2',
      foreignKeyChoices: {
        mode: 'autocomplete',
        url: '/admin/blog/category/autocomplete/?a=1&b=2',
        selectedLabel: 'Tips & <tricks>',
      },
    });
    expect(html).toContain(
      '<input type="text" id="id_categoryId" name="categoryId" aria-describedby="id_categoryId_selected" value="2" inputmode="numeric" autocomplete="off" data-autocomplete-url="/admin/blog/category/autocomplete/?a=1&amp;b=2"/>',
    );
    expect(html).toContain(
      '<span class="AdminField-selected" id="id_categoryId_selected">Tips &amp; &lt;tricks></span>',
    );
    expect(html).not.toContain('<select');
  });
});

test('json is a code textarea', () => {
  const html = render({ field: post('extra'), value: '{\n  "a": "<b>"\n}' });
  expect(html).toContain(
    '<textarea id="id_extra" name="extra" class="AdminField-code" rows="10" cols="40" spellcheck="false">',
  );
  expect(html).toContain('&quot;a&quot;: &quot;&lt;b>&quot;');
});

describe('file and image', () => {
  const current = { name: 'holiday <1>.png', url: '/media/uploads/a.png?x=1&y=2', isImage: true };

  test('an image shows the current file, a Clear box (nullable) and a file input for images', () => {
    const html = render({ field: post('cover'), value: '', fileValue: current });
    expect(html).toContain('<div class="AdminField AdminField--image">');
    expect(html).toContain(
      '<a href="/media/uploads/a.png?x=1&amp;y=2"><img src="/media/uploads/a.png?x=1&amp;y=2" width="120" alt/>holiday &lt;1>.png</a>',
    );
    expect(html).toContain(
      '<input type="checkbox" id="id_cover-clear" name="cover-clear" value="on"/> Clear',
    );
    expect(html).toContain('<input type="file" id="id_cover" name="cover" accept="image/*"/>');
  });

  test('no Clear box without a current file, nor for a NOT NULL field', () => {
    expect(render({ field: sample('photo'), value: '' })).not.toContain('-clear');
    const kept = render({
      field: sample('attachment'),
      value: '',
      fileValue: { ...current, isImage: false },
    });
    expect(kept).not.toContain('-clear');
    expect(kept).not.toContain('<img');
    // A stored file is kept when nothing is uploaded, so the input is not required.
    expect(kept).not.toContain('required');
  });

  test('a NOT NULL file without one is required; files accept the default types', () => {
    const html = render({ field: sample('attachment'), value: '' });
    expect(html).toContain(
      '<input type="file" id="id_attachment" name="attachment" required accept="image/jpeg,image/png,image/webp,image/gif,application/pdf"/>',
    );
    expect(render({ field: sample('scan'), value: '', fileValue: null })).not.toContain('required');
  });
});

describe('errors and help', () => {
  test('errors are listed and announced on the control', () => {
    const html = render({
      field: post('slug'),
      value: 'taken',
      errors: ['Slug with this value already exists.', 'Second <problem>'],
      help: 'Used in the URL.',
    });
    expect(html).toContain(
      '<div class="AdminField AdminField--text AdminField--required AdminField--invalid">',
    );
    expect(html).toContain('aria-invalid="true" aria-describedby="id_slug_errors id_slug_help"');
    expect(html).toContain('<p class="AdminField-help" id="id_slug_help">Used in the URL.</p>');
    expect(html).toContain(
      '<ul class="AdminField-errors" id="id_slug_errors"><li>Slug with this value already exists.</li><li>Second &lt;problem></li></ul>',
    );
  });

  test('without errors there is no list and no aria-invalid', () => {
    const html = render({ field: post('slug'), value: '' });
    expect(html).not.toContain('AdminField-errors');
    expect(html).not.toContain('aria-invalid');
    expect(html).not.toContain('aria-describedby');
  });
});

describe('readonly', () => {
  test('the value as text, no control', () => {
    const html = render({ field: post('title'), value: 'A <b>title</b>', readonly: true });
    expect(html).toBe(
      '<div class="AdminField AdminField--text"><div class="AdminField-label">Title</div>' +
        '<div class="AdminField-readonly" id="id_title">A &lt;b>title&lt;/b></div></div>',
    );
  });

  test('formatted values read as display text', () => {
    const text = (props: FieldWidgetProps) =>
      /AdminField-readonly" id="[^"]+">(.*?)<\/div>/s.exec(render(props))?.[1];
    expect(text({ field: sample('active'), value: 'true', readonly: true })).toBe('Yes');
    expect(text({ field: sample('reviewed'), value: 'false', readonly: true })).toBe('No');
    expect(text({ field: sample('active'), value: 'Yes', readonly: true })).toBe('Yes');
    expect(text({ field: post('status'), value: 'published', readonly: true })).toBe('Published');
    expect(text({ field: post('publishedAt'), value: '2024-07-01T12:00:05', readonly: true })).toBe(
      '2024-07-01 12:00',
    );
    expect(text({ field: post('publishedAt'), value: '', readonly: true })).toBe('-');
    expect(text({ field: post('extra'), value: '{"a":1}', readonly: true })).toBe(
      '<pre class="AdminField-code">{&quot;a&quot;:1}</pre>',
    );
    expect(
      text({
        field: post('categoryId'),
        value: '2',
        readonly: true,
        foreignKeyChoices: { mode: 'select', options: [{ value: '2', label: 'Tips' }] },
      }),
    ).toBe('Tips');
    expect(text({ field: post('title'), value: 'raw', display: 'Shown', readonly: true })).toBe('Shown');
    expect(
      text({
        field: post('cover'),
        value: '',
        readonly: true,
        fileValue: { name: 'a.png', url: '/media/a.png', isImage: true },
      }),
    ).toBe('<a href="/media/a.png">a.png</a>');
    expect(text({ field: post('cover'), value: 'holiday.png', readonly: true })).toBe('holiday.png');
    expect(text({ field: post('cover'), value: '', readonly: true })).toBe('-');
  });

  test('no control, so no required attribute and no zone note', () => {
    const html = render({
      field: post('publishedAt'),
      value: '2024-07-01T12:00',
      readonly: true,
      timeZone: 'UTC',
    });
    expect(html).not.toMatch(/<(input|select|textarea)\b/);
    expect(html).not.toContain('Time zone');
  });
});

test('no inline style or event handler attributes anywhere (strict CSP)', () => {
  const kinds = new Set<string>();
  for (const table of [posts, samples, skills, experience]) {
    for (const field of fieldsOf(table)) {
      kinds.add(field.kind);
      render({ field, value: '', errors: ['x'], help: 'h', timeZone: 'UTC' });
      render({ field, value: '', readonly: true });
    }
  }
  expect(kinds.size).toBe(12);
  expect(rendered.length).toBeGreaterThan(50);
  for (const html of rendered) expect(html).not.toMatch(/\s(style|on[a-z]+)=/i);
});
