/**
 * server/worker-thread.ts KeptWorker (the CSV worker and its helper thread): numbered jobs
 * answered by id, whatever order the answers come in; a thread that dies rejects the jobs it
 * held, naming itself, and the next job starts a new thread; a job that cannot be posted
 * is rejected without holding the thread.
 */
import assert from 'node:assert/strict';
import { KeptWorker } from '../../server/worker-thread.ts';

const FILE = new URL('../fixtures/kept.worker.ts', import.meta.url);

type Answer = { readonly id: number; readonly value: number };

describe('worker threads kept for numbered jobs', function () {
  this.timeout(30_000);

  it('answers each job with its own answer, in any order', async () => {
    const w = new KeptWorker<Answer>(FILE, 'test worker');
    const slow = w.run((id) => ({ id, value: 1, wait: 200 }));
    const fast = w.run((id) => ({ id, value: 5 }));
    assert.equal((await fast).value, 10);
    assert.equal((await slow).value, 2);
  });

  it('rejects the jobs of a thread that exits, naming it, then starts a new one', async () => {
    const w = new KeptWorker<Answer>(FILE, 'test worker');
    const held = w.run((id) => ({ id, value: 1, wait: 5_000 }));
    const killer = w.run((id) => ({ id, value: 0, exit: true }));
    await assert.rejects(held, /^Error: the test worker exited \(3\)$/);
    await assert.rejects(killer, /the test worker exited \(3\)/);
    assert.equal((await w.run((id) => ({ id, value: 21 }))).value, 42);
  });

  it('rejects a job that cannot be posted, and goes on', async () => {
    const w = new KeptWorker<Answer>(FILE, 'test worker');
    await assert.rejects(
      w.run((id) => ({ id, value: () => 1 })),
      /could not be cloned/,
    );
    assert.equal((await w.run((id) => ({ id, value: 4 }))).value, 8);
  });
});
