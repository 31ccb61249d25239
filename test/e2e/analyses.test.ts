// Analyses in a real browser (Debian's chromium through playwright-core) against the whole
// server (real R and store): a one-way ANOVA with Tukey and its assumption checks, reopened
// to switch to Games-Howell, a paired t-test, a logistic regression, a failed output and a
// later one under their own names, a graph opened large; then the same at 390 px.
// Screenshots go to test/e2e/screenshots/analyses-*.png for a human to look at.
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { createUser, type TestUser } from '../fixtures/users.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots');
/** How the client writes a p-value (APA): nothing else may stand in a p column. */
const P_TEXT = /^(< \.001|> \.999|\.\d{3}|–)$/;

/** 45 rows: three groups with different means, paired measures, a pass/fail outcome. */
function csv(): string {
  const lines = ['group,score,pre,post,hours,passed'];
  for (let i = 0; i < 45; i++) {
    const g = i % 3;
    const noise = ((i * 7) % 11) - 5;
    const hours = 2 + ((i * 5) % 13);
    const passed = hours + (((i * 3) % 7) - 3) > 8 ? 'yes' : 'no';
    lines.push(
      `${'ABC'[g] ?? 'A'},${50 + g * 4 + noise},${40 + noise + (i % 5)},${43 + noise + ((i * 3) % 4)},${hours},${passed}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function logIn(page: Page, url: string, user: TestUser): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.corner .dot.connected').waitFor();
}

async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.locator('details.menu > summary', { hasText: top }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** The cells of the column headed `title` in `table`, as shown. */
async function column(table: Locator, title: string): Promise<string[]> {
  const heads = await table.locator('thead th').allTextContents();
  const j = heads.indexOf(title);
  assert.ok(j >= 0, `a column "${title}" among ${heads.join(', ')}`);
  return table.locator(`tbody tr td:nth-child(${j + 1})`).allTextContents();
}

/** True when nothing on the page is wider than the window (no sideways page scroll). */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe('analyses in the browser', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const errors: string[] = [];
  const shot = (name: string, p: Page = page) =>
    p.screenshot({ path: path.join(SHOTS, `analyses-${name}.png`), fullPage: true });
  const card = (name: string): Locator => page.locator(`article.output[data-name="${name}"]`);

  before(async function () {
    prepareBrowserTest();
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    user = await createUser(server, 'analyst');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await logIn(page, server.url, user);
    await menu(page, 'Data', 'Import data…');
    await page
      .getByLabel('Data file', { exact: true })
      .setInputFiles({ name: 'study.csv', mimeType: 'text/csv', buffer: Buffer.from(csv()) });
    await page.getByText('45 rows, 6 columns.').waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('.grid .row[aria-rowindex="2"]').first().waitFor();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('runs a one-way ANOVA with Tukey and shows its assumption checks', async () => {
    await menu(page, 'Analyze', 'ANOVA…');
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Do the means of the dependent variable differ').waitFor();
    await dialog.getByLabel('Dependent variable').selectOption('score');
    await dialog.getByLabel('Factors (grouping variables)').selectOption(['group']);
    assert.equal(await dialog.getByLabel('Post hoc comparisons').inputValue(), 'tukey');
    await shot('01-anova-dialog');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const out = card('aov1');
    await out.getByRole('heading', { name: "Post hoc comparisons (Tukey's HSD)" }).waitFor();
    await out.getByRole('heading', { name: 'Assumption checks' }).waitFor();
    const anova = out.locator('table.result').first();
    assert.deepEqual(await column(anova, 'Term'), ['group', 'Residuals']);
    for (const p of await column(anova, 'p')) assert.match(p, P_TEXT);
    const checks = out.locator('.result-part', { hasText: 'Assumption checks' }).locator('table');
    assert.match((await checks.textContent()) ?? '', /Levene.*Shapiro-Wilk/);
    const posthoc = out.locator('.result-part', { hasText: 'Post hoc' }).locator('table');
    assert.deepEqual(await column(posthoc, 'Group 1'), ['B', 'C', 'C']);
    assert.match(await out.locator('.hint').first().innerText(), /in study, all rows/);
    await out.getByText('Show R code').click();
    assert.match(await out.locator('.r-code pre').innerText(), /TukeyHSD/);
    await shot('02-anova-result');
  });

  it('reopens the ANOVA, switches to Games-Howell and runs it again in place', async () => {
    await card('aov1').getByRole('button', { name: 'Edit aov1' }).click();
    const dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByLabel('Dependent variable').inputValue(), 'score');
    await dialog.getByLabel('Post hoc comparisons').selectOption('games_howell');
    await dialog.getByRole('button', { name: 'Run again' }).click();
    const out = card('aov1');
    await out.locator('.r-code pre', { hasText: 'games_howell' }).waitFor({ state: 'attached' });
    assert.ok(
      await out.locator('.r-code pre').isVisible(),
      'the R code the user opened stays open',
    );
    assert.equal(await page.locator('article.output').count(), 1, 'one card, replaced');
    await out.getByRole('heading', { name: 'Post hoc comparisons (Games-Howell)' }).waitFor();
    await shot('03-anova-games-howell');
  });

  it('runs a paired t-test with its effect size', async () => {
    await menu(page, 'Analyze', 'Paired t-test…');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('First measure').selectOption('pre');
    await dialog.getByLabel('Second measure').selectOption('post');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const out = card('ttestpaired1');
    const apa = await out.locator('.apa').innerText();
    assert.match(apa, /^t\(44\) = −?\d+\.\d\d, p (=|<) \.\d{3}$/);
    assert.match(await out.locator('.effect').innerText(), /^Cohen’s d = −?\d\.\d{3}, 95% CI \[/);
    await shot('04-paired-t');
  });

  it('runs a Kendall correlation: tau and p, no df or interval (R has none) and no NA', async () => {
    await menu(page, 'Analyze', 'Correlation test…');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('X', { exact: true }).selectOption('pre');
    await dialog.getByLabel('Y', { exact: true }).selectOption('post');
    await dialog.getByLabel('Method').selectOption('kendall');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const out = card('cortest1');
    assert.match(await out.locator('.apa').innerText(), /^τ = −?\.\d\d, p (=|<) \.\d{3}$/);
    const terms = await out.locator('dl.stats dt').allTextContents();
    assert.ok(terms.includes('Statistic (z)') && terms.includes('p-value'), terms.join(', '));
    assert.ok(!terms.includes('df') && !terms.includes('Confidence interval'), terms.join(', '));
    assert.doesNotMatch(await out.innerText(), /\bNA\b|null/);
    await shot('04c-kendall');
  });

  it('runs Descriptives with the statistics chosen, in their order', async () => {
    await menu(page, 'Analyze', 'Descriptives…');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Variables').selectOption(['score']);
    await dialog.getByLabel(/^Statistics/).selectOption(['n', 'mean', 'se', 'skewness']);
    await dialog.getByRole('button', { name: 'Run' }).click();
    const table = card('descriptives1').locator('table.result').first();
    await table.waitFor();
    assert.deepEqual(await table.locator('thead th').allTextContents(), [
      'variable',
      'n',
      'mean',
      'se',
      'skewness',
    ]);
    // Edit reopens the dialog with the statistics chosen.
    await card('descriptives1').getByRole('button', { name: 'Edit descriptives1' }).click();
    const chosen = await page
      .getByRole('dialog')
      .getByLabel(/^Statistics/)
      .evaluate((s) => [...(s as HTMLSelectElement).selectedOptions].map((o) => o.value));
    assert.deepEqual(chosen, ['n', 'mean', 'se', 'skewness']);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  });

  it('runs Frequencies by a group: a table per group, percents of the group', async () => {
    await menu(page, 'Analyze', 'Frequencies…');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Variables').selectOption(['passed']);
    await dialog.getByLabel('By group').selectOption('group');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const table = card('frequency1').locator('table.result').first();
    await table.waitFor();
    const heads = await table.locator('thead th').allTextContents();
    const groups = await column(table, heads[1] ?? '');
    assert.deepEqual([...new Set(groups)], ['A', 'B', 'C']);
    // 15 rows in each group: its percents add up to 100.
    const percents = (await column(table, heads[4] ?? '')).map(Number);
    const inA = percents.filter((_, i) => groups[i] === 'A');
    assert.ok(Math.abs(inA.reduce((a, b) => a + b, 0) - 100) < 0.5, inA.join(' '));
    await shot('04b-frequencies-by');
  });

  it('runs a logistic regression with odds ratios and the classification table', async () => {
    await menu(page, 'Analyze', 'Logistic regression…');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Outcome (two levels)').selectOption('passed');
    await dialog.getByLabel('Predictors (covariates and factors)').selectOption(['hours']);
    await dialog.getByRole('button', { name: 'Run' }).click();
    const out = card('glm1');
    const coef = out.locator('table.result').first();
    await coef.waitFor();
    assert.deepEqual(await column(coef, 'Term'), ['(Intercept)', 'hours']);
    for (const p of await column(coef, 'p')) assert.match(p, P_TEXT);
    await out.getByRole('heading', { name: 'Classification (observed × predicted)' }).waitFor();
    await shot('05-logistic');
  });

  it('reopens a refused request with its choices and the reason; mended, it runs in place', async () => {
    await menu(page, 'Analyze', 'Factor analysis…');
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Variables').selectOption(['score', 'pre', 'post']);
    await dialog.getByLabel('Number of factors').fill('3');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const failed = page.locator('article.output.failed', { hasText: 'factanal1' });
    await failed.waitFor();
    // The server refused the request itself: the dialog is back, as it was, saying why.
    dialog = page.getByRole('dialog');
    const why = dialog.locator('.form-error');
    await why.waitFor();
    assert.match((await why.textContent()) ?? '', /factor/i);
    assert.equal(await dialog.getByLabel('Number of factors').inputValue(), '3');
    await shot('06-refused-reopened');
    await dialog.getByLabel('Variables').selectOption(['score', 'pre', 'post', 'hours']);
    await dialog.getByLabel('Number of factors').fill('1');
    await dialog.getByRole('button', { name: 'Run' }).click();
    await card('factanal1').locator('table.result').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('article.output.failed'), undefined, {
      timeout: 10_000,
    });
    await shot('06-failed-and-later');
  });

  it('opens a graph large and describes it in its alt text', async () => {
    await menu(page, 'Graph', 'Box plot…');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Variable', { exact: true }).selectOption('score');
    await dialog.getByLabel('By group').selectOption('group');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const img = card('box1').locator('img.graph');
    assert.equal(await img.getAttribute('alt'), 'Box plot of score by group in study');
    await card('box1')
      .getByRole('button', { name: /^Open large/ })
      .click();
    const large = page.getByRole('dialog').locator('img.graph');
    const box = await large.boundingBox();
    assert.ok(box && box.width > 600, `the large graph is ${box?.width ?? 0} px wide`);
    await shot('07-graph-large');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    // A click elsewhere closes an open menu, not the R code a reader opened (aov1's).
    assert.ok(
      await card('aov1').locator('.r-code pre').isVisible(),
      'the R code the user opened stays open',
    );
    // Exporting re-renders the outputs twice (the export copy comes and goes): the panel
    // keeps its place, the graphs keeping their room while they decode.
    const host = page.locator('.outputs-host');
    await card('box1').scrollIntoViewIfNeeded();
    const before = await host.evaluate((el) => el.scrollTop);
    assert.ok(before > 0, 'the outputs panel is scrolled');
    const download = page.waitForEvent('download');
    await card('box1').getByRole('button', { name: 'Export PNG' }).click();
    assert.equal((await download).suggestedFilename(), 'box1.png');
    await page.waitForTimeout(500);
    assert.equal(await host.evaluate((el) => el.scrollTop), before, 'the panel stays where it was');
  });

  it('widens the results panel', async () => {
    const before = await page.locator('.outputs-host').boundingBox();
    await page.getByRole('button', { name: 'Widen results' }).click();
    const after = await page.locator('.outputs-host').boundingBox();
    assert.ok(before && after && after.width > before.width * 1.5, 'the panel is wider');
    await shot('08-wide');
  });

  it('is readable at 390 px: no page scrolls sideways, tables scroll inside', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('.corner .dot.connected').waitFor();
    await card('aov1').waitFor();
    assert.ok(await fitsWidth(page), 'nothing is wider than 390 px');
    for (const wrap of await page.locator('.table-wrap').all()) {
      const box = await wrap.boundingBox();
      if (box) assert.ok(box.x >= 0 && box.x + box.width <= 391, 'a table stays in the window');
    }
    await card('aov1').scrollIntoViewIfNeeded();
    await shot('09-phone');
    await card('aov1').getByRole('button', { name: 'Edit aov1' }).click();
    await page.getByRole('dialog').getByLabel('Post hoc comparisons').waitFor();
    assert.ok(await fitsWidth(page));
    await shot('10-phone-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    assert.deepEqual(errors, []);
  });
});
