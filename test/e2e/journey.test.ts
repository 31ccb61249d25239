// The analyst's day in a real browser (Debian's chromium through playwright-core) against
// the whole server (real R, real store, real SMTP): register, read the mail, verify (and
// the page a used link shows), log in, import a CSV, descriptives, a t-test, a histogram, a
// preference change that changes the next graph, reload, the remember cookie in a fresh browser, log out, log in again.
// Screenshots go to test/e2e/screenshots/ for a human to look at.
import assert from 'node:assert/strict';
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
} from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots');
const EMAIL = 'ana.lyst@example.org';
const PASSWORD = 'correct horse battery staple';

/** 40 rows: a nominal group with two levels, a score that differs by group, an age. */
function csv(): string {
  const lines = ['group,score,age'];
  for (let i = 0; i < 40; i++)
    lines.push(
      `${i % 2 ? 'B' : 'A'},${(50 + (i % 2) * 6 + ((i * 7) % 11)).toFixed(1)},${20 + (i % 17)}`,
    );
  return `${lines.join('\n')}\n`;
}

/** Every console error and page error: the journey expects none. */
function watchConsole(page: Page, errors: string[]): void {
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
}

async function logIn(page: Page, remember: boolean, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (remember) await page.getByLabel('Keep me logged in').check();
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.corner .dot.connected').waitFor();
}

