/**
 * Saves through the sessions layer's store port (realtime/store.adapter.ts) from two nodes
 * over one store: a save with hashes older than what the other node saved is refused as
 * `moved` and keeps nothing; a node that takes the user again saves above the other's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredPanthrObject } from '../../converters/index.ts';
import { AppError } from '../../server/errors.ts';
import { storePersistence } from '../../server/realtime/store.adapter.ts';
import { findObject, openStore, type Store } from '../../server/store/index.ts';

/** A numeric vector `name` holding `value`. */
function vec(name: string, value: number): StoredPanthrObject {
  return { name, type: 'vector', variableType: 'scalar', values: [value] };
}

describe('store port: saves of a node that lost the user', function () {
  this.timeout(30_000);
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-stale-'));
    store = await openStore({ data_dir: dir, mongodb_url: null, sweep: false });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a late save as moved, and a node taking the user again saves anew', async () => {
    // Two Store objects over one database: two nodes, each with its own hash blocks.
    const nodeA = storePersistence({ ...store });
    const nodeB = storePersistence({ ...store });
    const ws = await nodeA.current('u1');
    await nodeA.save(ws.id, vec('x', 1));
    await nodeB.current('u1');
    const newer = await nodeB.save(ws.id, vec('x', 2));
    await assert.rejects(
      nodeA.save(ws.id, vec('x', 3)),
      (e) => e instanceof AppError && e.code === 'moved' && e.status === 503,
    );
    assert.deepEqual((await findObject(store, ws.id, 'x'))?.values, [2]);
    // B saves again with its block; A takes the user back: its first save is kept.
    await nodeB.save(ws.id, vec('x', 4));
    await nodeA.current('u1');
    const back = await nodeA.save(ws.id, vec('x', 5));
    assert.ok((back.hash ?? 0) > (newer.hash ?? 0));
    assert.deepEqual((await findObject(store, ws.id, 'x'))?.values, [5]);
  });

  it('takes the user back after an old block without a refused save first', async () => {
    const nodeA = storePersistence({ ...store });
    const nodeB = storePersistence({ ...store });
    const ws = await nodeA.current('u1');
    await nodeA.save(ws.id, vec('y', 1));
    await nodeB.current('u1');
    await nodeB.save(ws.id, vec('y', 2));
    await nodeA.current('u1');
    await nodeA.save(ws.id, vec('y', 3));
    assert.deepEqual((await findObject(store, ws.id, 'y'))?.values, [3]);
  });
});
