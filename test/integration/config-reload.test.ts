/**
 * SIGHUP re-reads panthr_config.json in the real server process: live keys apply at once
 * (the same process keeps serving), keys that need a restart are named in one log line and
 * keep their running value, and an invalid file changes nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '../fixtures/r-process-check.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('configuration reload (SIGHUP)', function () {
  this.timeout(90_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-reload-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies live keys, names the others, and ignores an invalid file', async () => {
    const file = path.join(dir, 'config.json');
    const base = {
      port: 0,
      host: '127.0.0.1',
      data_dir: path.join(dir, 'data'),
      r: { warm_sessions: 1 },
    };
    writeFileSync(file, JSON.stringify({ ...base, name: 'Before', max_users: 5, timeout: 600 }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PANTHR_CONFIG: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    try {
      assert.ok(await waitUntil(() => /"url":"http/.test(out) || child.exitCode !== null, 60_000));
      const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      assert.ok(url, out);
      const status = async (): Promise<Record<string, unknown>> =>
        (await (await fetch(`${url}/status`)).json()) as Record<string, unknown>;
      assert.equal((await status())['name'], 'Before');

      writeFileSync(
        file,
        JSON.stringify({
          ...base,
          port: 1,
          name: 'After',
          max_users: 1,
          timeout: 30,
          allow_full_r: true,
        }),
      );
      child.kill('SIGHUP');
      assert.ok(
        await waitUntil(() => /configuration keys that need a restart/.test(out), 10_000),
        out,
      );
      const now = await status();
      assert.equal(now['name'], 'After');
      assert.equal(now['max_users'], 1);
      assert.equal(now['timeout'], 30);
      assert.match(out, /need a restart: port, allow_full_r/);

      writeFileSync(file, '{"name": "Broken", ');
      child.kill('SIGHUP');
      assert.ok(await waitUntil(() => /configuration not reloaded/.test(out), 10_000), out);
      assert.equal((await status())['name'], 'After', 'an invalid file changes nothing');
      assert.equal(child.exitCode, null, 'the server keeps running');
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });
});
