// The documents must name what the code has: error codes, environment variables and keen commands.
// Each list is pulled out of the source, so adding one without documenting it fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every distinct first capture group of `pattern` in `text`. */
function captures(text: string, pattern: RegExp, group = 1): Set<string> {
  return new Set([...text.matchAll(pattern)].map((match) => match[group] as string));
}

/** Source files under src/, without tests. */
function sourceFiles(): string[] {
  return (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => join('src', file));
}

const CODE = /\b(KEEN_E_[A-Z0-9_]+)\b/g;

describe('error codes and docs/errors.md', () => {
  const catalogue = captures(read('src/errors.ts'), CODE);
  const inSource = new Set(sourceFiles().flatMap((file) => [...captures(read(file), CODE)]));
  const documented = captures(read('docs/errors.md'), CODE);

  it('finds the catalogue', () => {
    expect(catalogue.size).toBeGreaterThan(5);
    expect(catalogue).toContain('KEEN_E_SETTINGS');
  });

  it('documents every code of src/errors.ts', () => {
    expect([...catalogue].filter((code) => !documented.has(code))).toEqual([]);
  });

  it('documents every code used anywhere in src/', () => {
    expect([...inSource].filter((code) => !documented.has(code))).toEqual([]);
  });

  it('documents no code that the source does not have', () => {
    expect([...documented].filter((code) => !inSource.has(code))).toEqual([]);
  });
});

describe('environment variables, docs/configuration.md and .env.example', () => {
  // settings.ts and its parts (src/settings/: media, email, …).
  const settings = [
    'src/settings.ts',
    ...readdirSync(join(root, 'src', 'settings'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => `src/settings/${file}`),
  ]
    .map(read)
    .join('\n');
  const NAME = '([A-Z][A-Z0-9_]*)';
  const variables = new Set([
    // text(env, 'NAME', …), int(env, 'NAME', …), hostList(env, 'NAME', …) and any other reader.
    ...captures(settings, new RegExp(`\\b[\\w$]+\\(\\s*env\\s*,\\s*(['"\`])${NAME}\\1`, 'g'), 2),
    // env.NAME and env?.NAME
    ...captures(settings, new RegExp(`\\benv\\??\\.${NAME}\\b`, 'g')),
    // env['NAME']
    ...captures(settings, new RegExp(`\\benv\\s*\\[\\s*(['"\`])${NAME}\\1\\s*\\]`, 'g'), 2),
    // new SettingsError('NAME', …): every variable that can be refused
    ...captures(settings, new RegExp(`\\bSettingsError\\(\\s*(['"\`])${NAME}\\1`, 'g'), 2),
  ]);
  const configuration = read('docs/configuration.md');
  const example = read('.env.example');
  const inExample = captures(example, /^[ \t]*#?[ \t]*([A-Z][A-Z0-9_]*)=/gm);

  it('finds the variables', () => {
    for (const name of ['SECRET_KEY', 'DEBUG', 'DATABASE_URL', 'ALLOWED_HOSTS', 'DB_NAME', 'KEEN_DATA_DIR']) {
      expect(variables).toContain(name);
    }
  });

  it('describes every variable in docs/configuration.md', () => {
    expect([...variables].filter((name) => !configuration.includes(`\`${name}\``))).toEqual([]);
  });

  it('lists every variable in .env.example', () => {
    expect([...variables].filter((name) => !inExample.has(name))).toEqual([]);
  });

  it('lists in .env.example only variables that docs/configuration.md describes', () => {
    expect([...inExample].filter((name) => !configuration.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('keen commands and README.md', () => {
  const readme = read('README.md');

  it('mentions every command of src/cli/main.ts', () => {
    expect(commands.length).toBeGreaterThan(0);
    const missing = commands
      .map((command) => command.name)
      .filter((name) => !new RegExp(`(\`|\\bkeen |-- )${name}\\b`).test(readme));
    expect(missing).toEqual([]);
  });
});
