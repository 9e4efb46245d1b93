// A Docker engine that stays up, for rerunning the Docker test quickly while working on it: its images
// and build cache survive between runs. `npx tsx test/docker/keep-engine.ts` prints the socket; then
// `KEEN_TEST_DOCKER_HOST=unix://… npx vitest run --project timing test/docker/`. Ctrl-C stops it and
// removes everything it made.
import { ensureBaseImages } from './base-images.js';
import { startDockerEngine } from './docker-engine.js';
import { dockerfileNodeMajor } from './docker-setup.js';

const engine = await startDockerEngine();
ensureBaseImages(engine, dockerfileNodeMajor());
console.info(`engine ready: KEEN_TEST_DOCKER_HOST=${engine.env.DOCKER_HOST}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void engine.stop().then(() => process.exit(0)));
}
setInterval(() => undefined, 60_000);
