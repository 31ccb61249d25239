// Replacing a variable in a real browser (issue 10, defects 1 and 2): New variable with
// the name of an existing variable asks first; once accepted the grid shows the new values
// in the variable's own column, the report computed from the old values says it is out of
// date, and a reload shows what R holds.
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser } from '../fixtures/users.ts';

const CSV = 'len,supp,dose\n4.2,VC,0.5\n11.5,VC,0.5\n16.5,OJ,1\n33.9,OJ,2\n';

/** The text of the grid's cells in the column of `variable` (header excluded). */
async function column(page: Page, index: number): Promise<string[]> {
  return page
    .locator('.grid .rows .row')
    .evaluateAll(
      (rows, i) => rows.map((r) => r.querySelectorAll('[role=gridcell]')[i]?.textContent ?? ''),
      index,
    );
}

describe('browser: New variable replaces only when asked', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    prepareBrowserTest();
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks, replaces in place, runs the report again on the new values, and a reload shows the same', async () => {
    const user = await createUser(server, 'grid');
    const setup = await connect(server, user.cookie);
    await setup.request([
      { type: 'command', name: 'tg', command: 'read', format: 'csv', text: CSV },
      {
        type: 'report',
        name: 'lenReport',
        reportType: 'descriptives',
        dataset: 'tg',
        variables: ['len'],
      },
    ]);
    setup.close();
    const context = await browser.newContext();
    const [name, value] = user.cookie.split(';')[0]?.split('=') ?? [];
    await context.addCookies([{ name: name ?? '', value: value ?? '', url: server.url }]);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.url}/#/d/tg`);
    await page.locator('.grid .rows .row').first().waitFor();
    assert.deepEqual(await column(page, 0), ['4.2', '11.5', '16.5', '33.9']);

    const questions: string[] = [];
    page.on('dialog', (d) => {
      questions.push(d.message());
      void d.accept();
    });
    await page.locator('details.menu > summary', { hasText: 'Data' }).click();
    await page.getByRole('menuitem', { name: 'New variable…' }).click();
    await page.getByLabel('Variable name').fill('len');
    await page.getByLabel('Formula').fill('len * 2');
    await page.getByRole('button', { name: 'Create variable' }).click();
    await page.getByText('Variable len replaced.').waitFor();
    assert.equal(questions.length, 1);
    assert.match(questions[0] ?? '', /already has a variable "len"\. Replace it\?/);
    assert.deepEqual(await column(page, 0), ['8.4', '23', '33', '67.8'], 'in its own column');
    await page.goto(`${server.url}/#/`);
    // Live results (API 1.1): the report on len runs again; its maximum is the doubled one.
    await page.locator('.output[data-name="lenReport"]').getByText('67.8').first().waitFor();

    await page.reload();
    await page.goto(`${server.url}/#/d/tg`);
    await page.locator('.grid .rows .row').first().waitFor();
    assert.deepEqual(await column(page, 0), ['8.4', '23', '33', '67.8'], 'after a reload');

    // R's warnings of a new variable are shown; a refused formula stays in its dialog.
    await page.locator('details.menu > summary', { hasText: 'Data' }).click();
    await page.getByRole('menuitem', { name: 'New variable…' }).click();
    await page.getByLabel('Variable name').fill('lg');
    await page.getByLabel('Formula').fill('log(len - 30)');
    await page.getByRole('button', { name: 'Create variable' }).click();
    await page.getByText('Variable lg created.').waitFor();
    await page.locator('.toast', { hasText: 'lg: NaNs produced' }).waitFor();
    await page.locator('details.menu > summary', { hasText: 'Data' }).click();
    await page.getByRole('menuitem', { name: 'New variable…' }).click();
    await page.getByLabel('Variable name').fill('bad');
    await page.getByLabel('Formula').fill('supp * 2');
    await page.getByRole('button', { name: 'Create variable' }).click();
    await page
      .getByRole('dialog')
      .getByText(/nominal/)
      .first()
      .waitFor();
    await page.keyboard.press('Escape');
    await page.goto(`${server.url}/#/`);
    await page.locator('.output[data-name="lenReport"]').waitFor();
    assert.equal(await page.locator('article.output[data-name^="cmd."]').count(), 0);
    await context.close();
  });
});
