/**
 * Durability of the embedded store: a child process writes a burst of acknowledged writes
 * and is killed with SIGKILL in the middle of it; after reopening, every write the child
 * had reported as acknowledged is there, and the database passes SQLite's integrity check.
 * (SIGKILL loses the process, not the OS page cache; power-loss safety rests on
 * synchronous=FULL, which this test cannot show.)
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  createWorkspace,
  EMBEDDED_FILE,
  loadObjects,
  openEmbeddedStore,
} from '../../server/store/index.ts';

const CHILD = fileURLToPath(new URL('./store-crash.child.ts', import.meta.url));
const ROUNDS = 3;

interface Acknowledged {
  inserts: string[];
  /** The highest acknowledged hash of each object name. */
  saves: Map<string, number>;
}

/** Runs the child until it has acknowledged `writes` inserts (plus a random few), then kills it. */
async function burstAndKill(
  child: ChildProcess,
  writes: number,
): Promise<{ ack: Acknowledged; signal: NodeJS.Signals | null }> {
  const ack: Acknowledged = { inserts: [], saves: new Map() };
  let buffered = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const target = writes + Math.floor(Math.random() * 50);
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? ''; // a partial line was not fully reported: ignore it
    for (const line of lines) {
      const [kind, a, b] = line.split(' ');
      if (kind === 'insert' && a !== undefined) ack.inserts.push(a);
      if (kind === 'save' && a !== undefined) ack.saves.set(a, Number(b));
    }
    if (ack.inserts.length >= target) child.kill('SIGKILL');
  });
  const signal = await exited;
  assert.equal(signal, 'SIGKILL', `the child ended on its own: ${stderr}`);
  return { ack, signal };
}

describe('embedded store: SIGKILL during a burst of writes', function () {
  this.timeout(60_000);
  let dir: string;
  let child: ChildProcess | null = null;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-crash-'));
  });

  after(() => {
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write', async () => {
    const setup = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    const workspace = await createWorkspace(setup, 'u1', 'crash');
    await setup.close();
    const allInserts: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, workspace._id, `r${round}`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const { ack } = await burstAndKill(child, 150);
      allInserts.push(...ack.inserts);

      const store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
      try {
        for (const id of allInserts) {
          assert.notEqual(await store.connections.get(id), null, `insert ${id} lost`);
        }
        const objects = new Map((await loadObjects(store, workspace._id)).map((o) => [o.name, o]));
        for (const [name, hash] of ack.saves) {
          const stored = objects.get(name)?.hash ?? -1;
          assert.ok(stored >= hash, `save ${name} ${hash} lost (found ${stored})`);
        }
        const hashes = [...objects.values()].map((o) => o.hash);
        const next = (await store.workspaces.byId(workspace._id))?.nextHash ?? 0;
        assert.ok(
          hashes.every((h) => h < next),
          'nextHash is past every stored hash',
        );
      } finally {
        await store.close();
      }
    }
    const db = new Database(join(dir, EMBEDDED_FILE), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
    assert.ok(allInserts.length >= ROUNDS * 150);
  });
});
