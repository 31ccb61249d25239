/**
 * startR, the way server/main.ts starts R: the real PanthR library preloaded, the
 * registered kinds read, a warm pool, and a clean stop; failures give an RStartError.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RStartError, SESSION_GC_STEP, startR } from '../../r/index.ts';
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

  it('each session collects every SESSION_GC_STEP allocations, its first full collection far off', async () => {
    const r = await startR({ ...base, preload: [path.join(ROOT, 'r/R/panthr.R')], tmpRoot });
    try {
      const s = await r.pool.acquire('alice');
      // gctorture2 answers the step it replaces; the step is then put back.
      const step = await s.eval('local({ s <- gctorture2(0L); gctorture2(s, 1L); s })');
      assert.ok(step.kind === 'integer' || step.kind === 'double');
      assert.deepEqual([...step.values], [SESSION_GC_STEP]);
      // The parent readied its heap and put every setting back: no message sink, no
      // collection report (a session inherits both).
      const clean = await s.eval('c(sink.number(type = "message"), gcinfo(FALSE))');
      assert.equal(clean.kind, 'integer');
      assert.deepEqual([...clean.values], [2, 0]);
      // The depth of the session's next 100 collections, from gcinfo's report: the parent
      // restarted R's level counters before forking, so none is full (a full one would copy
      // the parent's whole heap into the session), and some take the middle generation.
      const levels = await s.eval(`local({
        log <- tempfile(); con <- file(log, "w")
        sink(con, type = "message"); was <- gcinfo(TRUE)
        levels <- integer()
        for (i in seq_len(100000L)) {
          gctorture2(1L, 1L); x <- list(i); gctorture2(0L)
          flush(con)
          l <- grep("^Garbage collection", readLines(log), value = TRUE)
          levels <- as.integer(sub(".*[(]level ([0-9])[)].*", "\\\\1", l))
          if (length(levels) >= 100L) break
        }
        gcinfo(was); sink(type = "message"); close(con); unlink(log)
        gctorture2(${SESSION_GC_STEP}L, 1L)
        levels[seq_len(100L)]
      })`);
      assert.equal(levels.kind, 'integer');
      const seen = [...levels.values];
      assert.equal(seen.length, 100);
      assert.ok(!seen.includes(2), `a full collection among a session's first: ${seen.join('')}`);
      assert.ok(seen.includes(1), `no middle collection in 100: ${seen.join('')}`);
      await r.pool.release(s);
    } finally {
      await r.stop();
    }
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
