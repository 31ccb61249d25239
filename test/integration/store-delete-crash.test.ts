/**
 * deleteWorkspace and a crash (issue 10, defect 6): a process killed between removing a
 * workspace's document and its objects leaves no objects or chunks behind once the store
 * is opened again (they are swept at start); other workspaces keep theirs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadObjects, openEmbeddedStore, openStore } from '../../server/store/index.ts';

const CHILD = fileURLToPath(new URL('./store-delete-crash.child.ts', import.meta.url));

/** Runs the child to its death; returns the ids it printed and the signal it died of. */
function runChild(dir: string): Promise<{ ids: string[]; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (_code, signal) => {
      const line = /^ready (\S+) (\S+)$/m.exec(out);
      if (line === null) reject(new Error(`the child did not get ready: ${err}`));
      else resolve({ ids: [line[1] ?? '', line[2] ?? ''], signal });
    });
  });
}

describe('embedded store: a crash inside deleteWorkspace', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-delete-crash-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no objects of the deleted workspace after the next start', async () => {
    const { ids, signal } = await runChild(dir);
    const [deleted, kept] = ids as [string, string];
    assert.equal(signal, 'SIGKILL');
    const raw = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    try {
      assert.equal(await raw.workspaces.byId(deleted), null, 'the document went');
      assert.ok(
        (await raw.workspaces.objectsOf(deleted)).length > 0,
        'the crash left its objects behind (the state this test is about)',
      );
    } finally {
      await raw.close();
    }
    const store = await openStore({ data_dir: dir, mongodb_url: null });
    try {
      assert.equal((await store.workspaces.objectsOf(deleted)).length, 0);
      assert.equal((await store.workspaces.chunkList(deleted)).length, 0);
      const left = await loadObjects(store, kept);
      assert.deepEqual(
        left.map((o) => o.name),
        ['d', 'r'],
      );
      const d = left[0] as unknown as { variables: { values: number[] }[] };
      assert.equal(d.variables[0]?.values.length, 10_000, 'its chunks are intact');
    } finally {
      await store.close();
    }
  });
});
