// Issue 15 in a real browser (Debian's chromium through playwright-core) against the whole
// server: a workspace with a report, a test, a graph and a note; Export > HTML report opens
// the report in a new tab of the same browser, which loads nothing but the page itself;
// Export > Word report downloads a .docx; "Copy table" puts tab-separated text and HTML on
// the clipboard; a note is edited in place and shown as text; outputs are moved with the
// keyboard and by dragging, and the report follows. Screenshots go to /tmp/c15-shots.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser } from '../fixtures/users.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.join(import.meta.dirname, '..', '..');
const SHOTS = process.env.PANTHR_SHOTS ?? '/tmp/c15-shots';
const CSV = `g,y\n${Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'b' : 'a'},${(i * 7) % 13}.5`).join('\n')}\n`;

describe('browser: export, reports, copy table, notes', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts', 'build-client.ts')],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    server = await startTestServer();
    const user = await createUser(server, 'e2e-export');
    const client = await connect(server, user.cookie);
    const reply = await client.request(
      [
        { type: 'command', name: 'scores', command: 'read', format: 'csv', text: CSV },
        {
          type: 'report',
          name: 'd1',
          reportType: 'descriptives',
          dataset: 'scores',
          variables: ['y'],
          label: 'Scores <b>',
        },
        { type: 'test', name: 't1', test: 't.test', dataset: 'scores', variables: ['y', 'g'] },
        { type: 'graph', name: 'g1', graphType: 'hist', dataset: 'scores', variables: ['y'] },
        { type: 'note', name: 'n1', text: 'First <i>note</i>' },
      ],
      60_000,
    );
    for (const o of reply) assert.notEqual(o['type'], 'error', JSON.stringify(o));
    client.close();
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
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const url = new URL(server.url);
    await context.addCookies(
      user.cookie.split('; ').map((c) => {
        const [name, ...rest] = c.split('=');
        return { name: name as string, value: rest.join('='), domain: url.hostname, path: '/' };
      }),
    );
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(server.url);
    await page.locator('.corner .dot.connected').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = async (name: string, p: Page = page) => {
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };
  const order = () =>
    page
      .locator('article.output[data-name]')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['name'] ?? ''));
  const reportOrder = async () => {
    const id = await page.evaluate(async () => {
      const r = (await (await fetch('/api/v1/workspaces')).json()) as {
        workspaces: { id: string; current: boolean }[];
      };
      return r.workspaces.find((w) => w.current)?.id ?? '';
    });
    const report = await page.evaluate(
      async (u) => (await fetch(u)).text(),
      `/api/v1/workspaces/${id}/report?format=html`,
    );
    return [...report.matchAll(/<section class="output" id="([^"]+)">/g)].map((m) => m[1]);
  };

  const menu = async (top: string, item: string) => {
    await page.locator('details.menu > summary', { hasText: top }).click();
    await page.getByRole('menuitem', { name: item }).click();
  };

  it('Export > HTML report opens the report in the same browser; it loads nothing else', async () => {
    const popupP = page.waitForEvent('popup');
    await menu('Export', 'HTML report');
    const report = await popupP;
    const requests: string[] = [];
    report.on('request', (r) => requests.push(r.url()));
    await report.waitForLoadState('load');
    await report.reload();
    await report.locator('h1').waitFor();
    assert.equal(await report.locator('section.output').count(), 4);
    assert.equal(await report.locator('#d1 h2').textContent(), 'Scores <b>');
    assert.equal(await report.locator('#n1 p').textContent(), 'First <i>note</i>');
    assert.equal(await report.locator('#n1 i').count(), 0);
    // The graph is shown (decoded by the browser).
    const width = await report
      .locator('#g1 img')
      .evaluate((img) => (img as HTMLImageElement).naturalWidth);
    assert.ok(width > 100);
    await shot('01-html-report', report);
    for (const u of requests) assert.ok(u.startsWith(server.url) || u.startsWith('data:'), u);
    assert.equal(requests.filter((u) => u.startsWith(server.url)).length, 1, requests.join('\n'));
    await report.close();
  });

  it('Export > Word report downloads a .docx', async () => {
    const downloadP = page.waitForEvent('download');
    await menu('Export', 'Word report');
    const download = await downloadP;
    assert.match(download.suggestedFilename(), /\.docx$/);
    // A Word package: a zip whose main part is word/document.xml, holding the report's mean.
    const file = readFileSync(await download.path());
    assert.equal(file.subarray(0, 2).toString('latin1'), 'PK');
    const listing = execFileSync('unzip', ['-l', await download.path()], { encoding: 'utf8' });
    assert.match(listing, /word\/document\.xml/);
    const xml = execFileSync('unzip', ['-p', await download.path(), 'word/document.xml'], {
      encoding: 'utf8',
    });
    // The mean of y, 5.9, as the card shows it.
    assert.match(xml, />5\.900</);
  });

  it('Copy table puts tab-separated text and HTML on the clipboard', async () => {
    await page
      .locator('article.output[data-name="d1"]')
      .getByRole('button', { name: 'Copy table' })
      .click();
    await page.getByText('Table copied.').waitFor();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^variable\tn\tmissing\tmean/);
    assert.match(lines[1] ?? '', /^y\t20\t0\t/);
    const html = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      return item ? await (await item.getType('text/html')).text() : '';
    });
    assert.match(html, /<table/);
    // The HTML holds the same cells as the text.
    assert.match(html, /<th[^>]*>variable<\/th>/);
    assert.match(html, /<td[^>]*>20<\/td>/);
    await shot('02-table-copied');
  });

  it('a note is edited in place and shown as text', async () => {
    const card = page.locator('article.output[data-name="n1"]');
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByLabel('Text of n1').fill('Edited <b>not bold</b>');
    await card.getByRole('button', { name: 'Save note' }).click();
    await page
      .locator('article.output[data-name="n1"] .note-text', { hasText: 'Edited <b>not bold</b>' })
      .waitFor();
    assert.equal(await page.locator('article.output[data-name="n1"] b').count(), 0);
  });

  it('each result shows its R code on request', async () => {
    const card = page.locator('article.output[data-name="t1"]');
    await card.getByText('Show R code').click();
    assert.match((await card.locator('.r-code pre').textContent()) ?? '', /t\.test\(/);
  });

  it('moves outputs with the keyboard and by dragging; the report follows', async () => {
    assert.deepEqual(await order(), ['d1', 't1', 'g1', 'n1']);
    assert.deepEqual(await reportOrder(), ['d1', 't1', 'g1', 'n1']);
    const up = page.getByRole('button', { name: 'Move n1 up' });
    await up.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('article.output[data-name]')[2]?.getAttribute('data-name') ===
        'n1',
    );
    assert.deepEqual(await order(), ['d1', 't1', 'n1', 'g1']);
    // The focus stays on the button, so the keyboard can go on moving the same card.
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Move n1 up',
    );
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('article.output[data-name]')[1]?.getAttribute('data-name') ===
        'n1',
    );
    assert.deepEqual(await order(), ['d1', 'n1', 't1', 'g1']);
    assert.equal(await page.getByRole('button', { name: 'Move d1 up' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Move g1 down' }).isDisabled(), true);
    await shot('03-moved-with-keyboard');
    // Drag the graph by its handle onto the top half of the first card.
    // A tall window, so that both cards are on screen (a real drag scrolls as it goes).
    await page.setViewportSize({ width: 1280, height: 1800 });
    const from = await page.locator('article.output[data-name="g1"] .drag-handle').boundingBox();
    const to = await page.locator('article.output[data-name="d1"]').boundingBox();
    assert.ok(from !== null && to !== null);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + 40, to.y + 30, { steps: 5 });
    await page.mouse.move(to.x + 40, to.y + 6, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      () => document.querySelector('article.output[data-name]')?.getAttribute('data-name') === 'g1',
    );
    assert.deepEqual(await order(), ['g1', 'd1', 'n1', 't1']);
    await shot('04-moved-by-dragging');
    // Stored: the report and a reloaded page show the same order.
    let stored: (string | undefined)[] = [];
    for (let i = 0; i < 20; i++) {
      stored = await reportOrder();
      if (stored.join() === 'g1,d1,n1,t1') break;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(stored, ['g1', 'd1', 'n1', 't1']);
    await page.reload();
    await page.locator('.corner .dot.connected').waitFor();
    await page.locator('article.output[data-name="t1"]').waitFor();
    assert.deepEqual(await order(), ['g1', 'd1', 'n1', 't1']);
    const popupP = page.waitForEvent('popup');
    await menu('Export', 'HTML report');
    const report = await popupP;
    await report.locator('h1').waitFor();
    const ids = await report.locator('section.output').evaluateAll((els) => els.map((e) => e.id));
    assert.deepEqual(ids, ['g1', 'd1', 'n1', 't1']);
    await shot('05-report-in-new-order', report);
    await report.close();
  });
});
