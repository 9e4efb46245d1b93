// Issue 18, Docker for real: deploy/Dockerfile built and compose.yaml run with a real engine. One file,
// so the image is built once for both: the image's checks (./image-checks.ts), then the stack's
// (./stack-checks.ts). Runs once, in the embedded-database pass of the suite (the containers bring their
// own PostgreSQL), after the other files (vitest.config.ts).
import { afterAll, beforeAll, describe } from 'vitest';
import { ENGINE } from '../support/database.js';
import { DOCKER_TOOLS, type DockerSetup, startDockerSetup, stopDockerSetup } from './docker-setup.js';
import { imageChecks } from './image-checks.js';
import { stackChecks } from './stack-checks.js';

// Never skipped in CI: .ci/run installs docker.io, docker-compose and debootstrap.
const RUN = DOCKER_TOOLS || process.env.CI === 'true';
if (!RUN)
  console.warn(
    'Docker tests not run: dockerd, docker-compose or debootstrap is missing (apt-get install docker.io docker-compose debootstrap)',
  );

describe.runIf(RUN && ENGINE === 'pglite')('Docker (deploy/Dockerfile, compose.yaml, a real engine)', () => {
  const setup = {} as DockerSetup;

  beforeAll(() => startDockerSetup(setup), 1_800_000);
  afterAll(() => stopDockerSetup(setup), 600_000);

  describe('the image', () => imageChecks(setup));
  describe('the compose stack', () => stackChecks(setup));
});
