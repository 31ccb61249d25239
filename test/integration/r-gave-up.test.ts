/**
 * The real server process when R cannot be started again (issue 17): after start, the R
 * front-end stops being executable and Rserve is killed; the supervisor's restarts fail,
 * it gives up, /ready answers 503 with the reason, and the process exits 1 within the
 * bounded time, leaving no R process behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive, descendantsOf, waitUntil } from '../fixtures/r-process-check.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** main.ts's R_FAILED_EXIT_MS: the time between giving up and the exit. */
const EXIT_AFTER_MS = 10_000;

describe('the server process when R cannot be started again', function () {
  this.timeout(90_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-r-gave-up-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers /ready 503 with the reason, then exits 1 in bounded time with no R left', async () => {
    // R's front-end through a script this test can make unexecutable after the start.
    const rFrontEnd = path.join(dir, 'R');
    writeFileSync(rFrontEnd, '#!/bin/sh\nexec /usr/bin/R "$@"\n', { mode: 0o755 });
    const config = path.join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        port: 0,
        host: '127.0.0.1',
        data_dir: path.join(dir, 'data'),
        r: { binary: rFrontEnd, warm_sessions: 1, restart_attempts: 2 },
      }),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PANTHR_CONFIG: config },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (s: string) => out.push(s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => out.push(s));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    try {
      let url = '';
      assert.ok(
        await waitUntil(() => {
          url = /"url":"(http:\/\/[^"]+)"/.exec(out.join(''))?.[1] ?? '';
          return url !== '' || child.exitCode !== null;
        }, 30_000),
        `the server listens; its output:\n${out.join('')}`,
      );
      assert.equal((await fetch(`${url}/ready`)).status, 200, out.join(''));

      chmodSync(rFrontEnd, 0o644);
      const r = descendantsOf(child.pid ?? 0);
      assert.ok(r.length > 0, 'R runs under the server');
      for (const pid of r) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already (a short-lived helper of the watchdog).
        }
      }

      // Restarts: 0.5 s, then 1 s apart, each refused at once (R is not executable).
      let ready = await fetch(`${url}/ready`);
      const deadline = Date.now() + 15_000;
      while (!/cannot be started again/.test(await ready.clone().text())) {
        assert.ok(Date.now() < deadline, `the supervisor gives up; the log:\n${out.join('')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`${url}/ready`);
      }
      const gaveUp = Date.now();
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), {
        error: 'not_ready',
        message: 'R cannot be started again (the supervisor gave up; see the log)',
      });
      assert.equal((await fetch(`${url}/health`)).status, 200, 'still answers meanwhile');
      assert.match(
        out.join(''),
        /Rserve could not be restarted 2 times in a row; the last time: .*Permission denied/,
        `the log says why:\n${out.join('')}`,
      );

      const [code] = await exited;
      const waited = Date.now() - gaveUp;
      assert.equal(code, 1);
      assert.ok(waited <= EXIT_AFTER_MS + 5_000, `exited ${waited} ms after giving up`);
      assert.match(out.join(''), /R cannot be started again/);
      assert.ok(await waitUntil(() => r.every((pid) => !alive(pid)), 10_000), 'R is gone');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
