/**
 * The deployment files in deploy/: the systemd unit passes `systemd-analyze verify`, and the
 * nginx site, run by Debian's nginx in front of a real server, carries a login, a
 * Socket.IO connection (WebSocket upgrade and long-polling) and a computation, with the
 * client's address forwarded (trust_proxy).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { io } from 'socket.io-client';
import { NGINX, startNginx, type TestNginx } from '../fixtures/nginx.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, cookiesOf, createUser, TestClient } from '../fixtures/users.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const execFileP = promisify(execFile);

describe('deploy/panthr.service', () => {
  it('passes systemd-analyze verify with no warning', async function () {
    this.timeout(30_000);
    const which = await execFileP('sh', ['-c', 'command -v systemd-analyze || true']);
    if (which.stdout.trim() === '') this.skip();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-unit-'));
    try {
      await copyFile(path.join(ROOT, 'deploy/panthr.service'), path.join(dir, 'panthr.service'));
      const { stderr } = await execFileP(
        'systemd-analyze',
        ['verify', '--man=no', 'panthr.service'],
        {
          cwd: dir,
        },
      );
      // Unknown keys and bad values are warnings (exit 0); a clean unit prints nothing.
      assert.equal(stderr.trim(), '');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/nginx.conf in front of the server', function () {
  this.timeout(60_000);
  const ts = useTestServer({ trust_proxy: 'loopback' });
  let nginx: TestNginx;

  before(async function () {
    if (NGINX === undefined) this.skip();
    const port = new URL(ts.url).port;
    nginx = await startNginx(path.join(ROOT, 'deploy/nginx.conf'), (text) =>
      text.replace(/server 127\.0\.0\.1:8080;/, `server 127.0.0.1:${port};`),
    );
  });
  after(async () => {
    await nginx?.stop();
  });

  it('logs in, connects over WebSocket and runs a request through nginx', async () => {
    const user = await createUser(ts, 'proxied');
    const login = await fetch(`${nginx.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: nginx.url },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const cookie = cookiesOf(login);
    const client = await connect({ ...ts, url: nginx.url }, cookie);
    try {
      const objects = await client.request([
        {
          type: 'command',
          name: 'd',
          command: 'read',
          format: 'csv',
          text: 'x\n1\n2\n4\n',
        },
        { type: 'report', name: 'r', reportType: 'descriptives', dataset: 'd', variables: ['x'] },
      ]);
      const report = objects.find((o) => o['name'] === 'r') as { result: { rows: unknown[][] } };
      assert.equal(report.result.rows[0]?.[3], 7 / 3, 'the mean of 1, 2, 4');
    } finally {
      client.close();
    }
  });

  it('carries Socket.IO long-polling too', async () => {
    const user = await createUser(ts, 'polling');
    const socket = io(nginx.url, {
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: user.cookie },
    });
    const client = new TestClient(socket);
    try {
      await client.until(() => client.received.length > 0, 20_000, 'the workspace');
      assert.equal(client.received[0]?.objects.length, 0, 'a new workspace is empty');
    } finally {
      client.close();
    }
  });

  it('forwards the client address: the rate limit counts it, not nginx', async () => {
    // Two different forwarded addresses each get their own login budget: if the server saw
    // only nginx's address, the failures of one would count against the other.
    const attempt = (ip: string): Promise<Response> =>
      fetch(`${nginx.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ email: `nobody-${ip}@example.org`, password: 'wrong password!' }),
      });
    let limited = 0;
    for (let i = 0; i < 40 && limited === 0; i++) {
      if ((await attempt('203.0.113.7')).status === 429) limited = i;
    }
    assert.ok(limited > 0, 'the per-address login limit applies through nginx');
    assert.equal((await attempt('198.51.100.9')).status, 401, 'another address is not limited');
  });
});
