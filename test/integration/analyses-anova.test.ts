/**
 * aov of API 1.1 through the server's compute path, on R's data sets uploaded as CSV:
 * every number equals R's own (1e-9 relative) computed here in another session, type 2
 * and 3 sums of squares, Games-Howell and Levene from the recipes of API.md (and against
 * the numbers car's documentation prints for Moore's data), and each result's r_code
 * reprints its numbers under Rscript.
 */
import assert from 'node:assert/strict';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { assertClose, rNumbers } from '../fixtures/compute/compare.ts';
import { checkRCode, loadModelDatasets, numbersIn, type Csv } from '../fixtures/compute/models.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { resultOf, type Result } from '../fixtures/compute/run.ts';

// Effect sizes of an R anova table's df and SS (last row the residuals), as API.md defines them.
const EFFECTS = `function(df, ss) { r <- length(ss); ms <- ss[r] / df[r]
  es <- function(x) c(x[-r], NA)
  rbind(es(ss / sum(ss)), es(ss / (ss + ss[r])), es((ss - df * ms) / (sum(ss) + ms))) }`;
// Type 2 by the recipe: RSS without the term and its relatives minus RSS without the relatives.
const TYPE2 = `function(d, without, with, full) {
  rss <- function(f) deviance(lm(f, data = d)); dfr <- function(f) df.residual(lm(f, data = d))
  ss <- rss(without) - rss(with); df <- dfr(without) - dfr(with)
  f <- ss / df / (deviance(full) / df.residual(full))
  c(df, ss, f, pf(f, df, df.residual(full), lower.tail = FALSE)) }`;

const rows = (t: unknown): unknown[][] => (t as Result).rows ?? [];
const cols = (t: unknown, from: number, to?: number): unknown[] =>
  rows(t).flatMap((r) => r.slice(from, to));

