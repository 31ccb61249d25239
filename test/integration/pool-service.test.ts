/**
 * startR, the way server/main.ts starts R: the real PanthR library preloaded, the
 * registered kinds read, a warm pool, and a clean stop; failures give an RStartError.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RStartError, startR } from '../../r/index.ts';
import { groupProcesses, memoryLogger, waitUntil } from '../fixtures/r-process-check.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const FIXTURES = path.join(import.meta.dirname, '../fixtures/r');

describe('startR (real Rserve, the PanthR library)', function () {
  this.timeout(30_000);
  let tmpRoot: string;

  before(async () => {
    tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'panthr-startr-test-'));
  });
  after(async () => {
    await rm(tmpRoot, { recursive: true, force: true });
  });

  const base = {
    log: memoryLogger(),
    warm: 1,
    max: 4,
    sessionMemoryMb: 2048,
    startTimeoutMs: 20_000,
  };

  it('preloads r/R/panthr.R, reads the registered kinds, leases a session and stops cleanly', async () => {
    const r = await startR({ ...base, preload: [path.join(ROOT, 'r/R/panthr.R')], tmpRoot });
    const pgid = r.supervisor.server!.pgid;
    try {
      assert.ok(r.registered !== undefined, 'panthr_registered() was read');
      assert.ok(
        r.registered.reports.size > 0 &&
          r.registered.tests.size > 0 &&
          r.registered.graphs.size > 0,
      );
      const s = await r.pool.acquire('alice');
      const version = await s.eval('panthr_version');
      assert.ok(version.kind === 'string' && typeof version.values[0] === 'string');
      const m = r.metrics();
      assert.equal(m.state, 'ready');
      assert.equal(m.pool.leased, 1);
      assert.equal(m.restarts, 0);
      await r.pool.release(s);
    } finally {
      await r.stop();
      await r.stop();
    }
    assert.equal(r.supervisor.state, 'stopped');
    assert.equal(r.pool.state, 'drained');
    assert.ok(await waitUntil(() => groupProcesses(pgid).length === 0, 2000));
  });

  it('rejects with an RStartError naming a broken extension file, leaving nothing running', async () => {
    const broken = path.join(FIXTURES, 'preload-broken.R');
    await assert.rejects(
      startR({ ...base, preload: [path.join(FIXTURES, 'preload-ok.R'), broken], tmpRoot }),
      (err: unknown) => err instanceof RStartError && err.message.includes(broken),
    );
  });

  it('rejects with what to install when R is missing', async () => {
    await assert.rejects(
      startR({ ...base, preload: [], binary: path.join(tmpRoot, 'R-missing'), tmpRoot }),
      (err: unknown) =>
        err instanceof RStartError && /apt-get install r-base-core r-cran-rserve/.test(err.message),
    );
  });
});
