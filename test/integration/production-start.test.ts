/**
 * Production runs compiled JavaScript with the production dependencies only: a copy of the
 * project whose node_modules lost every devDependency (`npm prune --omit=dev`, what
 * `npm ci --omit=dev` leaves, without compiling better-sqlite3 again) starts with
 * `scripts/start`, serves the client and is ready, with no tsx in the process.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '../fixtures/r-process-check.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('production start (compiled JavaScript, no devDependencies)', function () {
  this.timeout(300_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-prod-'));
    // R runs as its own user (r.user) and must read the copy's r/ files.
    chmodSync(dir, 0o755);
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && existsSync(path.join(ROOT, f)));
    for (const f of files) {
      cpSync(path.join(ROOT, f), path.join(dir, f), { preserveTimestamps: true });
    }
    // Hard links: the prune removes links in the copy, never the checkout's files.
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules')]);
    // What an admin does: build with the dev dependencies, then drop them.
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: dir, stdio: 'ignore' });
    execFileSync(
      'npm',
      ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: dir, stdio: 'ignore' },
    );
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts with scripts/start, serves and is ready', async () => {
    assert.ok(!existsSync(path.join(dir, 'node_modules/tsx')), 'tsx was pruned');
    assert.ok(!existsSync(path.join(dir, 'node_modules/typescript')), 'typescript was pruned');
    const config = path.join(dir, 'test-config.json');
    writeFileSync(
      config,
      JSON.stringify({ port: 0, host: '127.0.0.1', data_dir: path.join(dir, 'data') }),
    );
    const child = spawn(path.join(dir, 'scripts/start'), {
      cwd: dir,
      env: { ...process.env, PANTHR_CONFIG: config },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    try {
      assert.ok(
        await waitUntil(
          () => /"url":"http:\/\/[^"]+"/.test(out) || child.exitCode !== null,
          60_000,
        ),
        `the server did not start: ${out}`,
      );
      const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      assert.ok(url, `the server exited: ${out}`);
      // `exec`: the process scripts/start made is the server's own, running the compiled file.
      const cmdline = execFileSync('ps', ['-o', 'args=', '-p', String(child.pid)], {
        encoding: 'utf8',
      });
      assert.match(cmdline, /dist\/server\/main\.js/);
      assert.doesNotMatch(cmdline, /tsx/);
      assert.equal((await fetch(`${url}/ready`)).status, 200);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script/);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    assert.equal(child.exitCode, 0, out);
  });
});
