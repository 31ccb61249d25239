// Data work in a real browser (issue 14, API 1.1) against the whole server (real R, real
// store): import ToothGrowth as a semicolon CSV with decimal commas (the dialog shows its
// guess), make `dose` nominal in the setup panel, reorder `supp`'s levels and see the
// t-test's sign follow R's own, edit a cell (a bad value is refused with what to type) and
// see a descriptives result follow, undo it with Ctrl+Z, delete a variable after a
// confirmation. Numbers are R's (Rscript on the same data). Screenshots go to
// /tmp/b14-shots (override with PANTHR_SHOTS), also at 390 px wide.
import assert from 'node:assert/strict';
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { createUser } from '../fixtures/users.ts';

const SHOTS = process.env.PANTHR_SHOTS ?? '/tmp/b14-shots';

/** R's own numbers for the journey, from Rscript on ToothGrowth. */
function fromR(): { csv: string; t: number; tReordered: number; meanEdited: number } {
  const code = `
    tc <- textConnection("csv", "w"); write.csv2(ToothGrowth, tc, row.names = FALSE); close(tc)
    tg <- ToothGrowth; tg$supp <- factor(as.character(tg$supp))
    t1 <- t.test(len ~ supp, data = tg)$statistic
    tg$supp <- factor(tg$supp, levels = c("VC", "OJ"))
    t2 <- t.test(len ~ supp, data = tg)$statistic
    len <- tg$len; len[1] <- 100
    cat(jsonlite::toJSON(list(csv = paste(csv, collapse = "\\n"), t = unname(t1),
      tReordered = unname(t2), meanEdited = mean(len)), auto_unbox = TRUE, digits = NA))`;
  return JSON.parse(execFileSync('Rscript', ['--vanilla', '-e', code], { encoding: 'utf8' })) as {
    csv: string;
    t: number;
    tReordered: number;
    meanEdited: number;
  };
}

/** The t statistic of a test card's APA line (`t(55.31) = −1.92, p = .061`). */
async function tOf(card: Locator): Promise<number> {
  const apa = await card.locator('.apa').innerText();
  const m = /t\([\d.]+\) = ([−-]?[\d.]+)/.exec(apa);
  assert.ok(m, `an APA line: ${apa}`);
  return Number((m[1] ?? '').replace('−', '-'));
}

/** The mean a descriptives card shows (its first row). */
async function meanOf(card: Locator): Promise<number> {
  const heads = await card.locator('thead th').allInnerTexts();
  const cells = await card.locator('tbody tr').first().locator('td').allInnerTexts();
  return Number(cells[heads.indexOf('mean')]);
}

/** True when `shown` (three decimals, as the cards write numbers) is `x`. */
const near = (shown: number, x: number): boolean => Math.abs(shown - x) <= 0.0005 + 1e-9;

/** Waits until `ok()` holds (20 s at most). */
async function until(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end;)
    if (await ok()) return;
    else await new Promise((res) => setTimeout(res, 200));
  assert.fail(`timed out: ${what}`);
}

