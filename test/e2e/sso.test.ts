/**
 * Browser step of single sign-on: the login page's "Log in with NAME" button, the real
 * provider's own login page (oidc-provider's), and back in PanthR logged in.
 */
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { startProvider, type TestProvider } from '../fixtures/oidc.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

describe('browser: single sign-on through the provider login page', function () {
  this.timeout(180_000);
  let op: TestProvider;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    prepareBrowserTest();
    op = await startProvider({ ada: { email: 'ada@example.org', email_verified: true } });
    server = await startTestServer({
      oidc: {
        issuer: op.issuer,
        client_id: op.clientId,
        client_secret: op.clientSecret,
        name: 'Example SSO',
      },
    });
    op.register(`${server.url}/login/oidc/callback`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await op?.stop();
  });

  it('logs in with the button and the provider page', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: 'Log in with Example SSO' }).click();
    await page.locator('input[name="login"]').fill('ada');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${server.url}/**`);
    const me = await page.evaluate(async () => {
      const body = (await (await fetch('/api/v1/me')).json()) as { email: unknown };
      return body.email;
    });
    assert.equal(me, 'ada@example.org');
  });
});