async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.locator('details.menu > summary', { hasText: top }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

describe('browser journey', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const shot = (name: string, p: Page = page) =>
    p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  before(async function () {
    prepareBrowserTest();
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    watchConsole(page, errors);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('registers, verifies by mail and logs in', async () => {
    await page.goto(server.url);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await shot('01-register');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await shot('02-check-mail');
    const mail = await server.smtp.waitForMail(EMAIL);
    const link = /https?:\/\/\S+\/verify\?token=[^\s"'<>]+/.exec(
      `${mail.text ?? ''} ${String(mail.html ?? '')}`,
    )?.[0];
    assert.ok(link, 'the mail holds a verification link');
    const verify = link.replace(/&amp;/g, '&');
    await page.goto(verify);
    await page.getByRole('heading', { name: 'Email address confirmed' }).waitFor();
    // The product's own look: the client's stylesheet styles the card and its button.
    const card = page.locator('main.auth-card');
    assert.equal(
      await card.evaluate((el) => getComputedStyle(el).backgroundColor),
      'rgb(255, 255, 255)',
    );
    await shot('02b-verified');
    // The same link again: a page saying so, with the API's 400, and a way on.
    const again = await page.goto(verify);
    assert.equal(again?.status(), 400);
    await page.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    assert.doesNotMatch((await page.textContent('body')) ?? '', /invalid_token|"error"/);
    await shot('02c-link-used');
    // Chromium logs the 400 of that page as a console error: the one expected here.
    const expected = errors.findIndex((e) => e.includes('status of 400') && e.includes('/verify?'));
    assert.ok(expected >= 0);
    errors.splice(expected, 1);
    await page.getByRole('link', { name: 'Go to log in' }).click();
    await logIn(page, true);
    assert.equal(await page.locator('.corner .who').textContent(), EMAIL);
  });

  it('imports a CSV file and shows it as a spreadsheet', async () => {
    await menu(page, 'Data', 'Import data…');
    await page
      .getByLabel('Data file', { exact: true })
      .setInputFiles({ name: 'scores.csv', mimeType: 'text/csv', buffer: Buffer.from(csv()) });
    await page.getByText('40 rows, 3 columns.').waitFor();
    assert.equal(await page.getByLabel('Dataset name').inputValue(), 'scores');
    await shot('03-import-preview');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
    assert.match((await page.locator('.breadcrumbs').textContent()) ?? '', /scores/);
    await shot('04-dataset');
  });

  it('shows a variable with its summary and graph, and makes a new one from a formula', async () => {
    await page.locator('.grid .var-name', { hasText: 'score' }).click();
    await page.locator('.variable-view .var-type', { hasText: 'continuous' }).waitFor();
    await page.locator('.variable-view table.result th', { hasText: 'mean' }).waitFor();
    await page.locator('.variable-view img.graph').waitFor();
    await shot('05-variable');
    await page.locator('.breadcrumbs a', { hasText: 'scores' }).click();
    await page.getByRole('button', { name: 'New variable' }).click();
    await page.getByLabel('Variable name').fill('logscore');
    await page.getByLabel('Formula', { exact: true }).fill('log(score');
    await page.locator('.formula-error', { hasText: 'not closed' }).waitFor();
    assert.equal(await page.locator('.formula-view .tok-error').first().textContent(), '(');
    await shot('06-formula-error');
    await page.getByLabel('Formula', { exact: true }).fill('log(score)');
    await page.getByRole('button', { name: 'Create variable' }).click();
    await page.locator('.grid .var-name', { hasText: 'logscore' }).waitFor();
  });

  it('runs descriptives, a t-test and a histogram', async () => {
    await menu(page, 'Analyze', 'Descriptives…');
    // Nothing is chosen for the analyst: Run first says what is missing.
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByText('Choose a variable for "Variables".').waitFor();
    await page.getByLabel('Variables').selectOption(['score', 'age']);
    await page.getByRole('button', { name: 'Run' }).click();
    const desc = page.locator('article.output.report').first();
    await desc.locator('th', { hasText: 'median' }).waitFor();

    await menu(page, 'Analyze', 't-test…');
    await page.getByLabel('Variable').selectOption('score');
    await page.getByLabel('Group (two levels)').selectOption('group');
    await page.getByRole('button', { name: 'Run' }).click();
    const test = page.locator('article.output.test').first();
    await test.getByText('p-value').waitFor();

    await menu(page, 'Graph', 'Histogram…');
    await page.getByLabel('Variable', { exact: true }).selectOption('score');
    await page.getByRole('button', { name: 'Run' }).click();
    const img = page.locator('article.output.graph img.graph').first();
    await img.waitFor();
    await page.waitForFunction(() => {
      const i = document.querySelector<HTMLImageElement>('article.output.graph img.graph');
      return i !== null && i.complete && i.naturalWidth > 0;
    });
    await shot('07-outputs');
  });

  it('changes a preference and the next graph follows it', async () => {
    await menu(page, 'Settings', 'Preferences…');
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && r.url().includes('/api/v1/preferences/') && r.ok(),
    );
    await page.getByLabel('Background color').fill('#ffeecc');
    await saved;
    // A value out of range is said, and the last good one is kept.
    // Typed key by key: "5" is in range on the way to "50"; the value before the edit stays.
    const size = page.getByLabel('Text size');
    await size.fill('');
    await size.pressSequentially('50');
    await page.getByText('Enter a number from 0.1 to 10; if you leave it so, 1 is kept.').waitFor();
    await shot('08-preferences');
    await size.press('Tab');
    await page.getByText('50 is not a number from 0.1 to 10: 1 was kept.').waitFor();
    assert.equal(await size.inputValue(), '1');
    await page.getByRole('button', { name: 'Close' }).click();
    await menu(page, 'Graph', 'Histogram…');
    await page.getByLabel('Variable', { exact: true }).selectOption('score');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.locator('article.output.graph[data-name="hist2"] img.graph').waitFor();
    const download = page.waitForEvent('download');
    await page
      .locator('article.output.graph[data-name="hist2"]')
      .getByRole('button', { name: 'Export SVG' })
      .click();
    const file = await (await download).path();
    assert.match(readFileSync(file, 'utf8').toLowerCase(), /#ffeecc/);
  });

  it('comes back where it was after a reload', async () => {
    await page.reload();
    await page.locator('.corner .dot.connected').waitFor();
    await page.locator('article.output.graph[data-name="hist2"] img.graph').waitFor();
    assert.equal(await page.locator('article.output').count(), 4);
    await page.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
    await shot('09-after-reload');
    // The preference change was stored and is read back.
    await menu(page, 'Settings', 'Preferences…');
    assert.equal(await page.getByLabel('Background color').inputValue(), '#ffeecc');
    // A new set under a taken name is refused next to the name field; nothing is overwritten.
    const dialog = page.getByRole('dialog');
    const setName = dialog.getByLabel('Name for a new set, or a new name for this one');
    await setName.fill('default');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByText('A preference set called "default" already exists.').waitFor();
    assert.equal(await setName.inputValue(), 'default');
    assert.equal(await page.getByLabel('Background color').inputValue(), '#ffeecc');
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('logs in from the remember cookie alone in a fresh browser', async () => {
    const remember = (await context.cookies()).filter((c) => c.name.includes('remember'));
    assert.equal(remember.length, 1, 'a keep-me-logged-in cookie was set');
    const fresh = await browser.newContext({ viewport: { width: 820, height: 1180 } });
    await fresh.addCookies(remember);
    const tablet = await fresh.newPage();
    watchConsole(tablet, errors);
    await tablet.goto(server.url);
    await tablet.locator('.corner .dot.connected').waitFor();
    await tablet.locator('article.output.graph img.graph').first().waitFor();
    await shot('10-tablet-remembered', tablet);
    await fresh.close();
  });

  it('creates a workspace, switches to it and back', async () => {
    await menu(page, 'Settings', 'Workspaces…');
    await page.getByLabel('New workspace').fill('Second');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByLabel('Name of workspace Second').waitFor();
    await shot('11-workspaces');
    await page
      .locator('.ws-list li', { has: page.getByLabel('Name of workspace Second') })
      .getByRole('button', { name: 'Open' })
      .click();
    await page.locator('.breadcrumbs', { hasText: 'Second' }).waitFor();
    await page.getByText('This workspace has no dataset yet.').waitFor();
    await menu(page, 'Settings', 'Workspaces…');
    await page
      .locator('.ws-list li', { has: page.getByLabel('Name of workspace Workspace 1') })
      .getByRole('button', { name: 'Open' })
      .click();
    await page.locator('.breadcrumbs', { hasText: 'scores' }).waitFor();
    await page.locator('article.output.graph img.graph').first().waitFor();
  });

  it('logs out and logs in again', async () => {
    await page.locator('.corner > summary').click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await shot('12-logged-out');
    await logIn(page, false);
    await page.locator('article.output.graph img.graph').first().waitFor();
    assert.deepEqual(errors, []);
  });

  it('resets a forgotten password through the mailed link', async () => {
    await page.locator('.corner > summary').click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(EMAIL);
    server.smtp.inbox.length = 0; // the verification mail went to the same address
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('status').filter({ hasText: 'is on its way' }).waitFor();
    const mail = await server.smtp.waitForMail(EMAIL);
    const link = /https?:\/\/\S+\/#\/reset\/[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
    assert.ok(link, 'the mail holds a reset link');
    await page.goto(link);
    await page.getByLabel('New password').fill('another long passphrase');
    // The password is asked twice; two that differ are refused in the page.
    await page.getByLabel('Repeat the password').fill('another long passphrasf');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.locator('.field-error', { hasText: 'The two passwords differ' }).waitFor();
    await shot('13-new-password-differs');
    await page.getByLabel('Repeat the password').fill('another long passphrase');
    await shot('13-new-password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.locator('.notice', { hasText: 'Your password is changed' }).waitFor();
    assert.ok(!page.url().includes('reset'), 'the token left the address bar');
    await logIn(page, false, 'another long passphrase');
    await page.locator('article.output.graph img.graph').first().waitFor();
    assert.deepEqual(errors, []);
  });

  it('changes the password from the account menu', async () => {
    await page.locator('.corner > summary').click();
    await page.getByRole('button', { name: 'Change password…' }).click();
    await page.getByLabel('Current password').fill('another long passphrase');
    await page.getByLabel('New password').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.locator('.toast', { hasText: 'Your password is changed' }).waitFor();
    await page.locator('.corner .dot.connected').waitFor();
    await page.locator('.corner > summary').click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn(page, false, 'yet another passphrase');
    assert.deepEqual(errors, []);
  });

  it('imports a CSV file over 8 MB in parts and shows all of it', async () => {
    const rows = 400_000;
    const lines = ['id,x,g'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${(i % 997) / 7},${i % 3 === 0 ? 'a' : 'b'}`);
    const text = lines.join('\n');
    assert.ok(text.length > 8 * 2 ** 20, 'large enough to go up in parts');
    await menu(page, 'Data', 'Import data…');
    await page
      .getByLabel('Data file', { exact: true })
      .setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    await page.waitForFunction(
      () =>
        !(document.querySelector('form.dialog-form button.primary') as HTMLButtonElement).disabled,
    );
    await importButton.click();
    await page.locator(`.grid[aria-rowcount="${rows + 1}"]`).waitFor({ timeout: 120_000 });
    assert.match((await page.locator('.breadcrumbs').textContent()) ?? '', /big/);
    assert.deepEqual(errors, []);
  });
});
