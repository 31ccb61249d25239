/**
 * The tests of location, normality, variance and correlation of API 1.1 (t.test,
 * wilcox.test, kruskal.test, friedman.test, oneway.test, shapiro.test, levene.test,
 * bartlett.test, cor.test) through the compute path on real R: every number equals R's own
 * call on R's data sets (read from the same CSV text), `n` counts the rows used, and each
 * result's r_code prints the same numbers under Rscript.
 */
import assert from 'node:assert/strict';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import {
  checkHtest,
  effect,
  ES,
  HT,
  htest,
  loadDatasets,
  type HtestCase,
} from '../fixtures/compute/htests.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, type Result } from '../fixtures/compute/run.ts';

const TIES = '"cannot compute exact p-value with ties"';
const TIES_CI = '"cannot compute exact confidence intervals with ties"';
const both = (res: Result): unknown[] => [...htest(res), ...effect(res)];

describe('analyses: tests of location, normality, variance, correlation', function () {
  this.timeout(180_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;
  let ref: RConnection;
  let csv: Record<string, string>;
  const check = (c: HtestCase): Promise<Result> => checkHtest(rt, ref, csv, c);

  before(async () => {
    r = await startPanthrR();
    rt = await r.runtime();
    ref = await r.connect();
    await ref.eval('suppressMessages(loadNamespace("effectsize")); TRUE');
    csv = await loadDatasets(rt, ref, ['tg', 'sl', 'slw', 'aq', 'mt', 'rt', 'tiny', 'big']);
  });
  after(async () => r?.stop());

  it('t.test: one sample, Welch, pooled, with Cohen’s d', async () => {
    await check({
      ds: 'tg',
      test: 't.test',
      variables: ['len'],
      options: { mu: 18 },
      got: both,
      ref: `c(${HT('t.test(tg$len, mu = 18)')}, ${ES('effectsize::cohens_d(tg$len, mu = 18)')})`,
      n: '60',
    });
    const welch = await check({
      ds: 'tg',
      test: 't.test',
      variables: ['len', 'supp'],
      got: both,
      ref: `c(${HT('t.test(len ~ supp, data = tg)')},
        ${ES('effectsize::cohens_d(len ~ supp, data = tg, pooled_sd = TRUE)')})`,
      n: '60',
    });
    assert.deepEqual(welch['estimate_names'], ['mean in group A_VC', 'mean in group B_OJ']);
    assert.equal((welch['effect_size'] as { name: string }).name, 'cohens_d');
    await check({
      ds: 'aq',
      test: 't.test',
      variables: ['Ozone', 'Solar.R'],
      options: { 'var.equal': true, alternative: 'less', 'conf.level': 0.9, mu: -1 },
      got: both,
      ref: `{ d <- na.omit(aq[c("Ozone", "Solar.R")])
        c(${HT('t.test(d$Ozone, d$Solar.R, var.equal = TRUE, alternative = "less", conf.level = 0.9, mu = -1)')},
          ${ES('effectsize::cohens_d(d$Ozone, d$Solar.R, pooled_sd = TRUE, mu = -1)')}) }`,
      n: 'sum(complete.cases(aq[c("Ozone", "Solar.R")]))',
    });
  });

  it('t.test paired: two columns (incomplete pairs left out) and [y, group, id]', async () => {
    await check({
      ds: 'slw',
      test: 't.test',
      variables: ['before', 'after'],
      options: { paired: true },
      got: both,
      ref: `{ d <- na.omit(slw); c(${HT('t.test(slw$before, slw$after, paired = TRUE)')},
        ${ES('effectsize::cohens_d(d$before, d$after, paired = TRUE)')}) }`,
      n: '9',
    });
    // sl is shuffled: the pairs are found by id, not by row order.
    const byId = `{ a <- sl[sl$group == "A_g1", ]; a <- a[order(a$id), ]
      b <- sl[sl$group == "B_g2", ]; b <- b[order(b$id), ]; list(a$extra, b$extra) }`;
    const long = await check({
      ds: 'sl',
      test: 't.test',
      variables: ['extra', 'group', 'id'],
      options: { mu: 0.5 },
      got: both,
      ref: `{ p <- ${byId}; c(${HT('t.test(p[[1]], p[[2]], paired = TRUE, mu = 0.5)')},
        ${ES('effectsize::cohens_d(p[[1]], p[[2]], paired = TRUE, mu = 0.5)')}) }`,
      n: '20',
    });
    assert.equal(long['method'], 'Paired t-test');
  });

  it('wilcox.test: one sample, rank sum, signed rank by id, with the rank-biserial r', async () => {
    await check({
      ds: 'tg',
      test: 'wilcox.test',
      variables: ['len'],
      options: { mu: 20, exact: false },
      got: both,
      ref: `c(${HT('wilcox.test(tg$len, mu = 20, exact = FALSE, conf.int = TRUE)')},
        ${ES('effectsize::rank_biserial(tg$len, mu = 20)')})`,
      n: '60',
    });
    const rs = await check({
      ds: 'tg',
      test: 'wilcox.test',
      variables: ['len', 'supp'],
      options: { correct: false, 'conf.level': 0.9 },
      got: both,
      ref: `c(${HT('suppressWarnings(wilcox.test(len ~ supp, data = tg, correct = FALSE, conf.int = TRUE, conf.level = 0.9))')},
        ${ES('effectsize::rank_biserial(len ~ supp, data = tg)')})`,
      n: '60',
      warnings: `c(${TIES}, ${TIES_CI})`,
    });
    assert.equal((rs['effect_size'] as { name: string }).name, 'rank_biserial');
    await check({
      ds: 'sl',
      test: 'wilcox.test',
      variables: ['extra', 'group', 'id'],
      options: { alternative: 'greater' },
      got: both,
      ref: `{ a <- sl[sl$group == "A_g1", ]; a <- a[order(a$id), ]
        b <- sl[sl$group == "B_g2", ]; b <- b[order(b$id), ]
        c(${HT('suppressWarnings(wilcox.test(a$extra, b$extra, paired = TRUE, alternative = "greater", conf.int = TRUE))')},
          ${ES('effectsize::rank_biserial(a$extra, b$extra, paired = TRUE)')}) }`,
      n: '20',
      warnings: `c(${TIES}, "cannot compute exact confidence interval with ties",
        "cannot compute exact p-value with zeroes", "cannot compute exact confidence interval with zeroes")`,
    });
  });

  it('kruskal.test: pairwise Wilcoxon tests (holm, or as asked) and rank epsilon squared', async () => {
    for (const adjust of [undefined, 'bonferroni']) {
      const m = adjust ?? 'holm';
      const res = await check({
        ds: 'tg',
        test: 'kruskal.test',
        variables: ['len', 'dose'],
        ...(adjust === undefined ? {} : { options: { 'p.adjust': adjust } }),
        got: (x) => [
          ...htest(x),
          ...((x['posthoc'] as Result).rows ?? []).map((row) => row[2]),
          ...effect(x),
        ],
        ref: `{ p <- suppressWarnings(pairwise.wilcox.test(tg$len, tg$dose, p.adjust.method = "${m}"))$p.value
          c(${HT('kruskal.test(len ~ dose, data = tg)')}, p[lower.tri(p, diag = TRUE)],
            effectsize::rank_epsilon_squared(len ~ dose, data = tg, ci = NULL)[[1]]) }`,
        n: '60',
        warnings: TIES,
      });
      const ph = res['posthoc'] as { columns: string[]; rows: unknown[][] };
      assert.deepEqual(ph.columns, ['group1', 'group2', 'p_value']);
      assert.deepEqual(
        ph.rows.map((row) => row.slice(0, 2)),
        [
          ['A_d0.5', 'B_d1'],
          ['A_d0.5', 'C_d2'],
          ['B_d1', 'C_d2'],
        ],
      );
      assert.equal((res['effect_size'] as { conf_int: unknown }).conf_int, null);
    }
  });

  it('kruskal.test on a filter’s rows', async () => {
    const f = { type: 'filter', name: 'warm', dataset: 'aq', formula: 'Temp > 75' };
    const v = rt.validate(f);
    assert.ok(v.ok);
    await rt.run(v.object);
    await check({
      ds: 'aq',
      test: 'kruskal.test',
      variables: ['Ozone', 'Month'],
      filter: 'warm',
      got: (x) => [...htest(x), ...effect(x)],
      ref: `{ d <- aq[aq$Temp > 75, ]
        c(${HT('kruskal.test(Ozone ~ Month, data = d)')},
          effectsize::rank_epsilon_squared(Ozone ~ Month, data = d, ci = NULL)[[1]]) }`,
      n: 'sum(aq$Temp > 75 & !is.na(aq$Ozone))',
      warnings: TIES,
    });
  });

  it('friedman.test: blocks missing a value are left out, as its matrix form does', async () => {
    await check({
      ds: 'rt',
      test: 'friedman.test',
      variables: ['time', 'method', 'player'],
      got: htest,
      ref: HT('friedman.test(matrix(rt$time, ncol = 3, byrow = TRUE))'),
      n: '21 * 3',
      warnings: '"1 blocks without a value in every group were left out"',
    });
  });

  it('oneway.test: Welch by default, equal variances when asked', async () => {
    for (const ve of [false, true]) {
      await check({
        ds: 'aq',
        test: 'oneway.test',
        variables: ['Ozone', 'Month'],
        ...(ve ? { options: { 'var.equal': true } } : {}),
        got: htest,
        ref: HT(`oneway.test(Ozone ~ Month, data = aq, var.equal = ${ve ? 'TRUE' : 'FALSE'})`),
        n: 'sum(!is.na(aq$Ozone))',
      });
    }
  });

  it('shapiro.test: all values, or one row per group with by', async () => {
    await check({
      ds: 'aq',
      test: 'shapiro.test',
      variables: ['Ozone'],
      got: htest,
      ref: HT('shapiro.test(aq$Ozone)'),
      n: 'sum(!is.na(aq$Ozone))',
    });
    const by = await check({
      ds: 'aq',
      test: 'shapiro.test',
      variables: ['Ozone'],
      options: { by: 'Month' },
      got: (x) =>
        (x['rows'] as unknown as Record<string, unknown>[]).flatMap((g) => [
          g['statistic'],
          g['p_value'],
          g['n'],
        ]),
      ref: `lapply(split(aq$Ozone, aq$Month), function(v) { v <- v[!is.na(v)]
        h <- shapiro.test(v); c(h$statistic, h$p.value, length(v)) })`,
      n: 'sum(!is.na(aq$Ozone))',
    });
    assert.deepEqual(
      (by['rows'] as unknown as Record<string, unknown>[]).map((g) => g['group']),
      ['A_m5', 'B_m6', 'C_m7', 'D_m8', 'E_m9'],
    );
  });

  it('levene.test (median and mean centred) and bartlett.test', async () => {
    for (const center of ['median', 'mean']) {
      const res = await check({
        ds: 'aq',
        test: 'levene.test',
        variables: ['Ozone', 'Month'],
        options: { center },
        got: htest,
        ref: `{ d <- na.omit(aq[c("Ozone", "Month")])
          a <- anova(lm(abs(Ozone - ave(Ozone, Month, FUN = ${center})) ~ Month, data = d))
          c(a[1, "F value"], a[, "Df"], a[1, "Pr(>F)"]) }`,
        n: 'sum(!is.na(aq$Ozone))',
      });
      assert.equal(res['method'], `Levene's Test for Homogeneity of Variance (center = ${center})`);
    }
    await check({
      ds: 'aq',
      test: 'bartlett.test',
      variables: ['Ozone', 'Month'],
      got: htest,
      ref: HT('bartlett.test(Ozone ~ Month, data = aq)'),
      n: 'sum(!is.na(aq$Ozone))',
    });
  });

  it('cor.test: Spearman and Kendall leave out df and the interval; n after na.omit', async () => {
    const sp = await check({
      ds: 'aq',
      test: 'cor.test',
      variables: ['Ozone', 'Solar.R'],
      options: { method: 'spearman' },
      got: htest,
      ref: HT('suppressWarnings(cor.test(aq$Ozone, aq$Solar.R, method = "spearman"))'),
      n: 'sum(complete.cases(aq[c("Ozone", "Solar.R")]))',
      warnings: '"Cannot compute exact p-value with ties"',
    });
    assert.ok(!('df' in sp) && !('conf_int' in sp) && !('conf_level' in sp), JSON.stringify(sp));
    await check({
      ds: 'mt',
      test: 'cor.test',
      variables: ['hp', 'mpg'],
      options: { method: 'kendall', alternative: 'less', exact: false },
      got: htest,
      ref: HT('cor.test(mt$hp, mt$mpg, method = "kendall", alternative = "less", exact = FALSE)'),
      n: '32',
    });
    await check({
      ds: 'aq',
      test: 'cor.test',
      variables: ['Ozone', 'Temp'],
      options: { 'conf.level': 0.99 },
      got: htest,
      ref: HT('cor.test(aq$Ozone, aq$Temp, conf.level = 0.99)'),
      n: 'sum(!is.na(aq$Ozone))',
    });
  });

  it('refuses bad requests with the API’s codes', async () => {
    const t = (test: string, variables: string[], options?: Record<string, unknown>) => ({
      type: 'test',
      name: 'bad',
      test,
      dataset: 'tg',
      variables,
      ...(options === undefined ? {} : { options }),
    });
    const refused = (o: Record<string, unknown>, pattern: RegExp): void => {
      const v = rt.validate(o);
      assert.ok(!v.ok && v.code === 'invalid_object', JSON.stringify(v));
      assert.match(v.message, pattern);
    };
    refused(t('t.test', ['len', 'supp', 'dose', 'len']), /variables/);
    refused(t('kruskal.test', ['len']), /variables/);
    refused(t('levene.test', ['len', 'supp'], { center: 'trimmed' }), /center/);
    refused(t('wilcox.test', ['len'], { conf: 0.9 }), /unknown key "options.conf"/);
    const failing: [Record<string, unknown>, RegExp][] = [
      // Unvalidated objects reach R, which refuses them too.
      [t('wilcox.test', ['len'], { conf: 0.9 }), /unknown option "conf"/],
      [t('t.test', ['len', 'dose']), /exactly 2 levels with data, has 3/],
      [t('t.test', ['supp']), /"supp" is not scalar/],
      [t('kruskal.test', ['len', 'len']), /named twice/],
      [t('kruskal.test', ['supp', 'dose']), /"supp" is not scalar/],
      [t('bartlett.test', ['len', 'supp'], { center: 'mean' }), /unknown option "center"/],
      [
        t('t.test', ['len', 'supp'], { paired: true, mu: 1, alternative: 'sideways' }),
        /alternative/,
      ],
      [t('friedman.test', ['len', 'supp', 'dose']), /one value per group and block/],
    ];
    for (const [o, pattern] of failing) {
      const e = await errorOf(rt, o);
      assert.equal(e.code, 'invalid_object', JSON.stringify(e));
      assert.match(e.message, pattern);
    }
    const paired = await errorOf(rt, {
      ...t('t.test', ['mpg', 'am'], { paired: true }),
      dataset: 'mt',
    });
    assert.match(paired.message, /groups of equal size \(13 and 19\)/);
  });

  it('shapiro.test: outside R’s 3 to 5000 values is invalid_object saying so', async () => {
    const s = (dataset: string, options?: Record<string, unknown>) => ({
      type: 'test',
      name: 'sw',
      test: 'shapiro.test',
      dataset,
      variables: ['y'],
      ...(options === undefined ? {} : { options }),
    });
    const big = await errorOf(rt, s('big'));
    assert.deepEqual(big, {
      code: 'invalid_object',
      message: "shapiro.test needs 3 to 5000 values (R's limits), has 5001",
    });
    const group = await errorOf(rt, s('tiny', { by: 'g' }));
    assert.equal(group.code, 'invalid_object');
    assert.match(group.message, /3 to 5000 values.*group "A_a", has 2/);
    const missing = await errorOf(rt, s('tiny', { by: 'nope' }));
    assert.equal(missing.code, 'not_found');
  });
});
