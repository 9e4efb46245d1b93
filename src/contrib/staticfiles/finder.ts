/**
 * Finding the files to collect (Django's staticfiles finders): the project's `static/` folder, then each
 * installed app's `staticDir`, in order. The first folder that has a path wins; later ones are reported.
 * Hidden files and folders are skipped, and so are symlinks that lead out of their folder.
 */
import { existsSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { isAssetPath } from './asset.js';
import { MANIFEST_NAME } from './manifest.js';

/** A folder static files are collected from. */
export interface StaticSource {
  /** What reports call it: `project` or the app's name. */
  label: string;
  dir: string;
}

/** A file to collect: its path relative to its folder (`/`-separated) and where it is. */
export interface SourceFile {
  relative: string;
  absolute: string;
  source: StaticSource;
}

/** The project's `static/` folder (if it exists), then every app's `staticDir`, in installed order. */
export function staticSources(apps: readonly KeenApp[], root = projectRoot()): StaticSource[] {
  const project = join(root, 'static');
  const sources: StaticSource[] = existsSync(project) ? [{ label: 'project', dir: project }] : [];
  for (const app of apps) if (app.staticDir) sources.push({ label: `app ${app.name}`, dir: app.staticDir });
  return sources;
}

/** True when `child` is `parent` or inside it. */
export function isWithin(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

interface Walk {
  source: StaticSource;
  realRoot: string;
  found: SourceFile[];
  warnings: string[];
  /** Real paths of the folders walked so far: a symlink back up the tree must not loop forever. */
  visited: Set<string>;
}

async function walk(walkState: Walk, dir: string, prefix: string): Promise<void> {
  const { source, realRoot, found, warnings, visited } = walkState;
  if (visited.has(dir)) return;
  visited.add(dir);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    const absolute = join(dir, entry.name);
    if (!isAssetPath(relative)) {
      warnings.push(`skipped ${relative} in ${source.label}: the name cannot be part of a URL`);
      continue;
    }
    let real = absolute;
    if (entry.isSymbolicLink()) {
      real = await realpath(absolute).catch(() => '');
      if (!real || !isWithin(real, realRoot)) {
        warnings.push(`skipped ${relative} in ${source.label}: a symlink that leads outside ${source.dir}`);
        continue;
      }
    }
    const info = await stat(real);
    if (info.isDirectory()) await walk(walkState, real, relative);
    else if (info.isFile()) found.push({ relative, absolute: real, source });
  }
}

/**
 * Every file to collect, first folder first. `warnings` lists ignored duplicates, skipped symlinks and
 * names that would clash with the manifest.
 */
export async function findSourceFiles(
  sources: readonly StaticSource[],
): Promise<{ files: SourceFile[]; warnings: string[] }> {
  const byPath = new Map<string, SourceFile>();
  const warnings: string[] = [];
  for (const source of sources) {
    let realRoot: string;
    try {
      realRoot = await realpath(source.dir);
    } catch {
      warnings.push(`${source.label}: static folder ${source.dir} does not exist`);
      continue;
    }
    const found: SourceFile[] = [];
    await walk({ source, realRoot, found, warnings, visited: new Set() }, realRoot, '');
    for (const file of found) {
      const first = byPath.get(file.relative);
      if (first) {
        warnings.push(`${file.relative} in ${source.label} is ignored: ${first.source.label} has it first`);
      } else if (file.relative === MANIFEST_NAME) {
        warnings.push(`skipped ${file.relative} in ${source.label}: the name is the manifest's`);
      } else {
        byPath.set(file.relative, file);
      }
    }
  }
  return { files: [...byPath.values()], warnings };
}
