/**
 * The server's release, read once from the project's package.json: the one place the version
 * is written (`/status` shows its MAJOR.MINOR). The file is found by walking up from this
 * module, so the same code works from the sources and from a compiled copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package name whose package.json holds the version (never another package's). */
const PACKAGE_NAME = 'panthr-server';

/** The `version` of the nearest package.json named panthr-server above `from`; throws if none. */
export function readPackageVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}`);
  }
}

/** MAJOR.MINOR of a semantic version ("1.1.0" -> "1.1"); throws for anything else. */
export function majorMinor(version: string): string {
  const m = /^(\d+)\.(\d+)\.\d+(?:[-+].*)?$/.exec(version);
  if (!m) throw new Error(`not a semantic version: ${JSON.stringify(version)}`);
  return `${m[1]}.${m[2]}`;
}
