/**
 * Helpers for the admin view tests: an app whose uploads go to a temp folder, and a reader for the
 * admin's server-rendered forms so a test submits exactly what a browser would (hidden fields, the
 * `_version`, selected options, checked boxes), changing only what a person would type.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../support/app.js';
import type { TestClient } from '../support/client.js';
import type { Part } from '../support/multipart.js';

export interface AdminTestApp extends TestApp {
  /** MEDIA_ROOT of this app (a temp folder, removed on close). */
  mediaRoot: string;
  /** Every file stored under MEDIA_ROOT, as paths relative to it; not the thumbnails (made in the background). */
  storedFiles(): string[];
}

/** The real app with uploads in a fresh temp folder; `env` adds settings (TIME_ZONE, ADMIN_PATH…). */
export async function createAdminTestApp(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const mediaRoot = mkdtempSync(join(tmpdir(), 'keen-admin-media-'));
  const testApp = await createTestApp({ env: { MEDIA_ROOT: mediaRoot, ...env } });
  return {
    ...testApp,
    mediaRoot,
    storedFiles: () =>
      readdirSync(mediaRoot, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(mediaRoot.length + 1))
        .filter((name) => !name.startsWith('thumbs/') && !name.includes('.tmp'))
        .sort(),
    async close() {
      await testApp.close();
      rmSync(mediaRoot, { recursive: true, force: true });
    },
  };
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references the renderer writes. */
export function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag (`<input a="b" checked>`), values decoded; bare attributes map to ''. */
export function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const inner = tag.replace(/^<[a-z0-9-]+/i, '').replace(/\/?>$/, '');
  for (const match of inner.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)) {
    attributes.set((match[1] ?? '').toLowerCase(), decodeHtml(match[2] ?? ''));
  }
  return attributes;
}

/** The text of the page without tags, entities decoded and spaces collapsed (for "the page says…" checks). */
export function pageText(html: string): string {
  // Inline elements join their neighbours ("<strong>Posts</strong>: 1" reads "Posts: 1"); others separate.
  const inline = /<\/?(?:a|abbr|b|code|em|i|span|strong|time)\b[^>]*>/gi;
  return decodeHtml(html.replace(inline, '').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The HTML of the first `<form …>…</form>` whose start tag matches `startTag` (forms never nest). */
export function formHtml(html: string, startTag: RegExp = /class="AdminForm"/): string | null {
  for (const match of html.matchAll(/<form\b[^>]*>/g)) {
    if (!startTag.test(match[0])) continue;
    const start = match.index ?? 0;
    const end = html.indexOf('</form>', start);
    return html.slice(start, end === -1 ? undefined : end + '</form>'.length);
  }
  return null;
}

export interface ReadForm {
  action: string;
  /** The name/value pairs a browser would submit (without buttons and files), in document order. */
  fields: [string, string][];
}

/** Reads a form as a browser would submit it: inputs, checked boxes, selected options, textareas. */
export function readForm(html: string, startTag?: RegExp): ReadForm {
  const form = formHtml(html, startTag);
  if (!form) throw new Error('no such form on the page');
  const action = attributesOf(/^<form\b[^>]*>/.exec(form)?.[0] ?? '').get('action') ?? '';
  const fields: [string, string][] = [];
  const controls = /<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>|<textarea\b[^>]*>[\s\S]*?<\/textarea>/g;
  for (const match of form.matchAll(controls)) {
    const control = match[0];
    const startTag = /^<[^>]*>/.exec(control)?.[0] ?? '';
    const attributes = attributesOf(startTag);
    const name = attributes.get('name');
    if (!name || attributes.has('disabled')) continue;
    if (control.startsWith('<input')) {
      const type = attributes.get('type') ?? 'text';
      if (type === 'file' || type === 'submit' || type === 'button' || type === 'image') continue;
      if (type === 'checkbox' || type === 'radio') {
        if (attributes.has('checked')) fields.push([name, attributes.get('value') ?? 'on']);
        continue;
      }
      fields.push([name, attributes.get('value') ?? '']);
    } else if (control.startsWith('<select')) {
      const options = [...control.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/g)].map((option) => {
        const optionAttributes = attributesOf(`<option${option[1]}>`);
        return {
          value: optionAttributes.get('value') ?? decodeHtml(option[2] ?? ''),
          selected: optionAttributes.has('selected'),
        };
      });
      const selected = options.filter((option) => option.selected);
      if (attributes.has('multiple')) for (const option of selected) fields.push([name, option.value]);
      else {
        const chosen = selected.at(-1) ?? options[0];
        if (chosen) fields.push([name, chosen.value]);
      }
    } else {
      // The parser drops one newline right after <textarea>.
      const content = control.slice(startTag.length, control.lastIndexOf('</textarea>'));
      fields.push([name, decodeHtml(content.replace(/^\r?\n/, ''))]);
    }
  }
  return { action, fields };
}

/** The value a read form would submit for `name` (the first one), or undefined. */
export function fieldValue(form: ReadForm, name: string): string | undefined {
  return form.fields.find(([field]) => field === name)?.[1];
}

/**
 * What to change before submitting: a string replaces the field's value (or adds the field), an array
 * replaces all its values (a multiple select), null removes it (an unticked box).
 */
export type Changes = Record<string, string | string[] | null>;

/** The form's fields with `changes` applied, as multipart parts, plus `files` and the pressed button. */
export function submissionParts(
  form: ReadForm,
  changes: Changes = {},
  options: { files?: [string, Part][]; button?: string } = {},
): [string, Part][] {
  // The client adds the CSRF token itself.
  const parts: [string, Part][] = [];
  const done = new Set<string>();
  for (const [name, value] of form.fields) {
    if (name === '_csrf') continue;
    if (!(name in changes)) {
      parts.push([name, value]);
      continue;
    }
    if (done.has(name)) continue;
    done.add(name);
    const changed = changes[name];
    if (changed === null || changed === undefined) continue;
    for (const item of Array.isArray(changed) ? changed : [changed]) parts.push([name, item]);
  }
  for (const [name, changed] of Object.entries(changes)) {
    if (done.has(name) || changed === null) continue;
    for (const item of Array.isArray(changed) ? changed : [changed]) parts.push([name, item]);
  }
  parts.push(...(options.files ?? []));
  parts.push([options.button ?? '_save', '1']);
  return parts;
}

/** Opens `url` with `client`, reads its admin form and submits it with `changes` (multipart, as the form does). */
export async function openAndSubmit(
  client: TestClient,
  url: string,
  changes: Changes = {},
  options: { files?: [string, Part][]; button?: string } = {},
): Promise<LightMyRequestResponse> {
  const page = await client.get(url);
  if (page.statusCode !== 200) throw new Error(`GET ${url}: ${page.statusCode}`);
  const form = readForm(page.body);
  return client.postMultipart(form.action, submissionParts(form, changes, options));
}

/** The messages shown at the top of an admin page. */
export function messagesOf(html: string): string[] {
  const list = /<ul class="AdminMessages"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((match) => pageText(match[1] ?? ''));
}

/** The errors shown with field `name` (its `<div class="AdminField …">` block), e.g. `title`, `tags`. */
export function fieldErrors(html: string, name: string): string[] {
  const items = (list: string) =>
    [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => pageText(match[1] ?? ''));
  // The account pages' fields (and most admin fields) name their error list; many-to-many ones do not.
  const named = new RegExp(`<ul class="[^"]*" id="id_${name}_errors">([\\s\\S]*?)</ul>`).exec(html)?.[1];
  if (named !== undefined) return items(named);
  const control = html.indexOf(`id="id_${name}"`);
  if (control === -1) return [];
  const blockStart = html.lastIndexOf('<div class="AdminField ', control);
  const next = html.indexOf('<div class="AdminField ', control);
  const block = html.slice(blockStart, next === -1 ? undefined : next);
  const list = /<ul class="AdminField-errors"[^>]*>([\s\S]*?)<\/ul>/.exec(block)?.[1];
  return list ? items(list) : [];
}

/** The form-wide errors (the box at the top of a change form). */
export function formErrors(html: string): string[] {
  const box = /<div class="AdminFormErrors"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  const list = /<ul>([\s\S]*?)<\/ul>/.exec(box)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => pageText(match[1] ?? ''));
}

