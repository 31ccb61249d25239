/**
 * cor, alpha, prcomp and factanal of API 1.1 through the server's compute path, on R's
 * attitude data and psych's bfi items uploaded as CSV: every number equals R's own (1e-9
 * relative) computed here in another session, and each result's r_code reprints its
 * numbers under Rscript. Also their refusals.
 */
import assert from 'node:assert/strict';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { assertClose, rNumbers } from '../fixtures/compute/compare.ts';
import { checkRCode, loadModelDatasets, numbersIn, type Csv } from '../fixtures/compute/models.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, resultOf, type Result } from '../fixtures/compute/run.ts';

const rows = (t: unknown): unknown[][] => (t as Result).rows ?? [];
const cols = (t: unknown, from: number, to?: number): unknown[] =>
  rows(t).flatMap((r) => r.slice(from, to));
const ATT = ['rating', 'complaints', 'privileges', 'learning', 'raises', 'critical', 'advance'];
const ITEMS = ['A1', 'A2', 'A3', 'A4', 'A5'];

describe('models (API 1.1): cor, alpha, prcomp, factanal', function () {
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

  const run = (
    test: string,
    dataset: string,
    variables: string[],
    options: object = {},
  ): Promise<Result> =>
    resultOf(rt, { type: 'test', name: 'm', test, dataset, variables, options });

  it('cor: cor.test of every pair (pearson, kendall), r 1 and p null on the diagonal', async () => {
    const vars = ATT.slice(0, 4);
    for (const method of ['pearson', 'kendall']) {
      const res = await run('cor', 'att', vars, { method });
      const m = res['matrix'] as Record<string, unknown>;
      assert.deepEqual(m['variables'], vars);
      const want = await rNumbers(
        ref,
        `{ d <- attitude[${JSON.stringify(vars).replace(/^\[/, 'c(').replace(/\]$/, ')')}]; k <- ncol(d)
           r <- diag(k); p <- matrix(NA, k, k)
           for (i in 1:k) for (j in 1:k) if (i != j) {
             h <- suppressWarnings(cor.test(d[[i]], d[[j]], method = "${method}"))
             r[i, j] <- h$estimate; p[i, j] <- h$p.value }
           list(t(r), t(p)) }`,
      );
      assertClose(
        [...(m['r'] as unknown[][]).flat(), ...(m['p_value'] as unknown[][]).flat()],
        want,
        method,
      );
      assert.deepEqual(
        m['n'],
        Array.from({ length: 4 }, () => [30, 30, 30, 30]),
      );
      assert.equal(res['n'], 30);
      await checkRCode(csv, 'att', res['r_code'], numbersIn([m['r'], m['p_value']]), method);
    }
  });

  it('alpha: psych::alpha with a reversed item, and raw alpha by its formula', async () => {
    const res = await run('alpha', 'bfi5', ITEMS, { reverse: ['A1'] });
    const want = await rNumbers(
      ref,
      `{ d <- na.omit(bfi5); a <- psych::alpha(d, keys = "A1")
         list(a$total$raw_alpha, a$total$std.alpha,
              rbind(a$item.stats$r.drop, a$alpha.drop$raw_alpha, a$item.stats$mean, a$item.stats$sd), nrow(d)) }`,
    );
    const items = res['items'] as Result;
    assert.deepEqual(items.columns, ['item', 'r_drop', 'alpha_if_dropped', 'mean', 'sd']);
    assert.deepEqual(
      rows(items).map((x) => x[0]),
      ITEMS,
    );
    assertClose([res['raw_alpha'], res['std_alpha'], ...cols(items, 1), res['n']], want, 'alpha');
    // Cronbach's formula on the reversed items (psych reverses as max + min - x over all items).
    const formula = await rNumbers(
      ref,
      `{ d <- na.omit(bfi5); d$A1 <- max(d) + min(d) - d$A1; k <- ncol(d)
         k / (k - 1) * (1 - sum(sapply(d, var)) / var(rowSums(d))) }`,
    );
    assertClose([res['raw_alpha']], formula, 'alpha formula');
    // psych's note on items of many values ("Number of categories should be increased") is
    // not a result: it must not reach R's stderr, which the server logs as a warning.
    const said = await ref.eval(
      'capture.output(invisible(panthr_test("alpha", att, c("rating", "complaints", "learning"))), type = "message")',
    );
    assert.deepEqual(said.kind === 'string' ? said.values : ['not a string'], []);
    await checkRCode(
      csv,
      'bfi5',
      res['r_code'],
      numbersIn([res['raw_alpha'], res['std_alpha'], items]),
      'alpha',
    );
  });

  it('prcomp: scaled by default and unscaled', async () => {
    for (const scale of [true, false]) {
      const res = await run('prcomp', 'att', ATT, scale ? {} : { scale });
      const want = await rNumbers(
        ref,
        `{ p <- prcomp(attitude, scale. = ${scale ? 'TRUE' : 'FALSE'}); list(p$sdev, p$sdev^2 / sum(p$sdev^2), t(p$rotation)) }`,
      );
      const loadings = res['loadings'] as Result;
      assert.deepEqual(loadings.columns, [
        'variable',
        'PC1',
        'PC2',
        'PC3',
        'PC4',
        'PC5',
        'PC6',
        'PC7',
      ]);
      assertClose(
        [
          ...(res['sdev'] as unknown[]),
          ...(res['variance_explained'] as unknown[]),
          ...cols(loadings, 1),
        ],
        want,
        `scale ${scale}`,
      );
      await checkRCode(csv, 'att', res['r_code'], numbersIn([res['sdev'], loadings]), 'prcomp');
    }
  });

  it('factanal: two factors, varimax and promax', async () => {
    for (const rotation of ['varimax', 'promax']) {
      const res = await run('factanal', 'att', ATT, { factors: 2, rotation });
      const want = await rNumbers(
        ref,
        `{ f <- factanal(attitude, factors = 2, rotation = "${rotation}")
           list(t(unclass(f$loadings)), f$uniquenesses, f$STATISTIC, f$dof, f$PVAL) }`,
      );
      const loadings = res['loadings'] as Result;
      assert.deepEqual(loadings.columns, ['variable', 'Factor1', 'Factor2']);
      assertClose(
        [
          ...cols(loadings, 1),
          ...(res['uniquenesses'] as unknown[]),
          res['statistic'],
          res['df'],
          res['p_value'],
        ],
        want,
        rotation,
      );
      await checkRCode(
        csv,
        'att',
        res['r_code'],
        numbersIn([loadings, res['uniquenesses']]),
        rotation,
      );
    }
  });

  it('refuses bad requests with the API codes, and stores nothing', async () => {
    const refused = async (
      test: string,
      dataset: string,
      variables: string[],
      options: object,
    ): Promise<{ code: string; message: string }> => {
      const raw = { type: 'test', name: 'bad', test, dataset, variables, options };
      const v = rt.validate(raw);
      if (!v.ok) return { code: v.code, message: v.message };
      return errorOf(rt, raw);
    };
    const cases: [string, string, string[], object, string, RegExp][] = [
      ['cor', 'att', ['rating'], {}, 'invalid_object', /variables/],
      ['cor', 'mt', ['mpg', 'cyl'], {}, 'invalid_object', /not scalar/],
      ['cor', 'att', ['rating', 'learning'], { method: 'pearsons' }, 'invalid_object', /method/],
      ['alpha', 'bfi5', ITEMS, { reverse: ['A9'] }, 'invalid_object', /A9/],
      ['factanal', 'att', ATT, { factors: 4 }, 'invalid_object', /too many/],
      ['factanal', 'att', ATT, { factors: 1.5 }, 'invalid_object', /factors/],
      ['factanal', 'att', ATT, { rotation: 'oblimin' }, 'invalid_object', /rotation/],
      ['prcomp', 'att', ATT, { scale: 'yes' }, 'invalid_object', /scale/],
    ];
    for (const [test, dataset, variables, options, code, message] of cases) {
      const e = await refused(test, dataset, variables, options);
      assert.equal(e.code, code, `${test} ${JSON.stringify(options)}`);
      assert.match(e.message, message);
    }
  });
});
