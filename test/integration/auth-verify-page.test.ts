/**
 * GET /verify as a browser sees it: the product's own page for a confirmed address and for
 * a used or expired link, with the API's 400 and its JSON error for clients that ask for
 * JSON (or send no Accept header). Real server, store and SMTP.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from '../../server/auth/tokens.ts';
import { pageRenderer } from '../../server/http/pages.ts';
import { useTestServer } from '../fixtures/server.ts';
import { verificationLink } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

/** What Chromium sends when it follows a link. */
const BROWSER = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
};

describe('GET /verify: styled pages for browsers, JSON errors for API clients', function () {
  this.timeout(30_000);
  const ts = useTestServer();

  async function linkFor(email: string): Promise<string> {
    const r = await call(ts, 'POST', '/register', { email, password: 'correct horse battery' });
    assert.equal(r.status, 201, r.text);
    return new URL(await verificationLink(ts, email)).search;
  }

  it('a used link: a page saying so with a way on (400), JSON for API clients', async () => {
    const query = await linkFor('page-used@example.org');
    const first = await call(ts, 'GET', `/verify${query}`, undefined, BROWSER);
    assert.equal(first.status, 200);
    assert.match(first.headers.get('content-type') ?? '', /text\/html/);
    assert.match(first.text, /<h1>Email address confirmed<\/h1>/);
    assert.match(first.text, /<a class="button primary" href="\/">Log in<\/a>/);

    const again = await call(ts, 'GET', `/verify${query}`, undefined, BROWSER);
    assert.equal(again.status, 400);
    assert.match(again.headers.get('content-type') ?? '', /text\/html/);
    assert.match(again.text, /<main class="auth-card page-card page-error">/);
    assert.match(again.text, /This link cannot be used/);
    assert.match(again.text, /href="\/">Go to log in</);
    assert.doesNotMatch(again.text, /"error"/);

    // The API's answer is unchanged for clients that ask for JSON or say nothing.
    assertError(await call(ts, 'GET', `/verify${query}`), 400, 'invalid_token');
    assertError(
      await call(ts, 'GET', `/verify${query}`, undefined, { accept: 'application/json' }),
      400,
      'invalid_token',
    );
    assertError(
      await call(ts, 'GET', `/verify${query}`, undefined, { accept: '*/*' }),
      400,
      'invalid_token',
    );
  });

  it('an expired link: its own page (400), expired_token for API clients', async () => {
    await linkFor('page-expired@example.org');
    const user = await ts.server.store.accounts.findByEmail('page-expired@example.org');
    assert.ok(user !== null);
    const token = 'E'.repeat(43);
    await ts.server.store.tokens.addLinkToken('verify', {
      _id: sha256(token),
      userId: user._id,
      expiresAt: new Date(Date.now() - 1000),
    });
    const page = await call(ts, 'GET', `/verify?token=${token}`, undefined, BROWSER);
    assert.equal(page.status, 400);
    assert.match(page.text, /This link has expired/);
    assert.match(page.text, /Send the link again/);
    assertError(await call(ts, 'GET', `/verify?token=${'F'.repeat(43)}`), 400, 'invalid_token');
  });

  it("links the built client's stylesheet, and escapes what it shows", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-pages-'));
    try {
      await writeFile(
        path.join(dir, 'index.html'),
        '<link rel="stylesheet" href="/assets/styles-AB12CD34.css">',
      );
      const html = await pageRenderer(dir)({
        title: 'A <b> & "c"',
        paragraphs: ['x < y'],
        links: [{ href: '/?a=1&b=2', text: 'On' }],
        tone: 'ok',
      });
      assert.match(html, /<link rel="stylesheet" href="\/assets\/styles-AB12CD34\.css">/);
      assert.match(html, /<h1>A &lt;b&gt; &amp; &quot;c&quot;<\/h1>/);
      assert.match(html, /<p>x &lt; y<\/p>/);
      assert.match(html, /href="\/\?a=1&amp;b=2"/);
      // Without a built client the page still works, unstyled.
      const bare = await pageRenderer(path.join(dir, 'missing'))({
        title: 't',
        paragraphs: [],
        links: [],
        tone: 'error',
      });
      assert.doesNotMatch(bare, /stylesheet/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