/** A GET that follows one redirect (303/302) and returns the final page. */
export async function follow(client: TestClient, response: LightMyRequestResponse) {
  const location = response.headers.location;
  if (typeof location !== 'string') throw new Error(`not a redirect: ${response.statusCode}`);
  return client.get(location);
}

/**
 * An urlencoded POST with repeated names (`_selected_action` once per selected row, as the change list's
 * checkboxes send them), with the client's cookies and latest CSRF token.
 */
export async function postEntries(
  client: TestClient,
  url: string,
  entries: [string, string][],
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams(entries);
  if (client.lastCsrfToken && !body.has('_csrf')) body.append('_csrf', client.lastCsrfToken);
  const response = await client.app.inject({
    method: 'POST',
    url,
    headers: {
      host: 'localhost',
      cookie: client.cookieHeader(),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: body.toString(),
    remoteAddress: '127.0.0.1',
  });
  for (const cookie of response.cookies as { name: string; value: string; maxAge?: number }[]) {
    if (cookie.value === '' || cookie.maxAge === 0) client.cookies.delete(cookie.name);
    else client.cookies.set(cookie.name, cookie.value);
  }
  const token = /name="_csrf" value="([A-Za-z0-9]+)"/.exec(response.body)?.[1];
  if (token) client.lastCsrfToken = token;
  return response;
}

/** The index's "Recent actions": each entry's object name, its link (none for deletions) and its line. */
export function recentActionsOf(html: string): { name: string; link: string | null; meta: string }[] {
  const item =
    /<li class="AdminRecent-item[^"]*">(?:<a href="([^"]*)">([\s\S]*?)<\/a>|<span>([\s\S]*?)<\/span>)<span class="AdminRecent-meta">([\s\S]*?)<\/span><\/li>/g;
  return [...html.matchAll(item)].map((match) => ({
    name: pageText(match[2] ?? match[3] ?? ''),
    link: match[1] ? decodeHtml(match[1]) : null,
    meta: pageText(match[4] ?? ''),
  }));
}
