// Trust after switches and restarts, in a real browser (Debian's chromium through
// playwright-core) against the whole server (real R, real store, real SMTP): two tabs of one
// user follow a workspace switch made in either; a tab whose workspace is slow to arrive
// says it is loading, never that it is empty; the server restarts (same port, same data) while a
// request is waiting, and the client reconnects by itself, sends it and shows its result;
// a session that did not survive brings the log-in screen back, unless a "keep me logged
// in" cookie logs the user in again.
// Screenshots go to test/e2e/screenshots/ for a human to look at.
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../server/auth/index.ts';
import { parseConfig, type Config } from '../../server/config/index.ts';
import { silentLogger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { startSmtp, type TestSmtp } from '../fixtures/smtp.ts';
import { createUser, type TestUser } from '../fixtures/users.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots');

const CSV = `g,y\n${Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'b' : 'a'},${(i * 7) % 13}`).join('\n')}\n`;

async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.locator('details.menu > summary', { hasText: top }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

async function openWorkspace(page: Page, name: string): Promise<void> {
  await menu(page, 'Settings', 'Workspaces…');
  await page
    .locator('.ws-list li', { has: page.getByLabel(`Name of workspace ${name}`) })
    .getByRole('button', { name: 'Open' })
    .click();
}

describe('browser: tabs, loading and restarts', function () {
  this.timeout(240_000);
  let dir: string;
  let smtp: TestSmtp;
  let config: Config;
  let running: RunningServer | undefined;
  let url: string;
  let user: TestUser;
  let browser: Browser;
  let context: BrowserContext;
  let tab1: Page;
  let tab2: Page;
  const errors: string[] = [];
  const shot = (name: string, p: Page) =>
    p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  /** Starts the server on `port` (0 the first time) with the same data directory. */
  async function start(port: number): Promise<void> {
    config = parseConfig({
      port,
      host: '127.0.0.1',
      data_dir: dir,
      mail: { smtp_url: smtp.url, from: 'PanthR test <panthr@localhost>' },
      log_level: 'warn',
      r: { warm_sessions: 1, session_memory_mb: null },
    });
    running = await startServer(config, silentLogger());
    url = running.url;
  }

  async function newTab(): Promise<Page> {
    const p = await context.newPage();
    p.setDefaultTimeout(20_000);
    p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    return p;
  }

  before(async function () {
    prepareBrowserTest();
    mkdirSync(SHOTS, { recursive: true });
    dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-e2e-'));
    smtp = await startSmtp();
    await start(0);
    const server = running as RunningServer;
    user = await createUser({ url, config, server, smtp, stop: () => server.stop() }, 'tabs');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [name, value] = user.cookie.split(';')[0]?.split('=') ?? [];
    await context.addCookies([{ name: name ?? '', value: value ?? '', url }]);
  });

  after(async () => {
    await browser?.close();
    await running?.stop();
    await smtp?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('a tab opened on a workspace with data says it is loading, never that it is empty', async () => {
    tab1 = await newTab();
    await tab1.goto(url);
    await tab1.locator('.corner .dot.connected').waitFor();
    await menu(tab1, 'Data', 'Import data…');
    await tab1
      .getByLabel('Data file', { exact: true })
      .setInputFiles({ name: 'tg.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await tab1.getByRole('button', { name: 'Import', exact: true }).click();
    await tab1.locator('.grid .row[aria-rowindex="2"]').first().waitFor();

    // The connection is held back for a while, as a large workspace holds the first `data`.
    tab2 = await newTab();
    let held = 0;
    await tab2.route(/\/socket\.io\//, async (route) => {
      held += 1;
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue().catch(() => undefined);
    });
    await tab2.goto(url);
    await tab2.locator('.loading-view', { hasText: 'still loading' }).waitFor();
    await menu(tab2, 'Analyze', 'Descriptives…');
    await tab2.locator('.toast', { hasText: 'still loading' }).waitFor();
    await shot('recovery-00-loading', tab2);
    assert.equal(await tab2.getByText('no dataset yet').count(), 0);
    assert.equal(await tab2.getByText('Import a dataset first').count(), 0);
    await tab2.unroute(/\/socket\.io\//);
    assert.ok(held > 0);
    await tab2.locator('.breadcrumbs', { hasText: 'tg' }).waitFor();
    await tab2.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
    assert.equal(await tab2.locator('.loading-view').count(), 0);
  });

  it('every tab follows a workspace switch made in another', async () => {
    await menu(tab1, 'Settings', 'Workspaces…');
    await tab1.getByLabel('New workspace').fill('Second');
    await tab1.getByRole('button', { name: 'Create', exact: true }).click();
    await tab1.getByLabel('Name of workspace Second').waitFor();
    await tab1
      .locator('.ws-list li', { has: tab1.getByLabel('Name of workspace Second') })
      .getByRole('button', { name: 'Open' })
      .click();
    // The other tab follows at once: new name, new (empty) data, no reload.
    for (const p of [tab1, tab2]) {
      await p.locator('.breadcrumbs', { hasText: 'Second' }).waitFor();
      await p.getByText('This workspace has no dataset yet.').waitFor();
    }
    await shot('recovery-01-tab2-followed-switch', tab2);
    // And back, from the second tab this time.
    await openWorkspace(tab2, 'Workspace 1');
    for (const p of [tab1, tab2]) {
      await p.locator('.breadcrumbs', { hasText: 'Workspace 1' }).waitFor();
      await p.locator('.breadcrumbs', { hasText: 'tg' }).waitFor();
    }
    await shot('recovery-02-tab1-followed-back', tab1);
    await tab2.close();
  });

  it('comes back by itself after a server restart and runs the request made meanwhile', async () => {
    const port = Number(new URL(url).port);
    await running?.stop();
    running = undefined;
    await tab1.locator('.corner .dot.reconnecting').waitFor();
    // A request made while the server is away waits, shown as computing.
    await menu(tab1, 'Analyze', 'Descriptives…');
    await tab1.getByLabel('Variables').selectOption(['y']);
    await tab1.getByRole('button', { name: 'Run' }).click();
    await tab1.locator('article.output.pending').waitFor();
    await shot('recovery-03-pending-while-down', tab1);
    await start(port);
    await tab1.locator('.corner .dot.connected').waitFor({ timeout: 60_000 });
    const report = tab1.locator('article.output.report');
    await report.locator('th', { hasText: 'median' }).waitFor({ timeout: 30_000 });
    assert.equal(await tab1.locator('article.output.pending').count(), 0);
    assert.equal(await tab1.locator('article.output.failed').count(), 0);
    await tab1.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
    await shot('recovery-04-back-after-restart', tab1);
    assert.deepEqual(errors, []);
  });

  it('shows the log-in screen when the session did not survive', async () => {
    const port = Number(new URL(url).port);
    await context.clearCookies();
    await running?.stop();
    running = undefined;
    await start(port);
    await tab1.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 60_000 });
    await tab1.locator('.notice', { hasText: 'Your session has ended' }).waitFor();
    await shot('recovery-05-session-gone', tab1);
  });

  it('with "Keep me logged in", comes back after a restart that lost the session', async () => {
    await tab1.getByLabel('Email').fill(user.email);
    await tab1.getByLabel('Password', { exact: true }).fill(user.password);
    await tab1.getByLabel('Keep me logged in').check();
    await tab1.getByRole('button', { name: 'Log in' }).click();
    await tab1.locator('.corner .dot.connected').waitFor();
    await context.clearCookies({ name: SESSION_COOKIE });
    const port = Number(new URL(url).port);
    await running?.stop();
    running = undefined;
    await start(port);
    await tab1.locator('.corner .dot.connected').waitFor({ timeout: 60_000 });
    await tab1.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
    assert.equal(await tab1.getByRole('button', { name: 'Log in' }).count(), 0);
    assert.deepEqual(errors, []);
  });
});
