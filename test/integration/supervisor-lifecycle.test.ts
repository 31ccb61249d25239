/**
 * The Rserve supervisor against a real Rserve: start, readiness, preload, stop with no
 * process left, a broken preload, a missing binary, and a restart after Rserve dies.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  connectR,
  RStartError,
  RSupervisor,
  vectorHeapMb,
  type RServerInfo,
} from '../../r/index.ts';
import {
  groupProcesses,
  memoryLogger,
  rserveProcess,
  waitUntil,
} from '../fixtures/r-process-check.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/r');
const OK = path.join(FIXTURES, 'preload-ok.R');
const SECOND = path.join(FIXTURES, 'preload-second.R');
const BROKEN = path.join(FIXTURES, 'preload-broken.R');

describe('RSupervisor (real Rserve)', function () {
  this.timeout(30_000);
  let tmpRoot: string;
  const supervisors: RSupervisor[] = [];

  /** A supervisor whose private directory lives in this suite's temp dir. */
  function supervisor(
    options: Partial<ConstructorParameters<typeof RSupervisor>[0]> = {},
  ): RSupervisor {
    const s = new RSupervisor({ preload: [OK, SECOND], log: memoryLogger(), tmpRoot, ...options });
    supervisors.push(s);
    return s;
  }

  function privateDirs(): string[] {
    return readdirSync(tmpRoot).filter((f) => f.startsWith('panthr-r-'));
  }

  before(async () => {
    tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'panthr-sup-test-'));
  });
  after(async () => {
    await Promise.all(supervisors.map((s) => s.stop()));
    await rm(tmpRoot, { recursive: true, force: true });
  });

  it('starts Rserve, is ready with a socket of mode 0600, and stops leaving no process', async () => {
    const sup = supervisor();
    const readyEvents: RServerInfo[] = [];
    sup.on('ready', (info) => readyEvents.push(info));
    const info = await sup.start();
    assert.equal(sup.state, 'ready');
    assert.deepEqual(readyEvents, [info]);
    assert.ok(rserveProcess(info.pgid), 'Rserve runs in the watchdog group');
    const dir = path.dirname(info.path);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(info.path).mode & 0o777, 0o600);
    const conn = await connectR({ path: info.path });
    assert.ok(
      groupProcesses(info.pgid).some((p) => p.pid === conn.pid),
      'sessions share the group',
    );
    await sup.stop();
    assert.equal(sup.state, 'stopped');
    assert.deepEqual(groupProcesses(info.pgid), []);
    assert.equal(existsSync(dir), false, 'the private directory is removed');
    await sup.stop(); // idempotent
    assert.equal(conn.closed || (await waitUntil(() => conn.closed, 2000)), true);
  });

  it('preloads every file into the parent, so a fresh session sees them; sessions get their own tempdir', async () => {
    const sup = supervisor();
    const info = await sup.start();
    const conn = await connectR({ path: info.path });
    try {
      const second = await conn.eval('fixture_second');
      assert.deepEqual(second.kind === 'string' && second.values, ['yes, é and second']);
      const parent = await conn.eval('fixture_parent_pid');
      assert.ok(
        parent.kind === 'integer' && parent.values[0] !== conn.pid,
        'loaded once, in the parent',
      );
      const errors = await conn.eval('length(.panthr_boot_errors)');
      assert.ok(errors.kind === 'integer' && errors.values[0] === 0);
      // The parent's tempdir was deleted at boot: no session can share (or lose) it.
      const shared = await conn.eval('dir.exists(tempdir())');
      assert.ok(shared.kind === 'logical' && shared.values[0] === 0);
    } finally {
      await conn.close();
    }
  });

  it("runs R with glibc's allocator keeping a freed vector's pages for the next one", async () => {
    // Page faults of R's process for each of a series of 7-10 MB vectors, made, filled and
    // collected in turn: by default glibc gives such vectors back to the system and the next
    // one is first-touched again (~3 ms per MB here); tuned, a vector no larger than the
    // largest before reuses its pages.
    const faults = async (s: RSupervisor): Promise<number[]> => {
      const conn = await connectR({ path: (await s.start()).path });
      try {
        const v = await conn.eval(`{
          flt <- function() as.numeric(strsplit(readLines("/proc/self/stat"), " ")[[1]][10])
          invisible(gc())
          out <- numeric(0)
          for (n in c(1e6, 1.2e6, 0.9e6, 1.1e6, 1e6, 0.8e6)) {
            a <- flt(); x <- numeric(n); x[] <- 1; rm(x); invisible(gc()); out <- c(out, flt() - a)
          }
          out
        }`);
        assert.equal(v.kind, 'double');
        return Array.from(v.values);
      } finally {
        await conn.close();
      }
    };
    const tuned = await faults(supervisor());
    // 8 MB is ~2,000 pages: the later vectors fit in what the first two left.
    const later = tuned.slice(2).reduce((a, b) => a + b, 0);
    assert.ok(later < 200, `faults of the later vectors: ${tuned.join(', ')}`);
    // An admin's environment wins over the tuning.
    const sup = supervisor({ env: { MALLOC_TRIM_THRESHOLD_: '131072' } });
    const conn = await connectR({ path: (await sup.start()).path });
    try {
      const env = await conn.eval(
        'Sys.getenv(c("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"))',
      );
      assert.deepEqual(env.kind === 'string' && env.values, [String(32 * 1024 * 1024), '131072']);
    } finally {
      await conn.close();
    }
  });

  it("collects a session's vectors from 256 MB on; lower with R's defaults, a small limit or an own R_VSIZE", async () => {
    // gc()'s Vcells trigger, in MB: where R collects next for vectors (8 bytes a cell).
    const trigger = async (s: RSupervisor): Promise<number> => {
      const conn = await connectR({ path: (await s.start()).path });
      try {
        const v = await conn.eval('gc()[2, 3] * 8 / 2^20');
        assert.equal(v.kind, 'double');
        return v.values[0] ?? NaN;
      } finally {
        await conn.close();
        await s.stop();
      }
    };
    assert.ok((await trigger(supervisor())) >= 256);
    assert.ok((await trigger(supervisor({ rDefaults: true }))) < 256);
    assert.ok((await trigger(supervisor({ vectorHeapMb: null }))) < 256);
    assert.ok((await trigger(supervisor({ env: { R_VSIZE: '128M' } }))) < 256);
    // Under an address-space limit below 1 GB the sessions keep R's own trigger.
    assert.deepEqual([null, 4096, 1024, 1023, 512].map(vectorHeapMb), [256, 256, 256, null, null]);
  });

  it('quotes preload paths for R: quotes, backslashes, dollars, spaces and UTF-8 are only names', async () => {
    const odd = path.join(tmpRoot, 'an "odd" \\ $(touch pwned) é\'s dir');
    await mkdir(odd);
    const file = path.join(odd, 'x"); stop("injected');
    await copyFile(OK, file);
    const sup = supervisor({ preload: [file] });
    const info = await sup.start();
    const conn = await connectR({ path: info.path });
    const v = await conn.eval('fixture_loaded');
    assert.deepEqual(v.kind === 'string' && v.values, ['yes, é']);
    await conn.close();
    await sup.stop();
    assert.equal(existsSync(path.join(process.cwd(), 'pwned')), false);
  });

  it('refuses to start when a preload file fails, naming the file and R message', async () => {
    const sup = supervisor({ preload: [OK, BROKEN] });
    const dirsBefore = privateDirs();
    await assert.rejects(sup.start(), (err: unknown) => {
      assert.ok(err instanceof RStartError);
      assert.match(
        err.message,
        /preload-broken\.R: fixture failure: this file is broken on purpose/,
      );
      assert.doesNotMatch(err.message, /preload-ok\.R/);
      assert.ok(err.hint.length > 0);
      return true;
    });
    assert.equal(sup.state, 'failed');
    assert.deepEqual(privateDirs(), dirsBefore, 'a failed start leaves no private directory');
  });

  it('says what to install when R is missing', async () => {
    const sup = supervisor({ rBinary: path.join(tmpRoot, 'no-such-R') });
    await assert.rejects(sup.start(), (err: unknown) => {
      assert.ok(err instanceof RStartError);
      assert.match(err.message, /no-such-R/);
      assert.match(err.message, /apt-get install r-base-core r-cran-rserve/);
      return true;
    });
  });

  it('says which preload file is missing', async () => {
    const sup = supervisor({ preload: [path.join(tmpRoot, 'absent.R')] });
    await assert.rejects(sup.start(), /absent\.R cannot be read/);
  });

  it('restarts Rserve after it is killed, clearing away the dead group', async () => {
    const sup = supervisor({ restartBaseMs: 100 });
    const first = await sup.start();
    const orphan = await connectR({ path: first.path });
    const events: string[] = [];
    sup.on('exit', (info, d) => events.push(`exit ${info.generation} ${String(d.expected)}`));
    sup.on('restart', (d) => events.push(`restart ${d.attempt}`));
    const readyAgain = new Promise<RServerInfo>((resolve) => sup.once('ready', resolve));
    const rserve = rserveProcess(first.pgid);
    assert.ok(rserve);
    process.kill(rserve.pid, 'SIGKILL');
    const second = await readyAgain;
    assert.equal(second.generation, 2);
    assert.notEqual(second.path, first.path);
    assert.deepEqual(events, ['exit 1 false', 'restart 1']);
    assert.equal(sup.restarts, 1);
    assert.equal(sup.state, 'ready');
    assert.ok(await waitUntil(() => orphan.closed, 5000), "the dead server's sessions are killed");
    assert.deepEqual(groupProcesses(first.pgid), []);
    const conn = await connectR({ path: second.path });
    const v = await conn.eval('fixture_loaded');
    assert.deepEqual(v.kind === 'string' && v.values, ['yes, é']);
    await conn.close();
    await sup.stop();
    assert.deepEqual(groupProcesses(second.pgid), []);
  });

  it('gives up after repeated failed restarts: state failed, a failed event, nothing left', async () => {
    const copy = path.join(tmpRoot, 'vanishing.R');
    await copyFile(OK, copy);
    const sup = supervisor({ preload: [copy], restartBaseMs: 50, maxRestartFailures: 2 });
    const first = await sup.start();
    const restarts: number[] = [];
    sup.on('restart', (d) => restarts.push(d.attempt));
    const failed = new Promise<Error>((resolve) => sup.once('failed', resolve));
    await rm(copy);
    process.kill(rserveProcess(first.pgid)!.pid, 'SIGKILL');
    const error = await failed;
    assert.ok(error instanceof RStartError);
    assert.match(error.message, /vanishing\.R/, 'the last failure is named');
    assert.equal(sup.state, 'failed');
    assert.deepEqual(restarts, [1, 2]);
    assert.equal(sup.server, undefined);
    await sup.stop();
    assert.equal(sup.state, 'failed');
    assert.deepEqual(
      privateDirs().filter((d) => first.path.includes(d)),
      [],
    );
  });
});
