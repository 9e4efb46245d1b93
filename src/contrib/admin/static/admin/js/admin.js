/*
 * The admin's script. Every page works without it: it only improves what data-* attributes mark.
 * Plain ES2020, no dependencies, served from 'self' (the CSP allows no inline code).
 */

(() => {
  const root = document.documentElement;
  const THEME_KEY = 'keen-admin-theme';
  const THEMES = ['auto', 'light', 'dark'];
  const storedTheme = () => {
    try {
      const theme = localStorage.getItem(THEME_KEY);
      return THEMES.includes(theme) ? theme : 'auto';
    } catch {
      return 'auto'; // storage disabled: follow the system
    }
  };
  const applyTheme = (theme) =>
    theme === 'auto' ? root.removeAttribute('data-theme') : root.setAttribute('data-theme', theme);
  // First thing, to keep the flash of the wrong theme short.
  applyTheme(storedTheme());

  const fold = (text) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase();
  // The page's words (the layout's data-admin-text), English when a page has none.
  const TEXT = {
    auto: 'auto',
    light: 'light',
    dark: 'dark',
    selected: '{selected} of {total} selected',
    typeToSearch: 'Type to search',
    noResults: 'No results',
    moreResults: 'More results: keep typing',
    searchFailed: 'The search failed; try again',
    choices: 'choices',
    filter: 'Filter',
    filterNamed: 'Filter {name}',
  };
  try {
    Object.assign(TEXT, JSON.parse(document.body?.dataset.adminText || '{}'));
  } catch {} // a broken attribute leaves English
  const fillIn = (text, values) =>
    text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));

  // The server's slug rule (src/text/slug.ts), table included; a test keeps the two the same.
  const TRANSLITERATION = {
    а: 'a',
    б: 'b',
    в: 'v',
    г: 'g',
    д: 'd',
    е: 'e',
    ё: 'e',
    ж: 'zh',
    з: 'z',
    и: 'i',
    й: 'y',
    к: 'k',
    л: 'l',
    м: 'm',
    н: 'n',
    о: 'o',
    п: 'p',
    р: 'r',
    с: 's',
    т: 't',
    у: 'u',
    ф: 'f',
    х: 'kh',
    ц: 'ts',
    ч: 'ch',
    ш: 'sh',
    щ: 'shch',
    ъ: '',
    ы: 'y',
    ь: '',
    э: 'e',
    ю: 'yu',
    я: 'ya',
    і: 'i',
    ї: 'yi',
    є: 'ye',
    ґ: 'g',
    ў: 'u',
  };
  const slugify = (text, maxLength) => {
    const latin = [...text.toLowerCase()]
      .map((character) => TRANSLITERATION[character] ?? character)
      .join('');
    const slug = latin
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    if (slug.length <= maxLength) return slug;
    const cut = slug.slice(0, maxLength);
    const lastHyphen = cut.lastIndexOf('-');
    return (lastHyphen > maxLength / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, '');
  };

  const labelOf = (control) => document.querySelector(`label[for="${control.id}"]`);
  const make = (tag, properties, attributes = {}) => {
    const element = Object.assign(document.createElement(tag), properties);
    for (const name in attributes) element.setAttribute(name, attributes[name]);
    return element;
  };

  // Theme toggle: auto (the system's) → light → dark, remembered in localStorage.
  function initThemeToggle(button) {
    const label = button.querySelector('[data-theme-label]');
    const show = (theme) => {
      if (label) label.textContent = TEXT[theme] || theme;
    };
    // The visible text ("Theme: auto") names the button; an aria-label would hide it.
    button.removeAttribute('aria-label');
    label?.setAttribute('aria-live', 'polite');
    show(storedTheme());
    button.hidden = false;
    button.addEventListener('click', () => {
      const next = THEMES[(THEMES.indexOf(storedTheme()) + 1) % THEMES.length];
      try {
        next === 'auto' ? localStorage.removeItem(THEME_KEY) : localStorage.setItem(THEME_KEY, next);
      } catch {} // not stored: the choice lasts for this page
      applyTheme(next);
      show(next);
    });
  }

  // Change list: select all, "N of M selected", highlighted rows, shift-click for a range.
  function initSelection(table) {
    const boxes = [...table.querySelectorAll('input[name="_selected_action"]')];
    const all = table.querySelector('[data-select-all]');
    const count = table.closest('form')?.querySelector('[data-selection-count]');
    let last = null;
    const update = () => {
      const selected = boxes.filter((box) => box.checked).length;
      for (const box of boxes) box.closest('tr').classList.toggle('is-selected', box.checked);
      if (all) {
        all.checked = selected === boxes.length;
        all.indeterminate = selected > 0 && selected < boxes.length;
      }
      if (count) count.textContent = fillIn(TEXT.selected, { selected, total: boxes.length });
    };
    if (boxes.length === 0) return; // no actions for this user
    count?.setAttribute('aria-live', 'polite');
    for (const element of [all, count]) if (element) element.hidden = false;
    all?.addEventListener('change', () => {
      for (const box of boxes) box.checked = all.checked;
      update();
    });
    for (const box of boxes) {
      box.addEventListener('click', (event) => {
        if (event.shiftKey && last) {
          const [from, to] = [boxes.indexOf(last), boxes.indexOf(box)].sort((a, b) => a - b);
          for (const other of boxes.slice(from, to + 1)) other.checked = box.checked;
        }
        last = box;
        update();
      });
    }
    update(); // the browser may have restored checked boxes (back button)
  }

  // A slug filled from other fields, if it starts empty and until the user types in it.
  function initPrepopulate(target) {
    if (target.value !== '') return;
    const sources = target.dataset.prepopulateFrom
      .split(',')
      .map((name) => document.getElementById(`id_${name.trim()}`))
      .filter(Boolean);
    let touched = false;
    target.addEventListener('input', () => (touched = true));
    const fill = () => {
      if (touched) return;
      target.value = slugify(
        sources.map((source) => source.value).join(' '),
        target.maxLength > 0 ? target.maxLength : 200,
      );
    };
    for (const source of sources) source.addEventListener('input', fill);
  }

  // Foreign key: a search box (ARIA combobox) stands in for the id input, which stays the value sent.
  function initAutocomplete(idInput) {
    const selected = document.getElementById(`${idInput.id}_selected`);
    const label = labelOf(idInput);
    const url = new URL(idInput.dataset.autocompleteUrl, location.href);
    const listId = `${idInput.id}_listbox`;
    let chosen = selected?.textContent.trim() || idInput.value;
    let results = [];
    let active = -1;
    let timer = 0;
    let asked = 0;

    const search = make(
      'input',
      { id: `${idInput.id}_search`, value: chosen, placeholder: TEXT.typeToSearch, autocomplete: 'off' },
      { role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId },
    );
    for (const name of ['aria-invalid', 'aria-describedby']) {
      if (idInput.hasAttribute(name)) search.setAttribute(name, idInput.getAttribute(name));
    }
    const list = make(
      'ul',
      { id: listId, className: 'AdminCombobox-list', hidden: true },
      { role: 'listbox' },
    );
    if (label) {
      list.setAttribute('aria-label', label.textContent.trim());
      label.htmlFor = search.id;
    }
    const wrapper = make('span', { className: 'AdminCombobox' });
    wrapper.append(search, list);
    idInput.after(wrapper);
    idInput.hidden = true;
    if (selected) selected.hidden = true;

    const highlight = (index) => {
      active = results[index] ? index : -1;
      for (const [position, item] of [...list.children].entries())
        item.setAttribute('aria-selected', position === active);
      const item = list.children[active];
      item?.scrollIntoView({ block: 'nearest' });
      item
        ? search.setAttribute('aria-activedescendant', item.id)
        : search.removeAttribute('aria-activedescendant');
    };
    const open = (isOpen) => {
      list.hidden = !isOpen;
      search.setAttribute('aria-expanded', isOpen);
      if (!isOpen) highlight(-1);
    };
    const choose = (index) => {
      const choice = results[index];
      if (!choice) return;
      idInput.value = choice.id;
      chosen = search.value = choice.text;
      if (selected) selected.textContent = choice.text;
      open(false);
    };
    const show = (found, note) => {
      results = found;
      const items = found.map((choice, index) =>
        make('li', { id: `${listId}_${index}`, textContent: choice.text }, { role: 'option' }),
      );
      if (note) items.push(make('li', { textContent: note }, { role: 'option', 'aria-disabled': 'true' }));
      list.replaceChildren(...items);
      open(true);
      highlight(0);
    };
    const lookUp = async (term) => {
      clearTimeout(timer);
      const ask = ++asked; // only the latest answer is shown
      url.searchParams.set('term', term);
      url.searchParams.set('page', '1');
      try {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`search failed: ${response.status}`);
        const { results: found = [], pagination } = await response.json();
        if (ask !== asked || document.activeElement !== search) return;
        show(found, found.length === 0 ? TEXT.noResults : pagination?.more ? TEXT.moreResults : '');
      } catch {
        if (ask === asked) show([], TEXT.searchFailed);
      }
    };

    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => lookUp(search.value.trim()), 250);
    });
    search.addEventListener('focus', () => search.select());
    search.addEventListener('keydown', (event) => {
      const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
      const listed = !list.hidden && results.length > 0;
      if (step) {
        event.preventDefault();
        if (listed) highlight((active + step + results.length) % results.length);
        else lookUp(search.value === chosen ? '' : search.value.trim());
      } else if (event.key === 'Enter' && listed && active >= 0) {
        event.preventDefault(); // choose, don't submit the form
        choose(active);
      } else if (event.key === 'Escape' && !list.hidden) {
        event.preventDefault();
        open(false);
        search.value = chosen;
      }
    });
    search.addEventListener('blur', () => {
      clearTimeout(timer);
      asked++;
      open(false);
      // Emptying the box clears an optional choice; other unchosen text is undone.
      if (search.value.trim() === '' && !idInput.required) {
        idInput.value = chosen = '';
        if (selected) selected.textContent = '';
      }
      search.value = chosen;
    });
    // A mousedown would blur the box (closing the list) before the click lands.
    list.addEventListener('mousedown', (event) => event.preventDefault());
    list.addEventListener('click', (event) => choose([...list.children].indexOf(event.target.closest('li'))));
  }

  // Many-to-many: a filter box above the select hides the options that don't match (selected ones stay).
  function initFilterable(select) {
    const name = labelOf(select)?.textContent.trim() || TEXT.choices;
    const filter = make(
      'input',
      { type: 'search', className: 'AdminFilterBox', placeholder: TEXT.filter },
      { 'aria-label': fillIn(TEXT.filterNamed, { name }), 'aria-controls': select.id },
    );
    select.before(filter);
    filter.addEventListener('input', () => {
      const wanted = fold(filter.value.trim());
      for (const option of select.options)
        option.hidden = wanted !== '' && !option.selected && !fold(option.text).includes(wanted);
    });
    // Enter filters; it does not submit the form.
    filter.addEventListener('keydown', (event) => event.key === 'Enter' && event.preventDefault());
  }

  function init() {
    const each = (selector, enhance) => document.querySelectorAll(selector).forEach(enhance);
    each('[data-theme-toggle]', initThemeToggle);
    each('#result_list', initSelection);
    each('[data-prepopulate-from]', initPrepopulate);
    each('input[data-autocomplete-url]', initAutocomplete);
    each('select[multiple][data-filterable]', initFilterable);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
