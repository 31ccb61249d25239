// No import cycle between folders (house style: dependencies point one way). Walks every
// import of server/, r/ and converters/ with TypeScript's own pre-processor (type-only
// imports included: a cycle of types is still two folders that cannot be understood apart)
// and fails naming the files of each cycle. A folder with an index.ts is a unit; a folder
// without one belongs to its parent (store/embedded is part of store); each file directly in
// server/ (errors.ts, app.ts, main.ts...) is a unit of its own. Imports between a folder
// and its own subfolders (r/index.ts <-> r/supervisor/) are one family's business and
// do not count; auth/ <-> http/api/ (issue 17) does.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOP = ['server', 'r', 'converters'];

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(`${dir}/${e.name}`)
      : e.name.endsWith('.ts')
        ? [`${dir}/${e.name}`]
        : [],
  );
}

/** The unit a file (relative path) belongs to. */
function unitOf(file: string, indexed: ReadonlySet<string>): string {
  let dir = dirname(file);
  if (dir === 'server') return file;
  while (dir.includes('/') && !indexed.has(dir)) dir = dirname(dir);
  return dir;
}

/** Whether one unit is the other's folder or inside it. */
function nested(a: string, b: string): boolean {
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Unit -> unit -> the files that make that edge (for the message). */
function unitGraph(): Map<string, Map<string, string[]>> {
  const files = TOP.flatMap(tsFiles);
  const indexed = new Set(files.filter((f) => f.endsWith('/index.ts')).map((f) => dirname(f)));
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    for (const imported of info.importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const target = relative(ROOT, join(ROOT, dirname(file), imported.fileName));
      const [from, to] = [unitOf(file, indexed), unitOf(target, indexed)];
      if (from === to || nested(from, to)) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), file]);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Strongly connected components of more than one unit (Tarjan). */
function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w !== undefined) component.push(w);
    } while (w !== undefined && w !== v);
    if (component.length > 1) found.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles between folders', () => {
  it('finds a cycle when there is one (the walker itself)', () => {
    const graph = new Map([
      ['server/auth', new Map([['server/http/api', ['server/auth/index.ts']]])],
      ['server/http/api', new Map([['server/auth', ['server/http/api/index.ts']]])],
    ]);
    assert.deepEqual(
      cycles(graph).map((c) => c.sort()),
      [['server/auth', 'server/http/api']],
    );
  });

  it('sees the edges of the real code', () => {
    const graph = unitGraph();
    assert.ok(graph.get('server/http/api')?.has('server/auth'), 'http/api imports auth');
    assert.ok(graph.get('converters')?.has('r'), 'converters imports r/values.ts');
  });

  it('has none in server/, r/ and converters/', () => {
    const graph = unitGraph();
    const described = cycles(graph).map((units) =>
      units
        .flatMap((a) =>
          units.flatMap((b) => {
            const files = graph.get(a)?.get(b);
            return files === undefined ? [] : [`${a} -> ${b} (${[...new Set(files)].join(', ')})`];
          }),
        )
        .join('; '),
    );
    assert.deepEqual(described, []);
  });
});
