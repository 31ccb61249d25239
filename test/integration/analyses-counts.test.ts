/**
 * The tests of counts of API 1.1 (chisq.test of independence and goodness of fit,
 * fisher.test, mcnemar.test, binom.test, prop.test) through the compute path on real R:
 * every number equals R's own call on R's data sets (read from the same CSV text), `n`
 * counts the rows used, and each result's r_code prints the same numbers under Rscript.
 */
import assert from 'node:assert/strict';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import {
  cells,
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

/** A chi-squared result's tables, in the order of {@link CHISQ_REF}. */
const tables = (res: Result): unknown[] => {
  const pct = res['percent'] as Record<string, unknown>;
  return [
    ...cells(res['observed']),
    ...cells(res['expected']),
    ...cells(res['residuals']),
    ...['row', 'column', 'total'].flatMap((k) => (k in pct ? cells(pct[k]) : [])),
  ];
};
/** R's numbers of chisq.test on table `t` (row-major cells, as the result's tables). */
const CHISQ_REF = (t: string, args = ''): string => `{ t <- ${t}; h <- chisq.test(t${args})
  rm <- function(m) c(t(m))
  c(${HT('h')}, rm(h$observed), rm(h$expected), rm(h$stdres), rm(prop.table(t, 1) * 100),
    rm(prop.table(t, 2) * 100), rm(prop.table(t) * 100)) }`;

describe('analyses: tests of counts', function () {
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
    csv = await loadDatasets(rt, ref, ['mt', 'perf']);
  });
  after(async () => r?.stop());

  it('chisq.test [a, b]: residuals, percent tables, Cramér’s V (uncorrected X2)', async () => {
    const res = await check({
      ds: 'mt',
      test: 'chisq.test',
      variables: ['cyl', 'am'],
      got: (x) => [...htest(x), ...tables(x), ...effect(x)],
      ref: `c(${CHISQ_REF('table(mt$cyl, mt$am)')},
        ${ES('effectsize::cramers_v(table(mt$cyl, mt$am), adjust = FALSE)')})`,
      n: '32',
      warnings: '"Chi-squared approximation may be incorrect"',
    });
    const es = res['effect_size'] as { name: string };
    assert.equal(es.name, 'cramers_v');
    assert.deepEqual((res['residuals'] as Result).columns, ['cyl', 'A_manual', 'B_automatic']);
    // 2x2 with Yates' correction: V still comes from the uncorrected statistic.
    await check({
      ds: 'mt',
      test: 'chisq.test',
      variables: ['am', 'vs'],
      got: (x) => [...htest(x), ...tables(x), ...effect(x)],
      ref: `c(${CHISQ_REF('table(mt$am, mt$vs)')},
        ${ES('effectsize::cramers_v(table(mt$am, mt$vs), adjust = FALSE)')})`,
      n: '32',
    });
  });

  it('chisq.test [a]: goodness of fit, equal or given proportions, Fei', async () => {
    for (const p of [undefined, [0.5, 0.3, 0.2]]) {
      const args = p === undefined ? '' : ', p = c(0.5, 0.3, 0.2)';
      // `correct` as R takes it for one variable: accepted, used only for a 2 x 2 table.
      const res = await check({
        ds: 'mt',
        test: 'chisq.test',
        variables: ['gear'],
        options: p === undefined ? { correct: false } : { p, correct: true },
        got: (x) => [...htest(x), ...tables(x), ...effect(x)],
        ref: `{ t <- table(mt$gear); h <- chisq.test(t${args})
          c(${HT('h')}, h$observed, h$expected, h$stdres, prop.table(t) * 100,
            ${ES(`effectsize::fei(t${args})`)}) }`,
        n: '32',
      });
      assert.equal((res['effect_size'] as { name: string }).name, 'fei');
      assert.deepEqual(Object.keys(res['percent'] as object), ['total']);
    }
  });

  it('fisher.test: 2x2 with the odds ratio, r x c without', async () => {
    await check({
      ds: 'mt',
      test: 'fisher.test',
      variables: ['am', 'vs'],
      options: { alternative: 'greater', 'conf.level': 0.9 },
      got: htest,
      ref: HT('fisher.test(table(mt$am, mt$vs), alternative = "greater", conf.level = 0.9)'),
      n: '32',
    });
    const rc = await check({
      ds: 'mt',
      test: 'fisher.test',
      variables: ['cyl', 'gear'],
      got: htest,
      ref: HT('fisher.test(table(mt$cyl, mt$gear))'),
      n: '32',
    });
    assert.ok(
      rc['statistic'] === null && rc['df'] === null && rc['estimate'] === null,
      JSON.stringify(rc),
    );
  });

  it('mcnemar.test: paired nominal, with and without the correction', async () => {
    for (const correct of [true, false]) {
      await check({
        ds: 'perf',
        test: 'mcnemar.test',
        variables: ['first', 'second'],
        ...(correct ? {} : { options: { correct } }),
        got: htest,
        ref: HT(`mcnemar.test(perf$first, perf$second, correct = ${correct ? 'TRUE' : 'FALSE'})`),
        n: '1600',
      });
    }
    // Different categories (text against logical) are paired by position, as R pairs them.
    await check({
      ds: 'mt',
      test: 'mcnemar.test',
      variables: ['vs', 'manual'],
      got: htest,
      ref: HT('mcnemar.test(mt$vs, mt$manual)'),
      n: '32',
    });
  });

  it('binom.test: the share of one level (first by default, or success)', async () => {
    await check({
      ds: 'mt',
      test: 'binom.test',
      variables: ['am'],
      got: htest,
      ref: HT('binom.test(sum(mt$am == "A_manual"), 32)'),
      n: '32',
    });
    await check({
      ds: 'mt',
      test: 'binom.test',
      variables: ['vs'],
      options: { success: 'B_straight', p: 0.3, alternative: 'less', 'conf.level': 0.9 },
      got: htest,
      ref: HT(
        'binom.test(sum(mt$vs == "B_straight"), 32, p = 0.3, alternative = "less", conf.level = 0.9)',
      ),
      n: '32',
    });
  });

  it('binom.test and prop.test of a logical variable: true by default, or success false', async () => {
    await check({
      ds: 'mt',
      test: 'binom.test',
      variables: ['manual'],
      got: htest,
      ref: HT('binom.test(sum(mt$manual), 32)'),
      n: '32',
    });
    await check({
      ds: 'mt',
      test: 'prop.test',
      variables: ['manual', 'vs'],
      options: { success: false },
      got: htest,
      ref: HT('prop.test(tapply(!mt$manual, mt$vs, sum), table(mt$vs))'),
      n: '32',
    });
  });

  it('prop.test: one proportion, and equal proportions across groups', async () => {
    await check({
      ds: 'mt',
      test: 'prop.test',
      variables: ['am'],
      options: { success: 'B_automatic', p: 0.7, correct: false },
      got: htest,
      ref: HT('prop.test(sum(mt$am == "B_automatic"), 32, p = 0.7, correct = FALSE)'),
      n: '32',
    });
    await check({
      ds: 'mt',
      test: 'prop.test',
      variables: ['am', 'cyl'],
      got: htest,
      ref: `{ k <- tapply(mt$am == "A_manual", mt$cyl, sum); n <- table(mt$cyl)
        ${HT('suppressWarnings(prop.test(k, n))')} }`,
      n: '32',
      warnings: '"Chi-squared approximation may be incorrect"',
    });
    // One p per group: R's null value is all of them, and so is the result's.
    const perGroup = await check({
      ds: 'mt',
      test: 'prop.test',
      variables: ['am', 'cyl'],
      options: { p: [0.4, 0.5, 0.6] },
      got: htest,
      ref: `{ k <- tapply(mt$am == "A_manual", mt$cyl, sum); n <- table(mt$cyl)
        ${HT('suppressWarnings(prop.test(k, n, p = c(0.4, 0.5, 0.6)))')} }`,
      n: '32',
      warnings: '"Chi-squared approximation may be incorrect"',
    });
    assert.deepEqual(perGroup['null_value'], [0.4, 0.5, 0.6]);
  });

  it('refuses bad requests with the API’s codes', async () => {
    const t = (test: string, variables: string[], options?: Record<string, unknown>) => ({
      type: 'test',
      name: 'bad',
      test,
      dataset: 'mt',
      variables,
      ...(options === undefined ? {} : { options }),
    });
    const v = rt.validate(t('fisher.test', ['am', 'vs'], { correct: true }));
    assert.ok(!v.ok && v.code === 'invalid_object' && /options\.correct/.test(v.message));
    const failing: [Record<string, unknown>, RegExp][] = [
      [t('chisq.test', ['gear'], { p: [0.5, 0.5] }), /3 proportions, one per level of "gear"/],
      [t('chisq.test', ['gear'], { p: [0.5, 0.3, 0.3] }), /must sum to 1/],
      [t('chisq.test', ['am', 'vs'], { p: [0.5, 0.5] }), /goodness of fit/],
      [t('chisq.test', ['mpg', 'am']), /"mpg" is not nominal/],
      [t('binom.test', ['am'], { success: 'maybe' }), /success must be a level of "am"/],
      [t('prop.test', ['am', 'cyl'], { p: [0.5, 0.5] }), /one number per group with data \(3\)/],
      [t('mcnemar.test', ['am', 'am']), /named twice/],
    ];
    for (const [o, pattern] of failing) {
      const e = await errorOf(rt, o);
      assert.equal(e.code, 'invalid_object', JSON.stringify(e));
      assert.match(e.message, pattern);
    }
  });
});
