/**
 * Test doubles must not check the server against itself (issue 18): nothing under
 * test/fixtures imports server/, except the harnesses listed below that start or drive the
 * REAL server (they are not doubles of anything), and the MongoDB wire-protocol double
 * imports neither server/ nor a query library the embedded backend uses (mingo).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'test/fixtures');

/**
 * Harnesses of the real server, with why: they start it or type what it sends; none
 * answers in its place. A new file importing server/ must be added here with a reason.
 */
const HARNESSES: Readonly<Record<string, string>> = {
  'server.ts': 'starts the real server (config, logger, startServer)',
  'users.ts': 'types the frames the real server sends (type-only)',
  'compute/run.ts': "types the real compute layer's results (type-only)",
  'compute/models.ts': "types the real compute layer's runtime (type-only)",
  'compute/htests.ts': "types the real compute layer's runtime (type-only)",
  'compute/panthr-r.ts': 'opens a real workspace runtime on a real Rserve',
};

/** Every module specifier `source` imports (static, re-exports, side effects, dynamic). */
export function importsOf(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1] as string));
}

/** True when `specifier`, imported by the file `from`, names a module under server/. */
export function reachesServer(from: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = relative(ROOT, resolve(dirname(from), specifier));
  return target === 'server' || target.startsWith(`server/`);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('test fixtures import nothing from server/', () => {
  it('finds an import of server/ in every form (so the check below can fail)', () => {
    const from = join(FIXTURES, 'mongo-wire/x.ts');
    const source = [
      "import { applyUpdate } from '../../../server/store/mql.ts';",
      "export * from '../../../server/store/index.ts';",
      "import '../../../server/log.ts';",
      "const m = await import('../../../server/app.ts');",
      "import { x } from './local.ts';",
    ].join('\n');
    const found = importsOf(source).filter((s) => reachesServer(from, s));
    assert.equal(found.length, 4);
  });

  it('holds for every file under test/fixtures but the listed harnesses', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(FIXTURES)) {
      const name = relative(FIXTURES, file);
      const server = importsOf(readFileSync(file, 'utf8')).filter((s) => reachesServer(file, s));
      if (server.length > 0 && HARNESSES[name] === undefined)
        offenders.push(`${name}: ${server.join(', ')}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('holds for the MongoDB double without exception, and it uses no mingo', () => {
    const files = tsFiles(join(FIXTURES, 'mongo-wire'));
    assert.ok(files.length >= 4);
    for (const file of files) {
      const specifiers = importsOf(readFileSync(file, 'utf8'));
      assert.deepEqual(
        specifiers.filter((s) => reachesServer(file, s) || s === 'mingo' || s.startsWith('mingo/')),
        [],
        relative(ROOT, file),
      );
    }
  });
});
