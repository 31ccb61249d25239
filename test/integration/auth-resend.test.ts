/** POST /verify/resend: a fresh link for an unverified account, replacing the old one. */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { createUser, verificationLink } from '../fixtures/users.ts';
import { assertError, assertMailsNothing, call } from './auth-http.helpers.ts';

describe('accounts: resend the verification mail', function () {
  this.timeout(60_000);
  const ts = useTestServer();

  it('mails a new link that works, and the old link no longer does', async () => {
    const email = `resend.${process.pid}@example.org`;
    assert.equal(
      (await call(ts, 'POST', '/register', { email, password: 'correct horse battery staple' }))
        .status,
      201,
    );
    const first = await verificationLink(ts, email);
    ts.smtp.inbox.length = 0;
    const res = await call(ts, 'POST', '/verify/resend', { email: email.toUpperCase() });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { email });
    const second = await verificationLink(ts, email);
    assert.notEqual(second, first);
    const local = (link: string): string => link.replace(/^https?:\/\/[^/]+/, ts.url);
    assert.equal((await fetch(local(first))).status, 400);
    assert.equal((await fetch(local(second))).status, 200);
  });

  it('keeps the earlier link working when the mail server refuses the new one', async () => {
    const email = `resend-down.${process.pid}@example.org`;
    assert.equal(
      (await call(ts, 'POST', '/register', { email, password: 'correct horse battery staple' }))
        .status,
      201,
    );
    const first = await verificationLink(ts, email);
    ts.smtp.refuse(true);
    try {
      assertError(await call(ts, 'POST', '/verify/resend', { email }), 500, 'internal');
    } finally {
      ts.smtp.refuse(false);
    }
    assert.equal((await fetch(first.replace(/^https?:\/\/[^/]+/, ts.url))).status, 200);
  });

  it('answers the same for unknown and verified addresses, sending nothing', async () => {
    const verified = await createUser(ts, 'resend');
    await assertMailsNothing(ts, '/verify/resend', ['nobody@example.org', verified.email]);
  });

  it('refuses a malformed address or body with the error body', async () => {
    const bad = await call(ts, 'POST', '/verify/resend', { email: 'not an address' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error, 'invalid_email');
    const extra = await call(ts, 'POST', '/verify/resend', { email: 'a@example.org', admin: true });
    assert.equal(extra.status, 400);
  });
});
