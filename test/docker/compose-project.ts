/**
 * `docker-compose` (Debian's 1.29) on compose.yaml as shipped, in the checkout's copy, against the test's
 * engine: the commands docs/deployment.md tells an operator to run, and what the test reads back
 * (container state, health, exit codes, logs). Commands run without blocking, so a test's requests
 * keep flowing while one runs.
 */
import { type DockerEngine, runToolAsync } from './docker-engine.js';

export interface ContainerState {
  status: string;
  health: string;
  exitCode: number;
}

export class ComposeProject {
  /** The operator's commands run so far, as the docs write them (`docker compose …`). */
  readonly operatorCommands: string[] = [];

  constructor(
    readonly engine: DockerEngine,
    readonly dir: string,
  ) {}

  /** `docker-compose <args>` in the project folder: its status, its stdout, and stdout with stderr. */
  tryRun(args: readonly string[], timeoutMs = 300_000) {
    return runToolAsync('docker-compose', args, this.engine.env, { cwd: this.dir, timeoutMs });
  }

  /** The same, throwing with the output when it fails; returns the output. */
  async run(args: readonly string[], timeoutMs?: number): Promise<string> {
    return (await this.#checked(args, timeoutMs)).output;
  }

  async #checked(args: readonly string[], timeoutMs?: number) {
    const result = await this.tryRun(args, timeoutMs);
    if (result.status !== 0)
      throw new Error(
        `docker-compose ${args.join(' ')} failed (${result.status}):\n${result.output.slice(-4000)}`,
      );
    return result;
  }

  /** A command from docs/deployment.md: run, and remembered so the test can check the docs hold it. */
  operator(args: readonly string[], timeoutMs?: number): Promise<string> {
    this.operatorCommands.push(`docker compose ${args.join(' ')}`);
    return this.run(args, timeoutMs);
  }

  /** The same, returning only what the command printed on stdout (what `> file` would keep). */
  async operatorStdout(args: readonly string[]): Promise<string> {
    this.operatorCommands.push(`docker compose ${args.join(' ')}`);
    return (await this.#checked(args)).stdout;
  }

  /** The ids of `service`'s containers (one per replica). */
  async containerIds(service: string): Promise<string[]> {
    return (await this.run(['ps', '-q', service])).trim().split('\n').filter(Boolean);
  }

  async state(service: string): Promise<ContainerState> {
    const id = (await this.containerIds(service))[0];
    if (!id) throw new Error(`no container for ${service}`);
    return this.containerState(id);
  }

  containerState(id: string): ContainerState {
    const [status = '', health = '', exitCode = ''] = this.engine
      .docker([
        'inspect',
        '--format',
        '{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.State.ExitCode}}',
        id,
      ])
      .trim()
      .split('|');
    return { status, health, exitCode: Number(exitCode) };
  }

  logs(service: string): Promise<string> {
    return this.run(['logs', '--no-color', service]);
  }

  /**
   * Waits until each of `service`'s containers (at least `replicas`) reports healthy; throws with its
   * logs when they do not within `timeoutMs`.
   */
  async waitHealthy(service: string, timeoutMs = 120_000, replicas = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const states = (await this.containerIds(service)).map((id) => this.containerState(id));
      if (states.length >= replicas && states.every((state) => state.health === 'healthy')) return;
      if (states.some((state) => state.status === 'exited')) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error(`${service} did not turn healthy:\n${(await this.logs(service)).slice(-3000)}`);
  }
}
