/**
 * Where the project's own files are: the folder holding package.json. The server runs from
 * its TypeScript sources (tests, benchmarks) or compiled into dist/ (production), so paths
 * are found from the project root, never from a module's own folder.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The project root: r/, client/dist/, package.json and panthr_config.json are below it. */
export const PROJECT_ROOT = findRoot(import.meta.dirname);
