/**
 * `r.interrupt_grace`: a computation past `compute_timeout` that ignores SIGINT (C code
 * with no interrupt checkpoint; here POSIX system(), which ignores SIGINT while its child
 * runs) is killed after the configured grace, not a fixed 10 s, and the user gets a fresh
 * R session with the workspace intact.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { extensionTest, oneColumn, TEST_EXTENSION } from '../fixtures/test-extension.ts';
import { connect, createUser, type TestClient } from '../fixtures/users.ts';
import { alive, waitUntil } from '../fixtures/r-process-check.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/r');

describe('compute: the interrupt grace is r.interrupt_grace', function () {
  this.timeout(60_000);
  let ts: TestServer;
  let client: TestClient | undefined;

  before(async () => {
    ts = await startTestServer({
      extensions: {
        testing: TEST_EXTENSION,
        deaf: path.join(FIXTURES, 'deaf-extension.R'),
      },
      compute_timeout: 1,
      r: { warm_sessions: 1, session_memory_mb: null, interrupt_grace: 0.5 },
    });
  });
  after(async () => {
    client?.close();
    await ts?.stop();
  });

  it('kills a session deaf to SIGINT after compute_timeout + grace, then serves a fresh one', async () => {
    const user = await createUser(ts, 'grace');
    client = await connect(ts, user.cookie);
    await client.request([oneColumn]);
    const [pidObj] = await client.request([extensionTest('pid1', 'pid')]);
    const pid = (pidObj as { result: { pid: number } }).result.pid;

    const started = Date.now();
    const [deaf] = await client.request([extensionTest('deaf1', 'deaf', { seconds: 20 })], 20_000);
    const elapsed = Date.now() - started;
    assert.equal(deaf?.code, 'timeout', JSON.stringify(deaf));
    assert.equal(deaf?.name, 'deaf1');
    // 1 s compute_timeout + 0.5 s grace, plus slack: far below the old fixed 10 s grace.
    assert.ok(elapsed >= 1000, `answered after ${elapsed} ms, before compute_timeout`);
    assert.ok(elapsed < 5000, `answered after ${elapsed} ms`);
    assert.ok(await waitUntil(() => !alive(pid), 5000), 'the deaf R session was killed');

    const [pidAgain] = await client.request([extensionTest('pid2', 'pid')]);
    const fresh = (pidAgain as { result?: { pid: number } }).result?.pid;
    assert.equal(typeof fresh, 'number', JSON.stringify(pidAgain));
    assert.notEqual(fresh, pid, 'a fresh R session, with the dataset reloaded');
  });
});