describe('models (API 1.1): aov', function () {
  this.timeout(120_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;
  let ref: RConnection;
  let csv: Csv;

  before(async () => {
    r = await startPanthrR();
    rt = await r.runtime();
    ref = await r.connect();
    csv = await loadModelDatasets(ref, rt);
  });
  after(async () => r?.stop());

  const aov = (dataset: string, variables: string[], options: object = {}): Promise<Result> =>
    resultOf(rt, { type: 'test', name: 'a', test: 'aov', dataset, variables, options });

  it('two-way with interaction (type 1): table, effect sizes, Tukey, Levene, Shapiro-Wilk', async () => {
    const res = await aov('tg', ['len', 'supp', 'dose'], { interactions: true, posthoc: 'tukey' });
    assert.equal(res['n'], 58);
    assert.deepEqual(
      rows(res['table']).map((x) => x[0]),
      ['supp', 'dose', 'supp:dose', 'Residuals'],
    );
    const fit = 'fit <- aov(len ~ supp * dose, data = tg)';
    const want = await rNumbers(
      ref,
      `{ ${fit}; t <- summary(fit)[[1]]; rbind(t(as.matrix(t)), (${EFFECTS})(t$Df, t[["Sum Sq"]])) }`,
    );
    assertClose(cols(res['table'], 1), want, 'table');
    const ph = res['posthoc'] as Result;
    assert.deepEqual(ph.columns, [
      'term',
      'group1',
      'group2',
      'difference',
      'conf_low',
      'conf_high',
      'p_value',
    ]);
    const hsd = await rNumbers(ref, `{ ${fit}; lapply(TukeyHSD(fit), t) }`);
    assertClose(cols(ph, 3), hsd, 'TukeyHSD');
    const names = await ref.eval(`{ ${fit}; unlist(lapply(TukeyHSD(fit), rownames)) }`);
    assert.equal(names.kind, 'string');
    assert.deepEqual(
      rows(ph).map((x) => `${String(x[1])}-${String(x[2])}`),
      names.values,
    );
    assert.deepEqual(rows(ph)[0]?.slice(0, 3), ['supp', 'VC', 'OJ']);
    const a = res['assumptions'] as Record<string, Record<string, unknown>>;
    const lev = await rNumbers(
      ref,
      `{ d <- na.omit(tg); cell <- interaction(d$supp, d$dose)
         a <- anova(lm(abs(d$len - ave(d$len, cell, FUN = median)) ~ cell)); c(a[1, 4], a$Df, a[1, 5]) }`,
    );
    const levene = a['levene'] ?? {};
    assertClose(
      [levene['statistic'], ...(levene['df'] as unknown[]), levene['p_value']],
      lev,
      'Levene',
    );
    const sw = await rNumbers(
      ref,
      `{ ${fit}; s <- shapiro.test(residuals(fit)); c(s$statistic, s$p.value) }`,
    );
    assertClose([a['shapiro']?.['statistic'], a['shapiro']?.['p_value']], sw, 'Shapiro-Wilk');
    assert.deepEqual(res['warnings'], []);
    await checkRCode(
      csv,
      'tg',
      res['r_code'],
      numbersIn([res['table'], res['posthoc'], res['assumptions']]),
      'aov tukey',
    );
  });

  it('type 2 and 3 on unbalanced data: the recipe, and car’s published numbers for Moore', async () => {
    const vars = ['conformity', 'fcategory', 'partner.status'];
    const t2 = await aov('moore', vars, { interactions: true, ss_type: 2 });
    const recipe = await rNumbers(
      ref,
      `{ d <- moore; full <- lm(conformity ~ fcategory * partner.status, data = d); t2 <- ${TYPE2}
         rbind(t2(d, conformity ~ partner.status, conformity ~ fcategory + partner.status, full),
               t2(d, conformity ~ fcategory, conformity ~ fcategory + partner.status, full),
               t2(d, conformity ~ fcategory + partner.status, conformity ~ fcategory * partner.status, full)) }`,
    );
    // rbind fills by column: df, then SS, F, p of the three terms.
    const got2 = rows(t2['table']).slice(0, 3);
    assertClose(
      [1, 2, 4, 5].flatMap((j) => got2.map((x) => x[j])),
      recipe,
      'type 2 recipe',
    );
    // car::Anova(mod) for Moore (car's documentation): SS 11.61, 212.21, 175.49, 817.76;
    // F 0.2770, 10.1207, 4.1846; p 0.759564, 0.002874, 0.022572.
    const published = [
      [11.61, 0.277, 0.759564],
      [212.21, 10.1207, 0.002874],
      [175.49, 4.1846, 0.022572],
    ];
    published.forEach(([ss, f, p], i) => {
      const row = rows(t2['table'])[i] ?? [];
      assert.equal(Math.round((row[2] as number) * 100) / 100, ss, `SS ${i}`);
      assert.equal(Math.round((row[4] as number) * 1e4) / 1e4, f, `F ${i}`);
      assert.equal(Math.round((row[5] as number) * 1e6) / 1e6, p, `p ${i}`);
    });
    assert.equal(Math.round((rows(t2['table'])[3]?.[2] as number) * 100) / 100, 817.76);
    await checkRCode(csv, 'moore', t2['r_code'], numbersIn(t2['table']), 'type 2');

    const t3 = await aov('moore', vars, { interactions: true, ss_type: 3 });
    const d1 = await rNumbers(
      ref,
      `{ f <- lm(conformity ~ fcategory * partner.status, data = moore,
                 contrasts = list(fcategory = "contr.sum", partner.status = "contr.sum"))
         d <- drop1(f, . ~ ., test = "F")[-1, ]; es <- (${EFFECTS})(c(d$Df, df.residual(f)), c(d[[2]], deviance(f)))
         rbind(d$Df, d[[2]], d[[2]] / d$Df, d[[5]], d[[6]], es[, 1:3]) }`,
    );
    assertClose(
      rows(t3['table'])
        .slice(0, 3)
        .flatMap((x) => x.slice(1)),
      d1,
      'type 3 drop1',
    );
    // car::Anova(mod, type = 3): partner.status F 11.4250, p 0.001657; interaction as type 2.
    assert.equal(Math.round((rows(t3['table'])[1]?.[4] as number) * 1e4) / 1e4, 11.425);
    assert.equal(Math.round((rows(t3['table'])[2]?.[4] as number) * 1e4) / 1e4, 4.1846);
    // car::leveneTest(conformity ~ fcategory * partner.status, Moore): F 1.4694 on 5, 39, p 0.2219.
    const lev = (t3['assumptions'] as Record<string, Record<string, unknown>>)['levene'] ?? {};
    assert.deepEqual(lev['df'], [5, 39]);
    assert.equal(Math.round((lev['statistic'] as number) * 1e4) / 1e4, 1.4694);
    assert.equal(Math.round((lev['p_value'] as number) * 1e4) / 1e4, 0.2219);
    await checkRCode(csv, 'moore', t3['r_code'], numbersIn(t3['table']), 'type 3');
  });

  it('Games-Howell by the recipe; holm and bonferroni as pairwise.t.test', async () => {
    const gh = await aov('tg', ['len', 'dose'], { posthoc: 'games_howell' });
    const want = await rNumbers(
      ref,
      `{ d <- na.omit(tg); g <- d$dose; k <- nlevels(g); out <- list()
         for (i in 1:(k - 1)) for (j in (i + 1):k) {
           a <- d$len[g == levels(g)[j]]; b <- d$len[g == levels(g)[i]]
           va <- var(a) / length(a); vb <- var(b) / length(b); se <- sqrt(va + vb)
           df <- (va + vb)^2 / (va^2 / (length(a) - 1) + vb^2 / (length(b) - 1))
           dd <- mean(a) - mean(b); q <- qtukey(0.95, k, df) / sqrt(2)
           out[[length(out) + 1]] <- c(dd, dd - q * se, dd + q * se,
                                       ptukey(abs(dd / se) * sqrt(2), k, df, lower.tail = FALSE)) }
         out }`,
    );
    assertClose(cols(gh['posthoc'], 3), want, 'Games-Howell');
    assert.deepEqual(
      rows(gh['posthoc']).map((x) => x.slice(0, 3)),
      [
        ['dose', 'D1', 'D0.5'],
        ['dose', 'D2', 'D0.5'],
        ['dose', 'D2', 'D1'],
      ],
    );
    await checkRCode(csv, 'tg', gh['r_code'], numbersIn(gh['posthoc']), 'Games-Howell');
    for (const method of ['holm', 'bonferroni']) {
      const res = await aov('tg', ['len', 'dose'], { posthoc: method });
      const p = await rNumbers(
        ref,
        `{ d <- na.omit(tg); m <- tapply(d$len, d$dose, mean)
           p <- pairwise.t.test(d$len, d$dose, p.adjust.method = "${method}")$p.value
           list(c(m[2] - m[1], NA, NA, p[1, 1]), c(m[3] - m[1], NA, NA, p[2, 1]), c(m[3] - m[2], NA, NA, p[2, 2])) }`,
      );
      assertClose(cols(res['posthoc'], 3), p, method);
      await checkRCode(csv, 'tg', res['r_code'], numbersIn(res['posthoc']), method);
    }
  });

  it('a logical factor and one named by a reserved word: Tukey as R, r_code that reruns', async () => {
    const res = await aov('tgl', ['len', 'function', 'oj'], {
      interactions: true,
      posthoc: 'tukey',
      ss_type: 2,
    });
    const hsd = await rNumbers(
      ref,
      `{ d <- data.frame(len = tgl$len, f = factor(tgl[[3]]), oj = factor(tgl$oj))
         unlist(lapply(TukeyHSD(aov(len ~ f * oj, data = d)), t)) }`,
    );
    assertClose(cols(res['posthoc'], 3), hsd, 'Tukey');
    assert.deepEqual(
      rows(res['posthoc'])
        .filter((r) => r[0] === 'oj')
        .map((r) => r.slice(1, 3)),
      [['TRUE', 'FALSE']],
    );
    await checkRCode(
      csv,
      'tgl',
      res['r_code'],
      numbersIn([res['table'], res['posthoc']]),
      'aov, logical and reserved',
    );
  });

  it('a covariate (ANCOVA): sequential table as aov, Levene null', async () => {
    const res = await aov('mt', ['mpg', 'cyl', 'wt'], { posthoc: 'tukey' });
    const want = await rNumbers(
      ref,
      `{ t <- summary(aov(mpg ~ cyl + wt, data = mt))[[1]]; rbind(t(as.matrix(t)), (${EFFECTS})(t$Df, t[["Sum Sq"]])) }`,
    );
    assertClose(cols(res['table'], 1), want, 'ANCOVA');
    const a = res['assumptions'] as Record<string, unknown>;
    assert.equal(a['levene'], null);
    assert.equal(res['n'], 32);
    const hsd = await rNumbers(
      ref,
      'suppressWarnings(t(TukeyHSD(aov(mpg ~ cyl + wt, data = mt), which = "cyl")$cyl))',
    );
    assertClose(cols(res['posthoc'], 3), hsd, 'Tukey with a covariate');
    await checkRCode(csv, 'mt', res['r_code'], numbersIn(res['table']), 'ANCOVA');
  });
});