async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.locator('details.menu > summary', { hasText: top }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** The text of the grid's cells in column `index` (header excluded). */
async function column(page: Page, index: number): Promise<string[]> {
  return page
    .locator('.grid .rows .row:not([hidden])')
    .evaluateAll(
      (rows, i) => rows.map((r) => r.querySelectorAll('[role=gridcell]')[i]?.textContent ?? ''),
      index,
    );
}

describe('browser: data work (import options, setup panel, cell edits, undo, delete)', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let r: ReturnType<typeof fromR>;
  const errors: string[] = [];
  const shot = (name: string) =>
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });

  before(async () => {
    prepareBrowserTest();
    mkdirSync(SHOTS, { recursive: true });
    r = fromR();
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const user = await createUser(server, 'datawork');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [name, value] = user.cookie.split(';')[0]?.split('=') ?? [];
    await context.addCookies([{ name: name ?? '', value: value ?? '', url: server.url }]);
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator('.corner .dot.connected').waitFor();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('imports a semicolon CSV with decimal commas, showing the guess', async () => {
    await menu(page, 'Data', 'Import data…');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Data file', { exact: true }).setInputFiles({
      name: 'ToothGrowth.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(r.csv),
    });
    await dialog.getByText('Detected: semicolon separator, decimal comma.').waitFor();
    assert.equal(await dialog.getByLabel('Separator').inputValue(), ';');
    assert.equal(await dialog.getByLabel('Decimal mark').inputValue(), ',');
    await dialog.getByText('60 rows, 3 columns.').waitFor();
    await shot('01-import-guess');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('01b-import-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
    assert.equal((await column(page, 0))[0], '4.2', 'decimal commas read as numbers');
    await shot('02-dataset');
  });

  it('makes dose nominal in the setup panel', async () => {
    await page.locator('.grid .var-name', { hasText: 'dose' }).click();
    await page.getByRole('button', { name: 'Set up…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Type').selectOption('nominal');
    await dialog.getByRole('button', { name: 'Change type' }).click();
    await dialog.getByText('dose is now nominal.').waitFor();
    const names = dialog.locator('ol.levels input');
    assert.deepEqual(await names.evaluateAll((l) => l.map((i) => (i as HTMLInputElement).value)), [
      '0.5',
      '1',
      '2',
    ]);
    await shot('03-setup-dose');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('03b-setup-dose-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Escape');
    await page.locator('.variable-view .var-type', { hasText: 'nominal' }).waitFor();
  });

  it("reorders supp's levels and the t-test's sign follows R's", async () => {
    await page.locator('.breadcrumbs a', { hasText: 'ToothGrowth' }).click();
    await menu(page, 'Analyze', 't-test…');
    await page.getByLabel('Dependent variable').selectOption('len');
    await page.getByLabel('Group (two levels)').selectOption('supp');
    await page.getByRole('button', { name: 'Run' }).click();
    const test = page.locator('article.output.test').first();
    await test.locator('.apa').waitFor();
    assert.ok(Math.abs((await tOf(test)) - r.t) < 0.006, `t = ${r.t} as R's`);

    await page.locator('.grid .var-name', { hasText: 'supp' }).click();
    await page.getByRole('button', { name: 'Set up…' }).click();
    const dialog = page.getByRole('dialog');
    // Keyboard only: the focus stays on the control after the panel is redrawn.
    await dialog.getByRole('button', { name: 'Move VC up' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByText('Levels of supp: VC, OJ.').waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Move VC down',
      'the focus follows the moved level',
    );
    await shot('04-setup-supp-reordered');
    await page.keyboard.press('Escape');
    await page.waitForFunction((want) => {
      const apa = document.querySelector('article.output.test .apa')?.textContent ?? '';
      return (apa.includes('= −') || apa.includes('= -')) === want < 0;
    }, r.tReordered);
    assert.ok(Math.sign(r.tReordered) === -Math.sign(r.t));
    assert.ok(Math.abs((await tOf(test)) - r.tReordered) < 0.006, `t = ${r.tReordered} as R's`);
    await shot('05-ttest-follows');
  });

  it('edits a cell (a bad value refused with what to type), descriptives follow, Ctrl+Z undoes', async () => {
    await page.locator('.breadcrumbs a', { hasText: 'ToothGrowth' }).click();
    await menu(page, 'Analyze', 'Descriptives…');
    await page.getByLabel('Variables').selectOption(['len']);
    await page.getByRole('button', { name: 'Run' }).click();
    const desc = page.locator('article.output.report').first();
    await desc.locator('td', { hasText: '33.9' }).first().waitFor();

    const cell = page.locator('.grid .rows .row').first().locator('[role=gridcell]').first();
    await cell.dblclick();
    const input = page.getByLabel('New value of len');
    await input.fill('abc');
    await input.press('Enter');
    await page.locator('.cell-error', { hasText: '"abc" is not a number' }).waitFor();
    await shot('06-cell-error');
    await input.press('Escape');
    assert.equal(await page.locator('.cell-editor').count(), 0, 'Escape cancels');

    await cell.click();
    await page.keyboard.press('Enter');
    await page.getByLabel('New value of len').fill('100');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const c = document.querySelector('.grid .rows .row [role=gridcell]');
      return c?.textContent === '100';
    });
    // Live results: the descriptives run again on the edited data (mean and max as R's).
    await desc
      .locator('td', { hasText: /^100(\.000)?$/ })
      .first()
      .waitFor();
    await until(async () => near(await meanOf(desc), r.meanEdited), 'the mean follows the edit');
    await shot('07-edited');

    await page.locator('.grid').focus();
    await page.keyboard.press('Control+z');
    await page.getByText(/Undone: edit/).waitFor();
    await page.waitForFunction(() => {
      const c = document.querySelector('.grid .rows .row [role=gridcell]');
      return c?.textContent === '4.2';
    });
    await desc.locator('td', { hasText: '33.9' }).first().waitFor();
    assert.ok(!near(await meanOf(desc), r.meanEdited), 'the mean is back');
    await shot('08-undone');
    // The same from the Data menu: redo, then undo again.
    await page.locator('details.menu > summary', { hasText: 'Data' }).click();
    await page.getByRole('menuitem', { name: /^Redo/ }).click();
    await page.getByText(/Redone: edit/).waitFor();
    await page.locator('details.menu > summary', { hasText: 'Data' }).click();
    await page.getByRole('menuitem', { name: /^Undo last change/ }).click();
    await page
      .getByText(/Undone: edit/)
      .first()
      .waitFor();
    await page.waitForFunction(() => {
      const c = document.querySelector('.grid .rows .row [role=gridcell]');
      return c?.textContent === '4.2';
    });
  });

  it('deletes a variable after a confirmation', async () => {
    await page.locator('.grid .var-name', { hasText: 'dose' }).click();
    await page.getByRole('button', { name: 'Set up…' }).click();
    await page.getByRole('button', { name: 'Delete variable…' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('Delete the variable "dose" from "ToothGrowth"?').waitFor();
    await shot('09-confirm-delete');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('09b-confirm-delete-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await confirm.getByRole('button', { name: 'Delete variable' }).click();
    await page.locator('.grid').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.grid .var-name').length === 2);
    assert.deepEqual(await page.locator('.grid .var-name').allInnerTexts(), ['len', 'supp']);
    await shot('10-deleted');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('10b-grid-390');
  });
});
