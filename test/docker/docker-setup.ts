/**
 * What every Docker check starts from: the test's own engine (./docker-engine.ts), the base images'
 * stand-ins (./base-images.ts), a copy of the checkout as the build context (and the compose project
 * folder), and the image built from it once.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';
import { DEBOOTSTRAP, ensureBaseImages } from './base-images.js';
import { DOCKERD, type DockerEngine, startDockerEngine } from './docker-engine.js';

export const IMAGE = 'keen-web:test';
export const DOCKER_TOOLS = [DOCKERD, DEBOOTSTRAP, '/usr/bin/docker-compose'].every((tool) =>
  existsSync(tool),
);

export interface DockerSetup {
  engine: DockerEngine;
  /** The checkout's copy: the build context and the compose project folder. */
  context: string;
  /** The first build's output. */
  firstBuild: string;
  /** `docker build -f deploy/Dockerfile -t keen-web:test .` in the context; its output. */
  build(): string;
}

/** The files a clean checkout has (tracked and new, not ignored), copied. */
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

/** The Node.js major deploy/Dockerfile builds on (its `ARG NODE_VERSION`). */
export function dockerfileNodeMajor(): string {
  const major = /^ARG NODE_VERSION=(\d+)$/m.exec(
    readFileSync(join(projectRoot(), 'deploy', 'Dockerfile'), 'utf8'),
  )?.[1];
  if (!major) throw new Error('deploy/Dockerfile has no ARG NODE_VERSION=<major>');
  return major;
}

export async function startDockerSetup(setup: Partial<DockerSetup>): Promise<void> {
  const engine = await startDockerEngine();
  setup.engine = engine;
  ensureBaseImages(engine, dockerfileNodeMajor());
  const context = checkoutCopy();
  setup.context = context;
  setup.build = () =>
    engine.docker(['build', '--network', 'host', '-f', 'deploy/Dockerfile', '-t', IMAGE, '.'], {
      cwd: context,
      timeoutMs: 900_000,
    });
  setup.firstBuild = setup.build();
}

export async function stopDockerSetup(setup: Partial<DockerSetup>): Promise<void> {
  await setup.engine?.stop();
  if (setup.context) rmSync(setup.context, { recursive: true, force: true });
}
