/**
 * R never runs as root: when the tests run as root (as the README's commands run the
 * server), the Rserve parent and every forked session run as `r.user` (panthr-r, made by
 * scripts/setup), without root's groups and unable to gain privileges; the private temp
 * directory and the session workdirs belong to that user, each session's memory is still
 * capped, and graphics still work. Read
 * from /proc, independently of the supervisor's own code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { groupProcesses } from '../fixtures/r-process-check.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient } from '../fixtures/users.ts';

const WHOAMI = path.resolve(import.meta.dirname, '../fixtures/r/whoami-extension.R');
const R_USER = 'panthr-r';

/** Real, effective, saved and filesystem ids, supplementary groups, no_new_privs. */
function credentials(pid: number): { uids: number[]; gids: number[]; groups: string; nnp: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const field = (name: string): string =>
    new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '?';
  return {
    uids: field('Uid').split(/\s+/).map(Number),
    gids: field('Gid').split(/\s+/).map(Number),
    groups: field('Groups'),
    nnp: field('NoNewPrivs'),
  };
}

const dataset = {
  type: 'dataset',
  name: 'd',
  variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2, 3, 4, 5, 6] }],
};

describe('R runs as its own unprivileged user when the server is root', function () {
  this.timeout(90_000);
  let ts: TestServer;
  let client: TestClient | undefined;
  let uid: number;
  let gid: number;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    uid = Number(execFileSync('id', ['-u', R_USER], { encoding: 'utf8' }));
    gid = Number(execFileSync('id', ['-g', R_USER], { encoding: 'utf8' }));
    ts = await startTestServer({
      extensions: { whoami: WHOAMI },
      r: { warm_sessions: 2, session_memory_mb: 4096, user: R_USER },
    });
  });
  after(async () => {
    client?.close();
    await ts?.stop();
  });

  it('runs the Rserve parent and every session as panthr-r, without groups or new privileges', async () => {
    const user = await createUser(ts, 'ruser');
    client = await connect(ts, user.cookie);
    await client.request([dataset]);
    const [who] = await client.request([
      { type: 'test', name: 'who', test: 'whoami', dataset: 'd', variables: ['x'], options: {} },
    ]);
    const r = (who as { result?: Record<string, unknown> }).result;
    assert.ok(r, JSON.stringify(who));
    assert.equal(r.user, R_USER);

    const pgid = ts.server.r.supervisor.server?.pgid ?? 0;
    assert.ok(pgid > 1);
    const rProcesses = groupProcesses(pgid).filter((p) => /^\S*\/Rserve /.test(p.cmdline));
    const parent = rProcesses.filter((p) => p.ppid === pgid);
    const sessions = rProcesses.filter((p) => p.ppid !== pgid);
    assert.equal(parent.length, 1, 'one Rserve parent');
    // Two warm sessions and the leased one: every R process of the group is checked.
    assert.ok(sessions.length >= 3, `${sessions.length} sessions`);
    assert.ok(rProcesses.some((p) => p.pid === r.pid));
    for (const p of rProcesses) {
      const c = credentials(p.pid);
      assert.deepEqual(c.uids, [uid, uid, uid, uid], `uids of ${p.pid}`);
      assert.deepEqual(c.gids, [gid, gid, gid, gid], `gids of ${p.pid}`);
      assert.equal(c.groups, '', `no supplementary groups for ${p.pid}`);
      assert.equal(c.nnp, '1', `no_new_privs for ${p.pid}`);
    }
    // prlimit still caps each session (run as R's user: root may lack CAP_SYS_RESOURCE).
    for (const p of sessions) {
      const limits = readFileSync(`/proc/${p.pid}/limits`, 'latin1');
      assert.match(limits, new RegExp(`Max address space\\s+${4096 * 1024 * 1024}\\s`));
    }
  });

  it("gives the session a private tempdir and workdir of R's user, and draws graphs", async () => {
    assert.ok(client);
    const [who] = await client.request([
      { type: 'test', name: 'who2', test: 'whoami', dataset: 'd', variables: ['x'], options: {} },
    ]);
    const r = (who as { result: Record<string, unknown> }).result;
    assert.equal(r.tempdir_uid, uid);
    assert.equal(r.workdir_uid, uid);
    assert.equal(r.tempfile_written, true);
    const workdir = String(r.workdir);
    assert.ok(String(r.tempdir).startsWith(`${workdir}/`), 'the tempdir lies in its own workdir');
    assert.match(workdir, /\/conn\d+$/);

    const [graph] = await client.request([
      { type: 'graph', name: 'h', graphType: 'hist', dataset: 'd', variables: ['x'] },
    ]);
    const result = (graph as { result?: { mime: string; data: string } }).result;
    assert.equal(result?.mime, 'image/svg+xml', JSON.stringify(graph).slice(0, 300));
    assert.match(result?.data ?? '', /<svg/);
  });
});

describe('R user: clear refusals at start', function () {
  this.timeout(60_000);
  before(function () {
    if (process.getuid?.() !== 0) this.skip();
  });

  it('refuses to start when r.user does not exist, naming it and scripts/setup', async () => {
    await assert.rejects(
      startTestServer({ r: { warm_sessions: 1, session_memory_mb: null, user: 'panthr-none' } }),
      /the R user panthr-none does not exist.*scripts\/setup/,
    );
  });

  it('names an extension that R, as its own user, cannot read', async () => {
    // mkdtemp makes a 0700 folder of root's: panthr-r cannot reach the file in it.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-private-ext-'));
    const file = path.join(dir, 'whoami.R');
    copyFileSync(WHOAMI, file);
    try {
      await assert.rejects(
        startTestServer({
          extensions: { hidden: file },
          r: { warm_sessions: 1, session_memory_mb: null, user: R_USER },
        }),
        (err: Error) => err.message.includes(file) && err.message.includes(`R runs as ${R_USER}`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
