/**
 * No R process outlives the server: a child process runs R with sessions (one busy), and
 * is ended by SIGTERM, SIGINT or SIGKILL; then no process of R's group may be left and the
 * private directory must be gone.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  alive,
  groupProcesses,
  processesMentioning,
  waitUntil,
} from '../fixtures/r-process-check.ts';

const CHILD = path.join(import.meta.dirname, '../fixtures/r-server-child.ts');

interface Started {
  readonly child: ChildProcess;
  readonly pgid: number;
  readonly dir: string;
  readonly pids: number[];
}

function startChild(tmpRoot: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, tmpRoot], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the child exited early (${code ?? 'signal'})`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const info = JSON.parse(line) as { pgid: number; dir: string; pids: number[] };
      resolve({ child, ...info });
    });
  });
}

describe('R teardown with the server process (real Rserve)', function () {
  this.timeout(40_000);
  let tmpRoot: string;

  before(async () => {
    tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'panthr-teardown-test-'));
  });
  after(async () => {
    await rm(tmpRoot, { recursive: true, force: true });
  });

  for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT'] as const) {
    it(`leaves no R process when the server gets ${signal}`, async () => {
      const s = await startChild(tmpRoot);
      assert.ok(s.pids.length === 3 && s.pids.every(alive), 'the sessions run');
      assert.ok(
        groupProcesses(s.pgid).length >= 5,
        'Rserve, 3+ sessions and the watchdog are in the group',
      );
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        s.child.once('exit', (code, sig) => resolve({ code, signal: sig })),
      );
      s.child.kill(signal);
      const how = await exited;
      if (signal === 'SIGKILL') assert.equal(how.signal, 'SIGKILL');
      else assert.equal(how.code, 0, 'stop() ran and the server exited cleanly');
      const gone = await waitUntil(
        () => groupProcesses(s.pgid).length === 0 && processesMentioning(s.dir).length === 0,
        5000,
      );
      assert.ok(
        gone,
        `left: ${JSON.stringify([...groupProcesses(s.pgid), ...processesMentioning(s.dir)])}`,
      );
      assert.ok(s.pids.every((pid) => !alive(pid)));
      assert.ok(
        await waitUntil(() => !existsSync(s.dir), 2000),
        'the private directory is removed',
      );
    });
  }
});
