/**
 * Every file the server writes in `data_dir` is readable by the service's user alone
 * (files 0600, folders 0700), with the usual process umask of 022: the SQLite database and
 * its -wal and -shm, blob files, the mail outbox, the session secret and the log. A
 * `data_dir` left readable by an older version is tightened at the next start.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../server/config/index.ts';
import { createLogger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): Map<string, { mode: number; isDir: boolean }> {
  const out = new Map<string, { mode: number; isDir: boolean }>();
  const walk = (p: string): void => {
    const st = statSync(p);
    out.set(path.relative(dir, p) || '.', { mode: st.mode & 0o777, isDir: st.isDirectory() });
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
  return out;
}

function assertPrivate(dir: string): Map<string, { mode: number; isDir: boolean }> {
  const all = modes(dir);
  for (const [p, { mode, isDir }] of all) {
    const want = isDir ? 0o700 : 0o600;
    assert.equal(mode.toString(8), want.toString(8), `${p} is ${mode.toString(8)}`);
  }
  return all;
}

describe('data_dir: files 0600, folders 0700, whatever the umask', function () {
  this.timeout(90_000);
  let umask: number;
  let dir: string;
  let server: RunningServer | undefined;

  const start = async (): Promise<RunningServer> => {
    const config = parseConfig({
      port: 0,
      host: '127.0.0.1',
      data_dir: dir,
      mail: null,
      log_level: 'warn',
      r: { warm_sessions: 1, session_memory_mb: null },
    });
    const log = createLogger({ level: 'warn', dir: path.join(dir, 'logs') });
    server = await startServer(config, log);
    return server;
  };

  before(() => {
    umask = process.umask(0o022);
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'panthr-modes-')), 'data');
  });
  after(async () => {
    await server?.stop();
    process.umask(umask);
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('writes the store, blobs, outbox, secret and log private', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'modes@example.org', password: 'a long enough passphrase' }),
    });
    assert.equal(res.status, 201, await res.text());
    const big = Buffer.from(Float64Array.from({ length: 20_000 }, (_, i) => i + 0.5).buffer);
    await s.store.workspaces.insertChunks([
      {
        _id: 'b',
        workspaceId: 'w',
        data: big,
        createdAt: new Date(),
      },
    ]);
    const all = assertPrivate(dir);
    for (const p of ['panthr.sqlite', 'panthr.sqlite-wal', 'panthr.sqlite-shm', 'session.secret']) {
      assert.ok(all.has(p), `${p} was written`);
    }
    for (const folder of ['blobs', 'outbox', 'logs']) {
      assert.ok(
        [...all.keys()].some((p) => p.startsWith(`${folder}/`)),
        `a file in ${folder}/`,
      );
    }
    await s.stop();
    server = undefined;
    assertPrivate(dir);
  });

  it('tightens a data_dir an older version left readable', async () => {
    // What older versions (or an umask of 022) left open; blob and outbox files and the
    // secret were always written 0600 in their 0700 folders.
    const loose: [string, number][] = [
      ['.', 0o755],
      ['panthr.sqlite', 0o644],
      ['blobs', 0o755],
      ['logs', 0o750],
      ['logs/panthr.log', 0o644],
    ];
    for (const [p, mode] of loose) chmodSync(path.join(dir, p), mode);
    await start();
    const all = assertPrivate(dir);
    assert.ok(all.has('panthr.sqlite-wal'));
  });
});
