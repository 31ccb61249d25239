/**
 * The tests of location of API 1.1 (t.test, wilcox.test, kruskal.test, friedman.test,
 * oneway.test) through the compute path on real R: every number equals R's own call on R's
 * data sets (read from the same CSV text), `n` counts the rows used, and each result's
 * r_code prints the same numbers under Rscript. analyses-spread.test.ts does the others.
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
import { type Result } from '../fixtures/compute/run.ts';
import { assertClose, rNumbers } from '../fixtures/compute/compare.ts';

const TIES = '"cannot compute exact p-value with ties"';
const TIES_CI = '"cannot compute exact confidence intervals with ties"';
const both = (res: Result): unknown[] => [...htest(res), ...effect(res)];

describe('analyses: tests of location', function () {
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
    csv = await loadDatasets(rt, ref, ['tg', 'sl', 'slw', 'aq', 'rt']);
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
    // Each group's n, mean, sd and standard error (extension), as R computes them.
    const desc = welch['descriptives'] as Result;
    assert.deepEqual(desc.columns, ['sample', 'n', 'mean', 'sd', 'se']);
    assert.deepEqual(
      desc.rows?.map((row) => row[0]),
      ['A_VC', 'B_OJ'],
    );
    assertClose(
      desc.rows?.flatMap((row) => row.slice(1)) ?? [],
      await rNumbers(
        ref,
        'c(sapply(split(tg$len, tg$supp), function(v) c(length(v), mean(v), sd(v), sd(v) / sqrt(length(v)))))',
      ),
      'the groups’ descriptives',
    );
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
});
