// Issue 18, the image: what `docker build -f deploy/Dockerfile` makes (built by ./docker.test.ts), and
// what its runtime stage holds.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';
import { type DockerSetup, IMAGE } from './docker-setup.js';

export function imageChecks(setup: DockerSetup): void {
  const devDependencies: string[] = Object.keys(
    (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { devDependencies: object })
      .devDependencies,
  );
  const inImage = (script: string) =>
    setup.engine.docker(['run', '--rm', '--entrypoint', 'sh', IMAGE, '-c', script]);

  it('builds, and runs keen as a user other than root', () => {
    expect(setup.firstBuild).toMatch(/Successfully tagged keen-web:test/);
    expect(setup.engine.docker(['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']).trim()).not.toBe('0');
    const help = setup.engine.docker(['run', '--rm', '--entrypoint', 'node', IMAGE, 'bin/keen.js', '--help']);
    expect(help).toMatch(/^Usage: keen <command>/m);
    expect(help).toMatch(/^ {2}serve /m);
    const size = Number(setup.engine.docker(['image', 'inspect', '--format', '{{.Size}}', IMAGE]).trim());
    console.info(`keen-web image: ${(size / 1024 / 1024).toFixed(0)} MiB`);
    expect(size).toBeLessThan(800 * 1024 * 1024);
  }, 120_000);

  it('holds no development dependencies, source maps, .env, tests or TypeScript sources', () => {
    // One container (each costs a full copy of the image with vfs): the development dependencies
    // present, each with what `npm ls` says of it, then the files that should not be there.
    const report = inImage(
      [
        'cd /app/node_modules',
        `for name in ${devDependencies.join(' ')}; do [ -e "$name/package.json" ] && echo "present $name" && (cd /app && npm ls --omit=dev --all "$name" | sed 's/^/  /'); done`,
        'cd /app',
        "find . -path ./node_modules -prune -o \\( -name '*.map' -o -name '.env' -o -name '*.test.*' -o -name '*.ts' -o -name '*.tsx' \\) -print | sed 's/^/stray /'",
        "find src -type f | grep -v '/static/' | sed 's/^/source /'",
        'true',
      ].join('\n'),
    );
    const present = [...report.matchAll(/^present (\S+)$/gm)].map((match) => match[1] as string);
    for (const name of ['vitest', 'typescript', 'tsx', 'drizzle-kit', '@biomejs/biome', 'playwright-core']) {
      expect(present, name).not.toContain(name);
    }
    // A development dependency may stay only as some production dependency's own dependency.
    const unneeded = present.filter((name) => {
      const tree = report.slice(report.indexOf(`present ${name}\n`)).split(/\npresent /)[0] as string;
      return !tree.includes(`${name}@`);
    });
    expect(unneeded).toEqual([]);
    expect(report.match(/^(stray|source) .*$/gm) ?? []).toEqual([]);
    // What is left of src/ is the apps' static folders, which collectstatic reads.
    expect(inImage('ls /app/src/apps/blog/static/css')).toMatch(/blog\.css/);
  }, 120_000);

  it('a change to the source alone reuses the dependency layer', () => {
    appendFileSync(
      join(setup.context, 'src', 'web', 'layout.tsx'),
      '\n// a source change for the cache test\n',
    );
    const second = setup.build();
    // The classic builder prints the step, then "Using cache" when it takes the layer as it is.
    const npmCi = second.slice(second.indexOf('RUN npm ci'));
    expect(npmCi.slice(0, 200)).toMatch(/Using cache/);
    const buildStep = second.slice(second.indexOf('RUN npm run build'));
    expect(buildStep.slice(0, 200)).not.toMatch(/Using cache/);
  }, 900_000);
}
