/*
 * The blog post editor (the post admin's form assets): a live preview beside the body's source, and
 * images pasted or dropped into the body uploaded and inserted where the cursor is. The form works
 * without it; the server renders the preview with the same function a save uses, so what is shown is
 * what readers get. Everything it needs comes from the form's data-* attributes (src/apps/blog/editor.ts):
 * the CSP allows no inline script.
 */

(() => {
  const form = document.querySelector('form[data-post-editor]');
  const textarea = form?.elements.namedItem(form.dataset.postEditor);
  if (!(textarea instanceof HTMLTextAreaElement)) return;
  const formatControl = form.elements.namedItem(form.dataset.postEditorFormat || '');
  const csrfToken = form.elements.namedItem('_csrf')?.value ?? '';
  const PREVIEW_DELAY_MS = 300;

  // English when the attribute is missing or broken; the server sends the page's language.
  const TEXT = {
    preview: 'Preview',
    previewEmpty: 'The post as readers will see it appears here while you type.',
    previewFailed: 'The preview could not be updated: {reason}',
    hint: 'Paste or drop an image into the text to upload it.',
    uploading: 'Uploading {name}…',
    uploadFailed: '{name} was not uploaded: {reason}',
    noAnswer: 'the server did not answer; try again',
  };
  try {
    Object.assign(TEXT, JSON.parse(form.dataset.editorText || '{}'));
  } catch {}
  const fillIn = (text, values) =>
    text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  const make = (tag, className, text) => {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  };

  // The layout: [source | preview] side by side on wide screens, stacked on narrow ones (editor.css).
  const editor = make('div', 'PostEditor');
  const source = make('div', 'PostEditor-source');
  const hint = make('p', 'PostEditor-hint', TEXT.hint);
  hint.id = `${textarea.id || 'body'}_editor_hint`;
  const status = make('p', 'PostEditor-status');
  status.setAttribute('role', 'status');
  status.hidden = true;
  const preview = make('section', 'PostEditor-preview');
  const heading = make('h3', 'PostEditor-previewTitle', TEXT.preview);
  heading.id = `${textarea.id || 'body'}_preview_title`;
  preview.setAttribute('aria-labelledby', heading.id);
  const output = make('div', 'PostEditor-output Post-body');
  output.setAttribute('aria-live', 'polite');
  output.setAttribute('aria-busy', 'false');
  preview.append(heading, output);
  textarea.replaceWith(editor);
  source.append(textarea, hint, status);
  editor.append(source, preview);
  textarea.setAttribute(
    'aria-describedby',
    [textarea.getAttribute('aria-describedby'), hint.id].filter(Boolean).join(' '),
  );

  const showStatus = (message, kind) => {
    status.textContent = message;
    status.hidden = message === '';
    if (kind) status.dataset.kind = kind;
    else delete status.dataset.kind;
  };

  /** A refusal the server explained; anything else thrown on the way is "no answer". */
  class Refused extends Error {}
  const reasonText = (error) => (error instanceof Refused ? error.message : TEXT.noAnswer);

  /** The server's own message from a 4xx `{ error }`, else the generic one. */
  const reasonOf = async (response) => {
    try {
      const body = await response.json();
      if (typeof body.error === 'string' && body.error) return body.error;
    } catch {}
    return TEXT.noAnswer;
  };

  /** POSTs with the form's CSRF token (the header the CSRF stage reads for scripts); JSON back. */
  async function post(url, body, signal) {
    const response = await fetch(url, {
      method: 'POST',
      body,
      signal,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRF-Token': csrfToken },
    });
    if (!response.ok) throw new Refused(await reasonOf(response));
    return response.json();
  }

  // The preview: debounced; a newer request makes an older answer irrelevant (aborted, and ignored).
  let timer = 0;
  let inFlight = null;
  let previewError = false;
  const bodyFormat = () => (formatControl && 'value' in formatControl ? formatControl.value : 'markdown');
  // Multipart, like the form itself: the server caps the body exactly as it caps the form's body field.
  const previewForm = () => {
    const fields = new FormData();
    fields.append('body', textarea.value);
    fields.append('body_format', bodyFormat());
    return fields;
  };
  async function refreshPreview() {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    if (textarea.value.trim() === '') {
      output.replaceChildren(make('p', 'PostEditor-empty', TEXT.previewEmpty));
      return;
    }
    output.setAttribute('aria-busy', 'true');
    try {
      const { html } = await post(form.dataset.previewUrl, previewForm(), controller.signal);
      if (controller !== inFlight) return;
      // Sanitized on the server by the same code as the saved post (no script, style or handlers).
      output.innerHTML = html;
      if (previewError) showStatus('');
      previewError = false;
    } catch (error) {
      if (controller.signal.aborted) return;
      previewError = true;
      showStatus(fillIn(TEXT.previewFailed, { reason: reasonText(error) }), 'error');
    } finally {
      if (controller === inFlight) output.setAttribute('aria-busy', 'false');
    }
  }
  const schedulePreview = () => {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  };
  textarea.addEventListener('input', schedulePreview);
  formatControl?.addEventListener('change', refreshPreview);
  refreshPreview();

  // Images: a placeholder at the cursor while the file uploads, replaced by the image or removed.
  const isMarkdown = () => bodyFormat() !== 'html';
  const altOf = (name) => name.replace(/\.[A-Za-z0-9]+$/, '').trim() || 'image';
  const escapeHtml = (text) =>
    text.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );
  const imageSource = ({ url, name }) =>
    isMarkdown()
      ? `![${altOf(name).replace(/[[\]\\]/g, '\\$&')}](${url.replace(/[()\s]/g, encodeURIComponent)})`
      : `<img src="${escapeHtml(url)}" alt="${escapeHtml(altOf(name))}">`;

  /** Replaces the first `search` in the body by `replacement`, keeping the cursor where the user left it. */
  function replaceText(search, replacement) {
    const at = textarea.value.indexOf(search);
    if (at === -1) return false;
    const { selectionStart, selectionEnd } = textarea;
    const shift = (position) =>
      position >= at + search.length
        ? position + replacement.length - search.length
        : Math.min(position, at + replacement.length);
    textarea.value = textarea.value.slice(0, at) + replacement + textarea.value.slice(at + search.length);
    if (document.activeElement === textarea)
      textarea.setSelectionRange(shift(selectionStart), shift(selectionEnd));
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    return true;
  }

  function insertAtCursor(text) {
    textarea.focus();
    textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, 'end');
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  let uploads = 0;
  async function upload(file) {
    const name = file.name || 'image';
    uploads += 1;
    // Unique, so two uploads at once each find their own placeholder.
    const placeholder = `[${fillIn(TEXT.uploading, { name })}${uploads > 1 ? ` #${uploads}` : ''}]`;
    insertAtCursor(placeholder);
    const body = new FormData();
    body.append('image', file, name);
    try {
      const stored = await post(form.dataset.imageUrl, body);
      if (!replaceText(placeholder, imageSource(stored))) insertAtCursor(imageSource(stored));
      showStatus('');
    } catch (error) {
      replaceText(placeholder, '');
      showStatus(fillIn(TEXT.uploadFailed, { name, reason: reasonText(error) }), 'error');
    }
  }

  textarea.addEventListener('paste', (event) => {
    const data = event.clipboardData;
    // Office programs put a picture of copied text beside the text: text wins.
    if (data?.getData('text/plain') !== '') return;
    const files = [...data.files].filter((file) => file.type.startsWith('image/'));
    if (files.length === 0) return;
    event.preventDefault();
    files.forEach(upload);
  });

  const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  textarea.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    editor.dataset.dropping = '';
  });
  textarea.addEventListener('dragleave', () => delete editor.dataset.dropping);
  textarea.addEventListener('drop', (event) => {
    delete editor.dataset.dropping;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0) return;
    // Every dropped file goes up: the server says clearly why one that is not an image is refused.
    event.preventDefault();
    files.forEach(upload);
  });
})();
