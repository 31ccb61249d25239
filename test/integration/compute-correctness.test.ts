/**
 * Every report, test and model equals what R itself computes for the same call on the same
 * data (relative 1e-9), on datasets with and without missing values and with unbalanced
 * groups. R's side is computed here by plain R code on the same data frame in another
 * session of the same Rserve.
 */
import assert from 'node:assert/strict';
import { datasetToR } from '../../converters/index.ts';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { assertClose, rNumbers } from '../fixtures/compute/compare.ts';
import { DATASETS } from '../fixtures/compute/datasets.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { resultOf, type Result } from '../fixtures/compute/run.ts';

const DESCRIBE = `function(x) { ok <- x[!is.na(x)]; c(length(ok), sum(is.na(x)), mean(ok), sd(ok), min(ok),
  quantile(ok, c(0.25, 0.5, 0.75), names = FALSE, type = 7), max(ok)) }`;
const HTEST = (h: string): string =>
  `{ h <- ${h}; c(h$statistic, h$parameter, h$p.value, h$estimate, h$conf.int) }`;

describe('compute: results equal R’s own', function () {
  this.timeout(60_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;
  let ref: RConnection;

  before(async () => {
    r = await startPanthrR();
    rt = await r.runtime();
    ref = await r.connect();
    for (const d of DATASETS) {
      const out = await rt.run(d);
      assert.equal(out.reply[0]?.type, 'dataset');
    }
  });
  after(async () => r?.stop());

  for (const d of DATASETS) {
    const ds = d.name;
    const use = (): Promise<void> => ref.assign('df', datasetToR(d));
    const cells = (res: Result, from: number): unknown[] =>
      (res.rows ?? []).flatMap((row) => row.slice(from));
    const htest = (res: Result): unknown[] => [
      res['statistic'],
      ...(Array.isArray(res['df'])
        ? (res['df'] as unknown[])
        : res['df'] === null || res['df'] === undefined
          ? []
          : [res['df']]),
      res['p_value'],
      ...(res['estimate'] as unknown[]),
      ...((res['conf_int'] as unknown[] | undefined) ?? []),
    ];

    // The report and test requests of this dataset (each test below varies only the rest).
    const report = (reportType: string, o: Record<string, unknown>): Promise<Result> =>
      resultOf(rt, { type: 'report', name: 'r', reportType, dataset: ds, ...o });
    const test = (name: string, kind: string, o: Record<string, unknown>): Promise<Result> =>
      resultOf(rt, { type: 'test', name, test: kind, dataset: ds, ...o });

    describe(`dataset "${ds}"`, () => {
      beforeEach(use);

      it('descriptives of several variables', async () => {
        const res = await report('descriptives', { variables: ['y', 'x', 'z'] });
        assert.deepEqual(res.columns, [
          'variable',
          'n',
          'missing',
          'mean',
          'sd',
          'min',
          'q1',
          'median',
          'q3',
          'max',
        ]);
        const want = await rNumbers(
          ref,
          `lapply(c("y", "x", "z"), function(v) (${DESCRIBE})(df[[v]]))`,
        );
        assertClose(cells(res, 1), want, 'descriptives');
      });

      it('descriptives by an unbalanced group', async () => {
        const res = await report('descriptives', { variables: ['y'], by: 'g' });
        const want = await rNumbers(
          ref,
          `lapply(levels(df$g), function(l) (${DESCRIBE})(df$y[!is.na(df$g) & df$g == l]))`,
        );
        assertClose(cells(res, 2), want, 'descriptives by g');
      });

      it('descriptives of a filter’s rows', async () => {
        await resultOf(rt, {
          type: 'filter',
          name: `f_${ds}`,
          dataset: ds,
          formula: 'x > 10 & g != "c"',
        });
        const res = await report('descriptives', { variables: ['y'], filter: `f_${ds}` });
        const want = await rNumbers(
          ref,
          `{ k <- df$x > 10 & df$g != "c"; (${DESCRIBE})(df$y[!is.na(k) & k]) }`,
        );
        assertClose(cells(res, 1), want, 'filtered descriptives');
      });

      it('frequency tables (nominal, logical, ordinal) with missing values last', async () => {
        const res = await report('frequency', { variables: ['g', 'b', 'o'] });
        const want = await rNumbers(
          ref,
          `lapply(list(df$g, factor(df$b, levels = c(FALSE, TRUE)), df$o), function(x) {
             t <- table(x, useNA = "ifany"); rbind(as.vector(t), 100 * as.vector(t) / length(x)) })`,
        );
        assertClose(cells(res, 2), want, 'frequency');
        const missingRows = (res.rows ?? []).filter((row) => row[1] === null).length;
        const wantMissing = await rNumbers(ref, 'sum(c(anyNA(df$g), anyNA(df$b), anyNA(df$o)))');
        assert.equal(missingRows, wantMissing[0]);
      });

      it('t.test: one sample, two unbalanced groups (Welch and pooled), paired', async () => {
        const cases: [Record<string, unknown>, string][] = [
          [
            { variables: ['y'], options: { mu: 10, alternative: 'less' } },
            't.test(df$y, mu = 10, alternative = "less")',
          ],
          [{ variables: ['y', 'g2'] }, 't.test(y ~ g2, data = df)'],
          [
            { variables: ['y', 'g2'], options: { 'var.equal': true, 'conf.level': 0.9 } },
            't.test(y ~ g2, data = df, var.equal = TRUE, conf.level = 0.9)',
          ],
          [
            { variables: ['y', 'x'], options: { paired: true } },
            't.test(df$y, df$x, paired = TRUE)',
          ],
        ];
        for (const [o, code] of cases) {
          const res = await test('t', 't.test', o);
          assertClose(htest(res), await rNumbers(ref, HTEST(code)), code);
        }
      });

      it('chisq.test with and without the continuity correction, warnings kept', async () => {
        const cases: [Record<string, unknown>, string][] = [
          [{ variables: ['g', 'o'] }, 'chisq.test(table(df$g, df$o))'],
          [
            { variables: ['g2', 'b'] },
            'chisq.test(table(df$g2, factor(df$b, levels = c(FALSE, TRUE))))',
          ],
          [
            { variables: ['g2', 'b'], options: { correct: false } },
            'chisq.test(table(df$g2, factor(df$b, levels = c(FALSE, TRUE))), correct = FALSE)',
          ],
        ];
        for (const [o, code] of cases) {
          const res = await test('t', 'chisq.test', o);
          const want = await rNumbers(
            ref,
            `suppressWarnings({ h <- ${code}; list(h$statistic, h$parameter, h$p.value, t(h$observed), t(h$expected)) })`,
          );
          const table = (k: string): unknown[] => cells(res[k] as Result, 1);
          assertClose(
            [
              res['statistic'],
              res['df'],
              res['p_value'],
              ...table('observed'),
              ...table('expected'),
            ],
            want,
            code,
          );
          const warned = await ref.eval(
            `tryCatch({ ${code}; "" }, warning = function(w) conditionMessage(w))`,
          );
          const w = warned.kind === 'string' ? warned.values[0] : '';
          assert.deepEqual(res['warnings'], w ? [w] : [], `${code}: warnings`);
        }
      });

      it('cor.test: pearson, spearman, kendall', async () => {
        for (const method of ['pearson', 'spearman', 'kendall']) {
          const res = await test('t', 'cor.test', { variables: ['x', 'y'], options: { method } });
          const code = `suppressWarnings(cor.test(df$x, df$y, method = "${method}"))`;
          assertClose(htest(res), await rNumbers(ref, HTEST(code)), method);
        }
      });

      it('lm with a scalar and a nominal term', async () => {
        const res = await test('m', 'lm', { variables: ['y', 'x', 'z', 'g'] });
        const s = 's <- summary(lm(y ~ x + z + g, data = df))';
        const want = await rNumbers(
          ref,
          `{ ${s}; f <- s$fstatistic; list(t(coef(s)), s$r.squared, s$adj.r.squared, s$sigma, f[2:3], f[1],
             pf(f[1], f[2], f[3], lower.tail = FALSE)) }`,
        );
        const co = res['coefficients'] as Result;
        // The 1.0 columns (API 1.1 adds conf_low, conf_high, std_estimate after them).
        const got = [
          ...(co.rows ?? []).flatMap((row) => row.slice(1, 5)),
          res['r_squared'],
          res['adj_r_squared'],
          res['sigma'],
          ...(res['df'] as unknown[]),
          res['f_statistic'],
          res['p_value'],
        ];
        assertClose(got, want, 'lm');
        const terms = await ref.eval(`{ ${s}; rownames(coef(s)) }`);
        assert.deepEqual(
          (co.rows ?? []).map((row) => row[0]),
          terms.kind === 'string' ? terms.values : null,
        );
      });

      it('aov of an unbalanced one-way design', async () => {
        const res = await test('a', 'aov', { variables: ['y', 'g'] });
        const want = await rNumbers(
          ref,
          '{ t <- summary(aov(y ~ g, data = df))[[1]]; t(as.matrix(t)) }',
        );
        // The 1.0 columns (API 1.1 adds the effect sizes after them).
        const table = (res['table'] as Result).rows ?? [];
        assertClose(
          table.flatMap((row) => row.slice(1, 6)),
          want,
          'aov',
        );
      });
    });
  }
});
