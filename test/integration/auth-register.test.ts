/**
 * Registration and email verification over real HTTP (API.md §1), with mail received by a
 * real SMTP server, the outbox mode, and real user_validation scripts.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { PER_ADDRESS } from '../../server/auth/rate-limits.ts';
import { sha256 } from '../../server/auth/tokens.ts';
import { EMBEDDED_FILE } from '../../server/store/index.ts';
import { startTestServer, useTestServer, type TestServer } from '../fixtures/server.ts';
import { verificationLink } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

const PASSWORD = 'correct horse battery staple';

const register = (ts: TestServer, email: unknown, password: unknown = PASSWORD) =>
  call(ts, 'POST', '/register', { email, password });

describe('accounts: register and verify (HTTP, SMTP)', function () {
  const ts = useTestServer();

  it('registers (201), mails a single-use link, and the link verifies (200 page)', async () => {
    const r = await register(ts, '  Grace.Hopper@Example.ORG ');
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body, { email: 'grace.hopper@example.org', verified: false });
    const user = await ts.server.store.accounts.findByEmail('grace.hopper@example.org');
    assert.ok(user !== null);
    assert.match(user.passwordHash, /^\$argon2id\$/);
    assert.equal(user.verified, false);
    const ws = await ts.server.store.workspaces.byId(user.currentWorkspace);
    assert.equal(ws?.name, 'Workspace 1');

    const unverified = await call(ts, 'POST', '/login', {
      email: 'grace.hopper@example.org',
      password: PASSWORD,
    });
    assertError(unverified, 401, 'unverified');
    assert.equal(unverified.headers.get('www-authenticate'), null);

    const link = await verificationLink(ts, 'grace.hopper@example.org');
    assert.ok(link.startsWith(`${ts.url}/verify?token=`), link);
    const token = new URL(link).searchParams.get('token') ?? '';
    // Only the hash of the token is stored.
    assert.equal(await ts.server.store.tokens.findLinkToken('verify', token), null);
    assert.notEqual(await ts.server.store.tokens.findLinkToken('verify', sha256(token)), null);

    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /href="\/"/);
    assert.equal((await ts.server.store.accounts.findById(user._id))?.verified, true);

    assertError(
      await call(ts, 'GET', new URL(link).pathname + new URL(link).search),
      400,
      'invalid_token',
    );
    const login = await call(ts, 'POST', '/login', {
      email: 'GRACE.hopper@example.org',
      password: PASSWORD,
    });
    assert.equal(login.status, 200, login.text);
    assert.deepEqual(login.body, {
      email: 'grace.hopper@example.org',
      workspace: { id: ws?._id, name: 'Workspace 1' },
    });
  });

  it('409 email_taken for an address already registered, whatever its case', async () => {
    assert.equal((await register(ts, 'taken@example.org')).status, 201);
    const before = await ts.server.store.accounts.countAccounts();
    assertError(await register(ts, ' TAKEN@example.org'), 409, 'email_taken');
    assert.equal(await ts.server.store.accounts.countAccounts(), before);
    assert.notEqual(await ts.server.store.accounts.findByEmail('taken@example.org'), null);
  });

  it('frees an address whose unverified account outlived its link', async () => {
    assert.equal((await register(ts, 'stale@example.org')).status, 201);
    const old = new Date(Date.now() - 25 * 3600 * 1000);
    // Registered 25 hours ago: the same account, stored again with an older date.
    const { accounts } = ts.server.store;
    const stale = await accounts.findByEmail('stale@example.org');
    assert.ok(stale !== null);
    await accounts.deleteUser(stale._id);
    await accounts.createUser({ ...stale, createdAt: old });
    const again = await register(ts, 'stale@example.org', 'another good passphrase');
    assert.equal(again.status, 201, again.text);
    assert.notEqual((await accounts.findByEmail('stale@example.org'))?._id, stale._id);
  });

  it('422 invalid_email and weak_password, and nothing is stored', async () => {
    const before = await ts.server.store.accounts.countAccounts();
    assertError(await register(ts, 'not an address'), 422, 'invalid_email');
    assertError(await register(ts, 'x@example.org\r\nBcc: all@example.org'), 422, 'invalid_email');
    assertError(await register(ts, 'weak@example.org', 'password123'), 422, 'weak_password');
    assertError(await register(ts, 'weak@example.org', 'short'), 422, 'weak_password');
    assertError(await register(ts, 'weak@example.org', 12345678901234), 422, 'weak_password');
    assert.equal(await ts.server.store.accounts.countAccounts(), before);
  });

  it('400 for malformed JSON, a non-object, unknown fields; 413 for a huge body', async () => {
    const before = await ts.server.store.accounts.countAccounts();
    assertError(
      await call(ts, 'POST', '/register', '{"email": "a@b.org", "password": '),
      400,
      'bad_request',
    );
    assertError(await call(ts, 'POST', '/register', '["a@b.org"]'), 400, 'bad_request');
    assertError(await call(ts, 'POST', '/register', 'null'), 400, 'bad_request');
    assertError(
      await call(ts, 'POST', '/register', {
        email: 'u@example.org',
        password: PASSWORD,
        admin: true,
      }),
      400,
      'bad_request',
    );
    assertError(
      await call(ts, 'POST', '/register', 'email=a@b.org', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      400,
      'bad_request',
    );
    const huge = await call(ts, 'POST', '/register', {
      email: 'h@example.org',
      password: 'x'.repeat(2_000_000),
    });
    assertError(huge, 413, 'payload_too_large');
    assert.equal(await ts.server.store.accounts.countAccounts(), before);
  });

  it('survives hostile strings in every field with a 4xx error body', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      "'; DROP TABLE users; --",
      '{"$gt": ""}',
      '\u0000\u0001',
      '../../etc/passwd',
      '\u202Egnp.exe',
      '💥'.repeat(300),
      'a'.repeat(10_000),
      '${process.exit()}',
      '%00%0d%0a',
    ];
    for (const s of hostile) {
      const r = await register(ts, s, s);
      assert.ok(r.status >= 400 && r.status < 500, `${r.status} for ${s.slice(0, 20)}`);
      assert.equal(typeof r.body.error, 'string');
    }
    // Query operators where strings belong never reach the store as queries.
    assertError(await register(ts, { $gt: '' }, { $ne: null }), 422, 'invalid_email');
    const l = await call(ts, 'POST', '/login', { email: { $gt: '' }, password: { $ne: null } });
    assertError(l, 401, 'bad_credentials');
    assert.equal((await call(ts, 'GET', '/status')).status, 200);
  });

  it('counts only registrations that mail the address against it (5 an hour): a refused one is answered as such', async () => {
    const away = { 'x-forwarded-for': '203.0.113.41' };
    const again = (email: string, password = PASSWORD) =>
      call(ts, 'POST', '/register', { email, password }, away);
    assert.equal((await again('limit@example.org')).status, 201);
    for (let i = 0; i < 6; i++) assertError(await again('LIMIT@example.org'), 409, 'email_taken');
    for (let i = 0; i < 6; i++)
      assertError(await again('limit2@example.org', 'short'), 422, 'weak_password');
    assert.equal((await again('limit2@example.org')).status, 201);
  });

  it(`429 too_many_requests after ${PER_ADDRESS.verify} verification attempts from one address, not for a local client (last: it uses them up)`, async () => {
    // This machine's own requests naming no other client are not limited per address...
    for (let i = 0; i <= PER_ADDRESS.verify; i++)
      assertError(await call(ts, 'GET', `/verify?token=${'D'.repeat(43)}`), 400, 'invalid_token');
    // ...a proxy's, naming its client (counted as the proxy's address without trust_proxy), are.
    const proxied = { 'x-forwarded-for': '203.0.113.40' };
    let status = 0;
    for (let i = 0; i <= PER_ADDRESS.verify && status !== 429; i++) {
      status = (await call(ts, 'GET', `/verify?token=${'C'.repeat(43)}`, undefined, proxied))
        .status;
    }
    assertError(await call(ts, 'GET', '/verify', undefined, proxied), 429, 'too_many_requests');
  });
});

describe('accounts: mail without a mail server, and a failing one', function () {
  it('mail: null writes the mail to data_dir/outbox with a working link', async () => {
    const ts = await startTestServer({ mail: null });
    try {
      assert.equal((await register(ts, 'outbox@example.org')).status, 201);
      const outbox = path.join(ts.config.data_dir, 'outbox');
      const files = await readdir(outbox);
      assert.equal(files.length, 1);
      const mail = await simpleParser(await readFile(path.join(outbox, files[0] ?? '')));
      assert.match(JSON.stringify(mail.to), /outbox@example\.org/);
      assert.match(mail.text ?? '', /confirm/);
      const link = /http:\/\/\S+\/verify\?token=[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')?.[0];
      assert.ok(link !== undefined, mail.text);
      assert.equal((await fetch(link)).status, 200);
      assert.equal(ts.smtp.inbox.length, 0);
    } finally {
      await ts.stop();
    }
  });

  it('a mail server that refuses: 500 internal, and the account is not left half-made', async () => {
    const ts = await startTestServer({
      mail: { smtp_url: 'smtp://127.0.0.1:1', from: 'x <x@localhost>' },
    });
    try {
      assertError(await register(ts, 'nomail@example.org'), 500, 'internal');
      const { store } = ts.server;
      assert.equal(await store.accounts.countAccounts(), 0);
      assert.equal(await store.workspaces.count(), 0);
      // No repository method lists tokens nobody holds: count the embedded table itself.
      const db = new Database(path.join(ts.config.data_dir, EMBEDDED_FILE), { readonly: true });
      try {
        assert.equal(db.prepare('SELECT count(*) FROM verify_token').pluck().get(), 0);
      } finally {
        db.close();
      }
    } finally {
      await ts.stop();
    }
  });
});

describe('accounts: user_validation (real script)', function () {
  this.timeout(30_000);
  let ts: TestServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-uv-'));
    const script = path.join(dir, 'validate.sh');
    await writeFile(
      script,
      '#!/bin/sh\ncase "$1" in\n  *@allowed.org) echo 1 ;;\n  *@hang.org) sleep 60 ;;\n  *@fail.org) echo 1; exit 2 ;;\n  *) echo 0 ;;\nesac\n',
    );
    await chmod(script, 0o755);
    ts = await startTestServer({ user_validation: script });
  });
  after(async () => {
    await ts.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('allows what the script allows, refuses (403 not_allowed) the rest, the failing and the hanging', async () => {
    assert.equal((await register(ts, 'ok@allowed.org')).status, 201);
    const no = await register(ts, 'no@example.org');
    assertError(no, 403, 'not_allowed');
    assert.match(String(no.body.message), /does not accept accounts for this address/);
    // A script that fails or hangs refuses too, saying the address could not be checked.
    const broken = await register(ts, 'broken@fail.org');
    assertError(broken, 403, 'not_allowed');
    assert.match(String(broken.body.message), /could not check the address just now/);
    assertError(await register(ts, 'slow@hang.org'), 403, 'not_allowed'); // after the 5 s limit
    assert.equal(await ts.server.store.accounts.countAccounts(), 1);
    assert.notEqual(await ts.server.store.accounts.findByEmail('ok@allowed.org'), null);
  });
});
