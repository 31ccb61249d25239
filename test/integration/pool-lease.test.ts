/**
 * The R session pool against a real Rserve: leases, no reuse of used sessions, dead
 * sessions detected and replaced, the memory limit, `max` with waiting and abort, a
 * Rserve restart, and drain.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  connectR,
  RError,
  RSessionPool,
  RSupervisor,
  type RSession,
  type RSessionPoolOptions,
} from '../../r/index.ts';
import {
  alive,
  groupProcesses,
  memoryLogger,
  rserveProcess,
  waitUntil,
} from '../fixtures/r-process-check.ts';

const PRELOAD = path.join(import.meta.dirname, '../fixtures/r/preload-ok.R');

describe('RSessionPool (real Rserve)', function () {
  this.timeout(30_000);
  let tmpRoot: string;
  let sup: RSupervisor;
  const pools: RSessionPool[] = [];

  async function pool(options: Partial<RSessionPoolOptions> = {}, on = sup): Promise<RSessionPool> {
    const p = new RSessionPool({
      supervisor: on,
      log: memoryLogger(),
      warm: 1,
      max: null,
      sessionMemoryMb: null,
      ...options,
    });
    pools.push(p);
    await p.start();
    return p;
  }

  before(async () => {
    tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'panthr-pool-test-'));
    sup = new RSupervisor({ preload: [PRELOAD], log: memoryLogger(), tmpRoot });
    await sup.start();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.drain({ timeoutMs: 0 })));
  });
  after(async () => {
    await sup.stop();
    await rm(tmpRoot, { recursive: true, force: true });
  });

  it('leases sessions that ran the session init and keeps the warm reserve', async () => {
    const p = await pool({ warm: 2 });
    assert.ok(await waitUntil(() => p.metrics().idle === 2, 5000));
    const s = await p.acquire('alice');
    assert.equal(s.ownerId, 'alice');
    assert.ok(
      groupProcesses(sup.server!.pgid).some((x) => x.pid === s.pid),
      'a forked session of Rserve',
    );
    const init = await s.eval('fixture_init_ran');
    assert.ok(init.kind === 'logical' && init.values[0] === 1);
    const tmp = await s.eval('tempdir()');
    assert.ok(
      tmp.kind === 'string' && tmp.values[0]?.includes(`conn${s.pid}`),
      'a tempdir of its own',
    );
    assert.ok(await waitUntil(() => p.metrics().idle === 2, 5000), 'the reserve is refilled');
    assert.equal(p.metrics().leases, 1);
  });

  it('never leases a used session again; an unused one goes back to the reserve', async () => {
    const p = await pool({ warm: 1 });
    const used = await p.acquire('alice');
    await used.voidEval('secret <- "alice\'s"');
    const work = path.join(path.dirname(sup.server?.path ?? ''), 'work');
    assert.ok(existsSync(path.join(work, `conn${used.pid}`)), 'a session works in its own dir');
    await p.release(used);
    assert.equal(used.closed, true);
    assert.ok(await waitUntil(() => !alive(used.pid), 5000), 'its R process ended');
    assert.ok(
      await waitUntil(() => !existsSync(path.join(work, `conn${used.pid}`)), 5000),
      'its workdir (and R tempdir) is swept',
    );
    const next = await p.acquire('bob');
    assert.notEqual(next.pid, used.pid);
    const leak = await next.eval('exists("secret")');
    assert.ok(leak.kind === 'logical' && leak.values[0] === 0);
    await p.release(next);
    const unused = await p.acquire('carol');
    await p.release(unused);
    assert.equal(unused.closed, false);
    const again = await p.acquire('dave');
    assert.equal(again.pid, unused.pid, 'the unused session was recycled');
    await p.release(again, { recycle: false });
    assert.equal(again.closed, true);
  });

  it('detects a killed session, tells its lessee and replaces it', async () => {
    const p = await pool({ warm: 1 });
    const s = await p.acquire('alice');
    const lost = new Promise<RError>((resolve) => s.onLost(resolve));
    const events: string[] = [];
    p.on('lost', (session, owner) => events.push(`${owner} ${session.pid}`));
    process.kill(s.pid, 'SIGKILL');
    const error = await lost;
    assert.equal(error.code, 'closed');
    assert.deepEqual(events, [`alice ${s.pid}`]);
    assert.equal(p.metrics().leased, 0);
    assert.equal(p.metrics().replacements, 1);
    // An idle one that dies is replaced too.
    assert.ok(await waitUntil(() => p.metrics().idle === 1, 5000));
    const idle = await p.acquire('probe');
    await p.release(idle);
    process.kill(idle.pid, 'SIGKILL');
    assert.ok(
      await waitUntil(() => p.metrics().replacements === 2 && p.metrics().idle === 1, 5000),
    );
    const fresh = await p.acquire('bob');
    assert.notEqual(fresh.pid, idle.pid);
    const two = await fresh.eval('1L + 1L');
    assert.ok(two.kind === 'integer' && two.values[0] === 2);
  });

  it('replaces an idle session that fails its check; only leases granted are counted', async () => {
    const p = await pool({
      warm: 1,
      validateTimeoutMs: 200,
      // A stopped R ignores SIGINT: the check's interrupt turns into SIGKILL soon.
      connect: (address) => connectR(address, { interruptGraceMs: 200 }),
    });
    const probe = await p.acquire('probe');
    await p.release(probe);
    process.kill(probe.pid, 'SIGSTOP');
    const s = await p.acquire('alice');
    assert.notEqual(s.pid, probe.pid, 'the stuck session was not leased');
    const two = await s.eval('1L + 1L');
    assert.ok(two.kind === 'integer' && two.values[0] === 2);
    assert.equal(p.metrics().replacements, 1);
    assert.equal(p.metrics().leases, 2, 'probe and alice; not the session that failed its check');
    assert.ok(await waitUntil(() => !alive(probe.pid), 5000));
  });

  it('ends what a session started (system()) with it, when its interrupt is ignored and it is killed', async () => {
    const p = await pool({
      warm: 0,
      connect: (address) => connectR(address, { interruptGraceMs: 200 }),
    });
    const s = await p.acquire('runner');
    // system() waits for its child with SIGINT ignored: R cannot be interrupted, only killed.
    const marker = `sleep ${(40 + Math.random()).toFixed(6)}`;
    const running = (): boolean =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .some((d) => {
          try {
            return readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() === marker;
          } catch {
            return false;
          }
        });
    const evaluation = s.eval(`system(${JSON.stringify(marker)}); 1`, { timeoutMs: 300 });
    // The marker is found while R waits in system(): the check below can fail.
    assert.ok(await waitUntil(running, 5000), `"${marker}" never started`);
    await assert.rejects(evaluation);
    assert.ok(await waitUntil(() => !alive(s.pid), 5000), 'the session was killed');
    assert.ok(await waitUntil(() => !running(), 5000), `"${marker}" outlived its session`);
  });

  it("caps a session's memory: a large allocation fails in R and the session survives", async () => {
    const p = await pool({ warm: 0, sessionMemoryMb: 600 });
    const s = await p.acquire('greedy');
    await assert.rejects(s.eval('x <- numeric(2e8); length(x)'), (err: unknown) => {
      assert.ok(err instanceof RError);
      assert.equal(err.code, 'r_error');
      assert.match(err.message, /cannot allocate vector/);
      return true;
    });
    const ok = await s.eval('length(numeric(1e6))');
    assert.ok(ok.kind === 'integer' && ok.values[0] === 1e6, 'the session still answers');
    const other = await p.acquire('modest');
    const v = await other.eval('sum(1:10)');
    assert.ok(v.kind === 'integer' && v.values[0] === 55, 'the pool still leases');
  });

  it('waits at `max` until a session is released; an aborted wait gives up', async () => {
    const p = await pool({ warm: 1, max: 1 });
    const first = await p.acquire('alice');
    await assert.rejects(p.acquire('bob', { signal: AbortSignal.timeout(200) }), {
      name: 'TimeoutError',
    });
    assert.equal(p.metrics().waiting, 0);
    const waiting = p.acquire('carol');
    await first.voidEval('y <- 1');
    await p.release(first);
    const second = await waiting;
    assert.equal(second.ownerId, 'carol');
    assert.notEqual(second.pid, first.pid);
    assert.equal(p.metrics().leased, 1);
  });

  it('sets up at most `maxStarting` sessions at once, and serves every waiter', async () => {
    // A slow set-up, so that starts overlap; warm 0: every start is for a waiter.
    const p = await pool({ warm: 0, maxStarting: 2, initCode: 'Sys.sleep(0.2)' });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, p.metrics().starting)), 5);
    try {
      const leased = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((u) => p.acquire(u)));
      assert.deepEqual(
        leased.map((s) => s.ownerId),
        ['a', 'b', 'c', 'd', 'e'],
      );
      assert.equal(new Set(leased.map((s) => s.pid)).size, 5);
    } finally {
      clearInterval(sampler);
    }
    assert.equal(most, 2, 'two set-ups at a time, never more');
  });

  it("drops the dead server's sessions when Rserve restarts and refills from the new one", async () => {
    const own = new RSupervisor({
      preload: [PRELOAD],
      log: memoryLogger(),
      tmpRoot,
      restartBaseMs: 100,
    });
    const first = await own.start();
    try {
      const p = await pool({ warm: 2 }, own);
      const leased = await p.acquire('alice');
      const lost = new Promise<RError>((resolve) => leased.onLost(resolve));
      assert.ok(await waitUntil(() => p.metrics().idle === 2, 5000));
      const ready = new Promise((resolve) => own.once('ready', resolve));
      process.kill(rserveProcess(first.pgid)!.pid, 'SIGKILL');
      await ready;
      assert.equal((await lost).code, 'closed');
      assert.ok(await waitUntil(() => p.metrics().idle === 2, 5000), 'refilled');
      const s = await p.acquire('bob');
      assert.ok(
        groupProcesses(own.server!.pgid).some((x) => x.pid === s.pid),
        'from the new Rserve',
      );
      assert.deepEqual(groupProcesses(first.pgid), []);
      await p.drain({ timeoutMs: 0 });
    } finally {
      await own.stop();
    }
  });

  it('drains: no more leases, idle closed, a busy leased session cancelled and closed', async () => {
    const p = await pool({ warm: 2 });
    const busy = await p.acquire('alice');
    const lost = new Promise<RError>((resolve) => busy.onLost(resolve));
    const running = busy.voidEval('Sys.sleep(30)').then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(await waitUntil(() => p.metrics().idle === 2, 5000));
    const sessions: RSession[] = [busy];
    await p.drain({ timeoutMs: 200 });
    assert.equal(p.state, 'drained');
    assert.equal((await lost).code, 'closed');
    assert.ok((await running) instanceof RError, 'the running evaluation was cancelled');
    await assert.rejects(
      p.acquire('bob'),
      (err: unknown) => err instanceof RError && err.code === 'closed',
    );
    const m = p.metrics();
    assert.deepEqual([m.idle, m.leased, m.starting, m.closing], [0, 0, 0, 0]);
    assert.ok(await waitUntil(() => sessions.every((s) => !alive(s.pid)), 5000));
    const rserve = rserveProcess(sup.server!.pgid)!.pid;
    const sessionsLeft = (): number =>
      groupProcesses(sup.server!.pgid).filter((x) => x.ppid === rserve).length;
    assert.ok(await waitUntil(() => sessionsLeft() === 0, 5000), 'no session of Rserve is left');
  });
});
