/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and answers "where does the time go": self time per
 * package, per module (file) and per function, and inclusive time per package (a sample counts once
 * for every package on its stack, so "under pg" includes pg's calls into node core).
 *
 * Frames from the esbuild bundle are mapped back to their src/ or bench/ file through the bundle's
 * source map (node:module's SourceMap), so Keen's own code shows up file by file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time in the window. */
  percent: number;
}

export interface ProfileSummary {
  /** True when the samples were cut to the load window; false when the whole profile was used. */
  windowed: boolean;
  sampledMs: number;
  idleMs: number;
  busyMs: number;
  selfByPackage: Row[];
  inclusiveByPackage: Row[];
  selfByModule: Row[];
  selfByFunction: Row[];
}

interface Place {
  package: string;
  module: string;
  function: string;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Maps frames to packages and files; source maps are loaded once per script. */
class Locator {
  readonly #root: string;
  readonly #maps = new Map<string, SourceMap | null>();
  readonly #cache = new Map<string, Place>();

  constructor(root: string) {
    this.#root = root;
  }

  #sourceMap(url: string): SourceMap | null {
    if (!this.#maps.has(url)) {
      let map: SourceMap | null = null;
      const file = `${fileURLToPath(url)}.map`;
      if (existsSync(file)) map = new SourceMap(JSON.parse(readFileSync(file, 'utf8')));
      this.#maps.set(url, map);
    }
    return this.#maps.get(url) ?? null;
  }

  place(frame: CallFrame): Place {
    const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    let place = this.#cache.get(key);
    if (!place) {
      place = this.#locate(frame);
      this.#cache.set(key, place);
    }
    return place;
  }

  #locate(frame: CallFrame): Place {
    const name = frame.functionName || '(anonymous)';
    if (SPECIAL.has(frame.functionName)) return { package: name, module: name, function: name };
    const { url } = frame;
    if (url === '') {
      // V8 builtins and C++ bindings have no script.
      return { package: '(native: V8 builtins, C++)', module: '(native)', function: `${name} (native)` };
    }
    if (url.startsWith('node:')) {
      return { package: 'node core (JS)', module: url, function: `${name} ${url}:${frame.lineNumber + 1}` };
    }
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    const inModules = path.lastIndexOf('/node_modules/');
    if (inModules !== -1) {
      const parts = path.slice(inModules + '/node_modules/'.length).split('/');
      const pkg = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
      const file = relative(this.#root, path);
      return { package: pkg, module: pkg, function: `${name} ${file}:${frame.lineNumber + 1}` };
    }
    const map = url.startsWith('file://') ? this.#sourceMap(url) : null;
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalSource' in entry) {
      const source = entry.originalSource.startsWith('file://')
        ? fileURLToPath(entry.originalSource)
        : resolve(dirname(fileURLToPath(url)), entry.originalSource);
      const file = relative(this.#root, source);
      const pkg = file.startsWith('bench/') ? 'bench app (bench/)' : 'keen (src/)';
      return { package: pkg, module: file, function: `${name} ${file}:${entry.originalLine + 1}` };
    }
    const file = relative(this.#root, path);
    return { package: file, module: file, function: `${name} ${file}:${frame.lineNumber + 1}` };
  }
}

function median(values: readonly number[]): number {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function top(totals: Map<string, number>, busyMs: number, limit: number): Row[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({
      name,
      ms: Math.round(us / 100) / 10,
      percent: busyMs > 0 ? Math.round((us / 1000 / busyMs) * 1000) / 10 : 0,
    }));
}

/**
 * Summarises `file`. When `window` (microseconds on the monotonic clock, which V8's profile timestamps
 * and process.hrtime share on Linux) overlaps the profile, only samples inside it count, so start-up
 * and warm-up are left out; otherwise the whole profile is used and `windowed` is false.
 */
export function summariseProfile(
  file: string,
  root: string,
  window?: { fromUs: number; toUs: number },
  limit = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const windowed =
    window !== undefined && window.fromUs >= profile.startTime && window.toUs <= profile.endTime;
  const locator = new Locator(root);
  const selfPackage = new Map<string, number>();
  const inclusivePackage = new Map<string, number>();
  const selfModule = new Map<string, number>();
  const selfFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

  // Every sample counts as one sampling interval. The wall-clock gap to the next sample would charge
  // the time the worker spent waiting for a CPU (the generator and PostgreSQL share the cores) to
  // whatever function happened to be on the stack when it was preempted.
  const us = median(profile.timeDeltas);
  let time = profile.startTime;
  let sampledUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    if (windowed && (time < window.fromUs || time > window.toUs)) continue;
    const node = nodes.get(profile.samples[i] as number);
    if (!node) continue;
    sampledUs += us;
    const place = locator.place(node.callFrame);
    if (place.package === '(idle)') {
      idleUs += us;
      continue;
    }
    add(selfPackage, place.package, us);
    add(selfModule, place.module, us);
    add(selfFunction, place.function, us);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parents.get(id)) {
      const frame = nodes.get(id)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const pkg = locator.place(frame).package;
      if (!seen.has(pkg)) {
        seen.add(pkg);
        add(inclusivePackage, pkg, us);
      }
    }
  }
  const busyMs = (sampledUs - idleUs) / 1000;
  return {
    windowed,
    sampledMs: Math.round(sampledUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    busyMs: Math.round(busyMs),
    selfByPackage: top(selfPackage, busyMs, limit),
    inclusiveByPackage: top(inclusivePackage, busyMs, limit),
    selfByModule: top(selfModule, busyMs, limit),
    selfByFunction: top(selfFunction, busyMs, limit),
  };
}
