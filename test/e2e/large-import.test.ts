// A CSV file over 8 MB imported in a real browser (issue 11): the client parses it and sends
// it in row slices answered without values, then builds the dataset from what it sent once
// the server's checksums agree. The grid shows what the server holds (the workspace a second
// client receives), no error is shown, and the page raises none.
import assert from 'node:assert/strict';
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';

const ROWS = 700_000;

/** x: a number (every 7th missing), y: an integer, g: a letter. Over 8 MB. */
function csv(): string {
  const lines = ['x,y,g'];
  for (let i = 0; i < ROWS; i++)
    lines.push(`${i % 7 === 3 ? '' : (i / 8).toFixed(3)},${i % 97},${'abc'[i % 3] ?? ''}`);
  return lines.join('\n');
}

describe('browser: a large CSV import goes up in row slices', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const errors: string[] = [];

  before(async () => {
    prepareBrowserTest();
    server = await startTestServer({ max_data: null });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    user = await createUser(server, 'largeimport');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [name, value] = user.cookie.split(';')[0]?.split('=') ?? [];
    await context.addCookies([{ name: name ?? '', value: value ?? '', url: server.url }]);
    page = await context.newPage();
    page.setDefaultTimeout(120_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator('.corner .dot.connected').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('shows the dataset the server holds, checked by checksums', async () => {
    const text = csv();
    assert.ok(text.length > 8 * 2 ** 20);
    await page.locator('details.menu > summary', { hasText: 'Data' }).click();
    await page.getByRole('menuitem', { name: 'Import data…', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Data file', { exact: true }).setInputFiles({
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(text),
    });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
    const cells = await page
      .locator('.grid .rows .row:not([hidden])')
      .evaluateAll((rows) =>
        rows
          .slice(0, 5)
          .map((r) => [...r.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '')),
      );
    assert.equal(await page.getByText(/checksum|other values than were sent/i).count(), 0);
    // What the server (and R) holds: the workspace another client receives.
    const c = await connect(server, user.cookie);
    try {
      const d = (c.received[0]?.objects ?? []).find((o) => o.name === 'big') as
        { variables: { name: string; values: unknown[] }[] } | undefined;
      assert.ok(d !== undefined, 'the server holds the dataset');
      assert.deepEqual(
        d.variables.map((v) => [v.name, v.values.length]),
        [
          ['x', ROWS],
          ['y', ROWS],
          ['g', ROWS],
        ],
      );
      const x = d.variables[0]?.values ?? [];
      assert.deepEqual(x.slice(0, 5), [0, 0.125, 0.25, null, 0.5]);
      // The grid's first rows show the same numbers (as the client formats them).
      const shown = cells.map((r) => r.find((t) => /^\d/.test(t) || t === '') ?? '');
      assert.equal(shown.length, 5);
      assert.deepEqual(
        shown.map((t) => (t === '' ? null : Number(t))),
        [0, 0.125, 0.25, null, 0.5],
      );
    } finally {
      c.close();
    }
  });
});
