/**
 * lm and glm of API 1.1 through the server's compute path, on R's data sets uploaded as
 * CSV: every number equals R's own (1e-9 relative) computed here in another session, and
 * each result's r_code reprints its numbers under Rscript. Also the models' refusals.
 */
import assert from 'node:assert/strict';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { assertClose, rNumbers } from '../fixtures/compute/compare.ts';
import { checkRCode, loadModelDatasets, numbersIn, type Csv } from '../fixtures/compute/models.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, resultOf, runRaw, type Result } from '../fixtures/compute/run.ts';
import type { PanthrDataset } from '../../converters/index.ts';

const rows = (t: unknown): unknown[][] => (t as Result).rows ?? [];
const cols = (t: unknown, from: number, to?: number): unknown[] =>
  rows(t).flatMap((r) => r.slice(from, to));

// Estimates on z-scored numeric columns of the rows used; NA for the named factor terms.
const STD = (vars: string, numeric: string, formula: string, na: string): string =>
  `{ z <- na.omit(mt[${vars}]); z[${numeric}] <- lapply(z[${numeric}], function(v) as.numeric(scale(v)))
     zc <- coef(lm(${formula}, data = z)); zc[${na}] <- NA; zc }`;

describe('models (API 1.1): lm and glm', function () {
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

  const model = (test: string, variables: string[], options: object = {}): Promise<Result> =>
    resultOf(rt, { type: 'test', name: 'm', test, dataset: 'mt', variables, options });

  it('lm with a nominal predictor: coefficients, intervals, std estimates, fit, GVIF, DW', async () => {
    const res = await model('lm', ['mpg', 'wt', 'hp', 'cyl']);
    assert.equal(res['n'], 31);
    const co = res['coefficients'] as Result;
    assert.deepEqual(co.columns, [
      'term',
      'estimate',
      'std_error',
      't_value',
      'p_value',
      'conf_low',
      'conf_high',
      'std_estimate',
    ]);
    assert.deepEqual(
      rows(co).map((x) => x[0]),
      ['(Intercept)', 'wt', 'hp', 'cylc6', 'cylc8'],
    );
    const fit = 'fit <- lm(mpg ~ wt + hp + cyl, data = mt)';
    const std = STD(
      'c("mpg", "wt", "hp", "cyl")',
      'c("mpg", "wt", "hp")',
      'mpg ~ wt + hp + cyl',
      'c("cylc6", "cylc8")',
    );
    const want = await rNumbers(
      ref,
      `{ ${fit}; rbind(t(coef(summary(fit))), t(confint(fit)), ${std}) }`,
    );
    assertClose(cols(co, 1), want, 'coefficients');
    const fitStats = await rNumbers(
      ref,
      `{ ${fit}; s <- summary(fit); e <- residuals(fit); f <- s$fstatistic
         c(s$r.squared, s$adj.r.squared, s$sigma, f[2:3], f[1], pf(f[1], f[2], f[3], lower.tail = FALSE),
           AIC(fit), BIC(fit), sum(diff(e)^2) / sum(e^2)) }`,
    );
    const keys = ['r_squared', 'adj_r_squared', 'sigma', 'df', 'f_statistic', 'p_value'];
    const got = [
      ...keys.flatMap((k) => numbersIn(res[k])),
      res['aic'],
      res['bic'],
      res['durbin_watson'],
    ];
    assertClose(got, fitStats, 'fit');
    // GVIF (Fox & Monette): det(R_term) det(R_rest) / det(R) of the coefficients' correlations.
    const gvif = await rNumbers(
      ref,
      `{ ${fit}; R <- cov2cor(vcov(fit)[-1, -1]); a <- attr(model.matrix(fit), "assign")[-1]
         g <- sapply(1:3, function(t) { s <- a == t; det(R[s, s, drop = FALSE]) * det(R[!s, !s, drop = FALSE]) / det(R) })
         rbind(g, c(1, 1, 2), g^(1 / (2 * c(1, 1, 2)))) }`,
    );
    const vif = res['vif'] as Result;
    assert.deepEqual(vif.columns, ['term', 'vif', 'df', 'vif_adj']);
    assert.deepEqual(
      rows(vif).map((x) => x[0]),
      ['wt', 'hp', 'cyl'],
    );
    assertClose(cols(vif, 1), gvif, 'GVIF');
    await checkRCode(csv, 'mt', res['r_code'], numbersIn([co, got, cols(vif, 1)]), 'lm');
  });

  it('lm VIF of numeric predictors is 1 / (1 - R²) of each on the others; null with one', async () => {
    const res = await model('lm', ['mpg', 'wt', 'disp', 'qsec']);
    const want = await rNumbers(
      ref,
      `{ d <- na.omit(mt[c("mpg", "wt", "disp", "qsec")])
         sapply(list(wt ~ disp + qsec, disp ~ wt + qsec, qsec ~ wt + disp),
                function(f) 1 / (1 - summary(lm(f, data = d))$r.squared)) }`,
    );
    assertClose(cols(res['vif'], 1, 2), want, 'VIF');
    const one = await model('lm', ['mpg', 'wt']);
    assert.equal(one['vif'], null);
    // A predictor that is a linear combination of others: car::vif stops, so no numbers.
    const aliased = await model('lm', ['mpg', 'wt', 'wt2', 'cyl']);
    assert.equal(aliased['vif'], null);
    assert.deepEqual(aliased['warnings'], [
      'left out of the model (not estimable: constant, or a linear combination of the other predictors): wt2',
      'vif is not computed: there are aliased coefficients in the model (a predictor is a linear combination of the others)',
    ]);
    assert.deepEqual(
      rows(aliased['coefficients']).map((x) => x[0]),
      ['(Intercept)', 'wt', 'cylc6', 'cylc8'],
    );
    // A constant predictor is aliased with the intercept: R fits the model without it, and
    // so does the server (its standardised refit once failed on the constant's NaN z-scores).
    const constant = await model('lm', ['mpg', 'wt', 'k']);
    assert.deepEqual(
      rows(constant['coefficients']).map((x) => x[0]),
      ['(Intercept)', 'wt'],
    );
    const fit = 'fit <- lm(mpg ~ wt + k, data = mt)';
    const wantConstant = await rNumbers(
      ref,
      `{ ${fit}; z <- mt[c("mpg", "wt")]; z[] <- lapply(z, function(v) as.numeric(scale(v)))
         rbind(t(coef(summary(fit))), t(confint(fit)[!is.na(coef(fit)), ]),
               coef(lm(mpg ~ wt, data = z))) }`,
    );
    assertClose(cols(constant['coefficients'], 1), wantConstant, 'lm with a constant');
    assert.match(String((constant['warnings'] as string[])[0]), /left out of the model .*: k$/);
    const logistic = await model('glm', ['am', 'wt', 'k']);
    assert.deepEqual(
      rows(logistic['coefficients']).map((x) => x[0]),
      ['(Intercept)', 'wt'],
    );
    assert.match(String((logistic['warnings'] as string[])[0]), /left out of the model .*: k$/);
  });

  it('lm with interactions, numeric and with a factor: terms and std estimates', async () => {
    const num = await model('lm', ['mpg', 'wt', 'hp'], { interactions: true });
    assert.deepEqual(
      rows(num['coefficients']).map((x) => x[0]),
      ['(Intercept)', 'wt', 'hp', 'wt:hp'],
    );
    const want = await rNumbers(
      ref,
      `{ fit <- lm(mpg ~ wt * hp, data = mt)
         rbind(t(coef(summary(fit))), t(confint(fit)), ${STD('c("mpg", "wt", "hp")', 'c("mpg", "wt", "hp")', 'mpg ~ wt * hp', 'character()')}) }`,
    );
    assertClose(cols(num['coefficients'], 1), want, 'wt * hp');
    const fac = await model('lm', ['mpg', 'wt', 'engine'], { interactions: true });
    const co = rows(fac['coefficients']);
    assert.deepEqual(
      co.map((x) => x[0]),
      ['(Intercept)', 'wt', 'enginev', 'wt:enginev'],
    );
    assert.deepEqual(
      co.map((x) => x[7] === null),
      [false, false, true, true],
    );
    await checkRCode(csv, 'mt', fac['r_code'], numbersIn(fac['coefficients']), 'lm interactions');
  });

  it("lm and glm with an ordinal predictor: R's default polynomial contrasts (.L, .Q)", async () => {
    // `cyl` made ordinal c4 < c6 < c8 in a copy of the dataset, as the workspace would.
    const mt = rt.list().find((o) => o.name === 'mt') as unknown as PanthrDataset;
    const variables = mt.variables.map((v) =>
      v.name === 'cyl' ? { ...v, variableType: 'ordinal' as const, labels: ['c4', 'c6', 'c8'] } : v,
    );
    const stored = await runRaw(rt, { type: 'dataset', name: 'mto', variables });
    assert.notEqual(stored.reply[0]?.type, 'error', JSON.stringify(stored.reply[0]));
    await ref.eval(
      '{ mto <- mt; mto$cyl <- factor(mto$cyl, levels = c("c4", "c6", "c8"), ordered = TRUE); TRUE }',
    );
    const res = await resultOf(rt, {
      type: 'test',
      name: 'm',
      test: 'lm',
      dataset: 'mto',
      variables: ['mpg', 'wt', 'cyl'],
      options: { interactions: true },
    });
    const co = rows(res['coefficients']);
    assert.deepEqual(
      co.map((x) => x[0]),
      ['(Intercept)', 'wt', 'cyl.L', 'cyl.Q', 'wt:cyl.L', 'wt:cyl.Q'],
    );
    const want = await rNumbers(
      ref,
      `{ fit <- lm(mpg ~ wt * cyl, data = mto); rbind(t(coef(summary(fit))), t(confint(fit))) }`,
    );
    assertClose(cols(res['coefficients'], 1, 7), want, 'lm wt * cyl (ordinal)');
    await checkRCode(
      { mto: csv['mt']! },
      'mto',
      res['r_code'],
      numbersIn(res['coefficients']),
      'lm ordinal',
    );
    const g = await resultOf(rt, {
      type: 'test',
      name: 'g',
      test: 'glm',
      dataset: 'mto',
      variables: ['engine', 'cyl'],
      options: { family: 'binomial' },
    });
    assert.deepEqual(
      rows(g['coefficients']).map((x) => x[0]),
      ['(Intercept)', 'cyl.L', 'cyl.Q'],
    );
  });

  it('coefficient names of interactions hold levels with ":" as R writes them', async () => {
    const y = [3.1, 4.2, 2.2, 5.9, 4.4, 6.1, 2.8, 7.3, 3.3, 6.6];
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const g = ['a:1', 'b:2', 'a:1', 'b:2', 'a:1', 'b:2', 'a:1', 'b:2', 'a:1', 'b:2'];
    await resultOf(rt, {
      type: 'dataset',
      name: 'odd',
      variables: [
        { type: 'vector', name: 'y', variableType: 'scalar', values: y },
        { type: 'vector', name: 'my.g', variableType: 'nominal', values: g },
        { type: 'vector', name: 'x', variableType: 'scalar', values: x },
      ],
    });
    const res = await resultOf(rt, {
      type: 'test',
      name: 'm',
      test: 'lm',
      dataset: 'odd',
      variables: ['y', 'my.g', 'x'],
      options: { interactions: true },
    });
    const want = await ref.eval(
      `{ d <- data.frame(y = c(${y.join(',')}), my.g = factor(c(${g.map((v) => `"${v}"`).join(',')})), x = 1:10)
         rownames(coef(summary(lm(y ~ my.g * x, data = d)))) }`,
    );
    assert.equal(want.kind, 'string');
    assert.deepEqual(
      rows(res['coefficients']).map((r) => r[0]),
      want.values,
    );
    assert.deepEqual(want.values, ['(Intercept)', 'my.gb:2', 'x', 'my.gb:2:x']);
  });

  it('glm binomial of a 0/1 outcome: z table, odds ratios, Wald intervals, fit, classification', async () => {
    const res = await model('glm', ['am', 'wt', 'hp']);
    assert.equal(res['n'], 31);
    const co = res['coefficients'] as Result;
    assert.deepEqual(co.columns, [
      'term',
      'estimate',
      'std_error',
      'z_value',
      'p_value',
      'odds_ratio',
      'conf_low',
      'conf_high',
    ]);
    const fit = 'fit <- glm(am ~ wt + hp, family = binomial, data = mt)';
    const want = await rNumbers(
      ref,
      `{ ${fit}; rbind(t(coef(summary(fit))), exp(coef(fit)), t(exp(confint.default(fit)))) }`,
    );
    assertClose(cols(co, 1), want, 'coefficients');
    const stats = await rNumbers(
      ref,
      `{ ${fit}; c(AIC(fit), deviance(fit), fit$null.deviance, df.residual(fit),
         t(table(fit$y, factor(fitted(fit) > 0.5, levels = c(FALSE, TRUE))))) }`,
    );
    const cls = res['classification'] as Result;
    assert.deepEqual(cls.columns, ['observed', '0', '1']);
    assertClose(
      [res['aic'], res['deviance'], res['null_deviance'], res['df_residual'], ...cols(cls, 1)],
      stats,
      'fit and classification',
    );
    // The model against the intercept alone, as anova() of the two fits tests it; McFadden's
    // pseudo R²; the share classified right.
    const overall = await rNumbers(
      ref,
      `{ d <- na.omit(mt[c("am", "wt", "hp")]); fit <- glm(am ~ wt + hp, family = binomial, data = d)
         a <- anova(update(fit, . ~ 1), fit, test = "Chisq")
         tab <- table(fit$y, fitted(fit) > 0.5)
         c(a$Deviance[2], a$Df[2], a[["Pr(>Chi)"]][2], 1 - deviance(fit) / fit$null.deviance,
           100 * sum(diag(tab)) / sum(tab)) }`,
    );
    const lr = res['lr_test'] as Record<string, unknown>;
    assertClose(
      [lr['statistic'], lr['df'], lr['p_value'], res['pseudo_r2'], res['percent_correct']],
      overall,
      'model test, pseudo R², percent correct',
    );
    await checkRCode(csv, 'mt', res['r_code'], numbersIn([co, stats, overall]), 'glm');
  });

  it('glm of a nominal outcome: the second level is the event', async () => {
    const res = await model('glm', ['engine', 'mpg'], { family: 'binomial' });
    const want = await rNumbers(
      ref,
      `{ fit <- glm(engine ~ mpg, family = binomial, data = mt)
         list(t(coef(summary(fit))), AIC(fit), t(table(mt$engine, factor(fitted(fit) > 0.5, levels = c(FALSE, TRUE))))) }`,
    );
    const cls = res['classification'] as Result;
    assert.deepEqual(cls.columns, ['observed', 'straight', 'v']);
    assertClose([...cols(res['coefficients'], 1, 5), res['aic'], ...cols(cls, 1)], want, 'glm');
    await checkRCode(csv, 'mt', res['r_code'], numbersIn(res['coefficients']), 'glm nominal');
  });

  it('refuses bad requests with the API codes, and stores nothing', async () => {
    const refused = async (
      test: string,
      variables: string[],
      options: object,
    ): Promise<{ code: string; message: string }> => {
      const raw = { type: 'test', name: 'bad', test, dataset: 'mt', variables, options };
      const v = rt.validate(raw);
      if (!v.ok) return { code: v.code, message: v.message };
      return errorOf(rt, raw);
    };
    const cases: [string, string[], object, string, RegExp][] = [
      ['aov', ['mpg', 'cyl'], { ss_type: 4 }, 'invalid_object', /ss_type/],
      ['aov', ['mpg', 'cyl'], { posthoc: 'scheffe' }, 'invalid_object', /posthoc/],
      ['aov', ['mpg', 'wt'], { posthoc: 'tukey' }, 'invalid_object', /nominal factor/],
      ['lm', ['mpg', 'wt'], { robust: true }, 'invalid_object', /robust/],
      ['lm', ['mpg', 'nope'], {}, 'not_found', /nope/],
      ['lm', ['cyl', 'wt'], {}, 'invalid_object', /not scalar/],
      ['glm', ['cyl', 'wt'], {}, 'invalid_object', /exactly 2 levels/],
      ['glm', ['mpg', 'wt'], {}, 'invalid_object', /0 or 1/],
      ['glm', ['am', 'wt'], { family: 'poisson' }, 'invalid_object', /family/],
      [
        'lm',
        ['mpg', 'cyl', 'disp', 'hp', 'drat', 'wt', 'qsec', 'vs', 'am', 'gear'],
        { interactions: true },
        'invalid_object',
        /more than 8 variables/,
      ],
    ];
    for (const [test, variables, options, code, message] of cases) {
      const e = await refused(test, variables, options);
      assert.equal(e.code, code, `${test} ${JSON.stringify(options)}`);
      assert.match(e.message, message);
    }
    // A factor left with one level by a filter is named, not passed to R's contrasts error.
    await resultOf(rt, {
      type: 'filter',
      name: 'vonly',
      dataset: 'mt',
      formula: 'engine == "v"',
    });
    const one = await errorOf(rt, {
      type: 'test',
      name: 'bad',
      test: 'aov',
      dataset: 'mt',
      variables: ['mpg', 'engine'],
      filter: 'vonly',
    });
    assert.equal(one.code, 'invalid_object');
    assert.match(one.message, /"engine" has fewer than 2 levels/);
  });
});
