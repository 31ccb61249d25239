/**
 * The tests of normality, variance and correlation of API 1.1 (shapiro.test, levene.test,
 * bartlett.test, cor.test) through the compute path on real R, as analyses-tests.test.ts
 * does for the tests of location, and the error cases of both.
 */
import assert from 'node:assert/strict';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { checkHtest, HT, htest, loadDatasets, type HtestCase } from '../fixtures/compute/htests.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, type Result } from '../fixtures/compute/run.ts';

describe('analyses: tests of normality, variance and correlation; bad requests', function () {
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
    csv = await loadDatasets(rt, ref, ['tg', 'aq', 'mt', 'tiny', 'big']);
  });
  after(async () => r?.stop());

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
    // The by variable is set up in r_code like the named ones (its levels in order).
    assert.match(by['r_code'] as string, /^aq\$Month <- factor\(aq\$Month, levels = /m);
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

  it('cor.test: Spearman and Kendall have null df and interval; n after na.omit', async () => {
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
    // Every htest key of API.md is there; null where R computes none.
    assert.ok(sp['df'] === null && sp['conf_int'] === null, JSON.stringify(sp));
    assert.ok(!('conf_level' in sp), JSON.stringify(sp));
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
    assert.deepEqual(missing, {
      code: 'not_found',
      message: 'variable "nope" not found in dataset "tiny"',
    });
  });
});
