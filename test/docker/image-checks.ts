// Issue 18, the image: `docker build -f deploy/Dockerfile` with a real Docker engine (./docker-engine.ts),
// and what the runtime stage holds. Runs once, in the embedded-database pass of the suite (the image
// does not depend on the database), after the other files (vitest.config.ts).
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';
import { ENGINE } from '../support/database.js';
import {
  DEBOOTSTRAP,
  DOCKERD,
  type DockerEngine,
  ensureNodeBaseImage,
  startDockerEngine,
} from './docker-engine.js';

const TOOLS = (existsSync(DOCKERD) && existsSync(DEBOOTSTRAP)) || process.env.CI === 'true';
if (!TOOLS)
  console.warn(
    `Docker tests not run: ${DOCKERD} or ${DEBOOTSTRAP} is missing (apt-get install docker.io debootstrap)`,
  );
const IMAGE = 'keen-web:test';

/** The files a clean checkout has (tracked and new, not ignored), copied: the build context. */
function checkoutCopy(): string {
  const root = projectRoot();
  const copy = mkdtempSync(join(tmpdir(), 'keen-docker-context-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(root, file), join(copy, file));
  }
  return copy;
}

describe.runIf(TOOLS && ENGINE === 'pglite')('the Docker image (deploy/Dockerfile, a real engine)', () => {
  let engine: DockerEngine;
  let context: string;
  let firstBuild: string;
  const devDependencies: string[] = Object.keys(
    (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { devDependencies: object })
      .devDependencies,
  );
  const inImage = (script: string) =>
    engine.docker(['run', '--rm', '--entrypoint', 'sh', IMAGE, '-c', script]);
  const build = () =>
    engine.docker(['build', '--network', 'host', '-f', 'deploy/Dockerfile', '-t', IMAGE, '.'], {
      cwd: context,
      timeoutMs: 900_000,
    });

  beforeAll(async () => {
    engine = await startDockerEngine();
    const major = /^ARG NODE_VERSION=(\d+)$/m.exec(
      readFileSync(join(projectRoot(), 'deploy', 'Dockerfile'), 'utf8'),
    )?.[1];
    ensureNodeBaseImage(engine, major as string);
    context = checkoutCopy();
    firstBuild = build();
  }, 1_200_000);

  afterAll(async () => {
    await engine?.stop();
    if (context) rmSync(context, { recursive: true, force: true });
  }, 120_000);

  it('builds, and runs keen as a user other than root', () => {
    expect(firstBuild).toMatch(/Successfully tagged keen-web:test/);
    expect(engine.docker(['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']).trim()).not.toBe('0');
    const help = engine.docker(['run', '--rm', '--entrypoint', 'node', IMAGE, 'bin/keen.js', '--help']);
    expect(help).toMatch(/^Usage: keen <command>/m);
    expect(help).toMatch(/^ {2}serve /m);
    const size = Number(engine.docker(['image', 'inspect', '--format', '{{.Size}}', IMAGE]).trim());
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
    appendFileSync(join(context, 'src', 'web', 'layout.tsx'), '\n// a source change for the cache test\n');
    const second = build();
    // The classic builder prints the step, then "Using cache" when it takes the layer as it is.
    const npmCi = second.slice(second.indexOf('RUN npm ci'));
    expect(npmCi.slice(0, 200)).toMatch(/Using cache/);
    const buildStep = second.slice(second.indexOf('RUN npm run build'));
    expect(buildStep.slice(0, 200)).not.toMatch(/Using cache/);
  }, 900_000);
});
