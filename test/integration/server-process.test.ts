/**
 * The real entry point, `server/main.ts`, as a child process: configuration errors stop it
 * before it binds, a missing R says what to install, SIGTERM shuts it down cleanly with no
 * R process left, and /status and /metrics answer as documented.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive, descendantsOf, waitUntil } from '../fixtures/r-process-check.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** MAJOR.MINOR of package.json's version, as /status must show it. */
const RELEASE = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version
  .split('.')
  .slice(0, 2)
  .join('.');

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
}

/** Temporary directories the runs made, removed after the suite. */
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-main-'));
  tempDirs.push(dir);
  return dir;
}

function startMain(config: unknown): Run {
  const dir = tempDir();
  const file = path.join(dir, 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PANTHR_CONFIG: file },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { child, stdout: [], stderr: [] };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => run.stdout.push(s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => run.stderr.push(s));
  return run;
}

async function exitOf(run: Run): Promise<number | null> {
  if (run.child.exitCode !== null) return run.child.exitCode;
  const [code] = (await once(run.child, 'exit')) as [number | null];
  return code;
}

/** Waits for the "listening" log line and returns the URL. */
async function listening(run: Run): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const m = /"url":"(http:\/\/[^"]+)"/.exec(run.stdout.join(''));
    if (m?.[1]) return m[1];
    if (run.child.exitCode !== null) throw new Error(`exited: ${run.stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

/** Starts main.ts on a free port of 127.0.0.1 with a data directory of its own. */
function startServing(config: Record<string, unknown>): Run {
  return startMain({ port: 0, host: '127.0.0.1', data_dir: tempDir(), ...config });
}

describe('server/main.ts as a process', function () {
  this.timeout(60_000);
  after(() => {
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('stops before binding on an invalid configuration, naming each bad key (exit 2)', async () => {
    const run = startMain({ port: 0, timeout: 'soon', colour: 'red' });
    assert.equal(await exitOf(run), 2);
    const err = run.stderr.join('');
    assert.match(err, /timeout: expected a number, got "soon"/);
    assert.match(err, /colour: unknown key/);
    assert.doesNotMatch(err, /at .*\.ts:\d+/, 'no stack trace');
    const notJson = startMain('{"port": 0,');
    assert.equal(await exitOf(notJson), 2);
    assert.match(notJson.stderr.join(''), /not valid JSON/);
  });

  it('says what to install when R cannot start (exit 3)', async () => {
    const run = startServing({ r: { binary: '/nonexistent/R' } });
    assert.equal(await exitOf(run), 3);
    const err = run.stderr.join('');
    assert.match(err, /apt-get install r-base-core r-cran-rserve/);
    assert.doesNotMatch(err, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('serves /status and /metrics, then shuts down on SIGTERM with exit 0 and no R left', async () => {
    const run = startServing({
      name: 'Test server',
      owner: 'QA',
      max_users: 5,
      metrics_token: 'a-long-enough-admin-token',
      user_validation: path.join(ROOT, 'scripts/user_validation.example.sh'),
      extensions: { normality: path.join(ROOT, 'extensions/normality.R') },
      r: { warm_sessions: 1 },
    });
    const url = await listening(run);
    const status = (await (await fetch(`${url}/status`)).json()) as Record<string, unknown>;
    assert.deepEqual(status, {
      name: 'Test server',
      owner: 'QA',
      server_version: RELEASE,
      api_version: '1.1',
      timeout: 3600,
      max_time: 86400,
      max_users: 5,
      no_users: 0,
      max_data: null,
      extensions: ['normality'],
    });
    assert.doesNotMatch(JSON.stringify(status), /validation|normality\.R|token/);
    assert.equal((await fetch(`${url}/metrics`)).status, 401);
    const metrics = await fetch(`${url}/metrics`, {
      headers: { authorization: 'Bearer a-long-enough-admin-token' },
    });
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.match(text, /panthr_connected_clients\{service="panthr"\} 0/);
    assert.match(text, /panthr_r_sessions\{state="idle",service="panthr"\}/);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);

    const rBefore = descendantsOf(run.child.pid ?? 0);
    assert.ok(rBefore.length > 0, 'R runs under the server');
    run.child.kill('SIGTERM');
    assert.equal(await exitOf(run), 0);
    assert.ok(await waitUntil(() => rBefore.every((pid) => !alive(pid)), 10_000), 'R is gone');
  });

  it('leaves no R process behind when the server is SIGKILLed', async () => {
    const run = startServing({ r: { warm_sessions: 2 } });
    await listening(run);
    const r = descendantsOf(run.child.pid ?? 0);
    assert.ok(r.length >= 2, 'Rserve and its sessions run');
    run.child.kill('SIGKILL');
    await exitOf(run);
    assert.ok(await waitUntil(() => r.every((pid) => !alive(pid)), 10_000), 'R is gone');
  });
});
