// The analysis dialogs' DOM-free logic: the catalogue covers API 1.1, requests are built
// as API.md says (fixed and omitted options), a stored request reopens with the same
// choices, and numbers are formatted for reading (APA-like).
import assert from 'node:assert/strict';
import { columnReader } from '../../converters/client.ts';
import {
  ANALYSES,
  analysisById,
  buildRequest,
  graphSize,
  parseNumbers,
  validateChoices,
  type Analysis,
  type Choices,
} from '../../client/src/analyses.ts';
import { analysisOf, choicesOf } from '../../client/src/analysis-reopen.ts';
import { apaSummary, formatNum, formatP, modelSummary, pClause } from '../../client/src/format.ts';
import type { AnalysisSpec, Dataset, Vector } from '../../client/src/types.ts';

/** A request's options (built-in graphs have none). */
const optionsOf = (r: AnalysisSpec): unknown => ('options' in r ? r.options : undefined);

const vec = (
  name: string,
  variableType: Vector['variableType'],
  values: Vector['values'],
): Vector => ({
  type: 'vector',
  name,
  variableType,
  values,
});
const ds: Dataset = {
  type: 'dataset',
  name: 'd',
  variables: [
    vec('y', 'scalar', [1, 2, 3, 4]),
    vec('pre', 'scalar', [1, 2, 3, 4]),
    vec('cov', 'scalar', [4, 3, 2, 1]),
    vec('g', 'nominal', ['a', 'b', 'c', 'a']),
    vec('h', 'nominal', ['u', 'v', 'u', 'v']),
  ],
};

function get(id: string): Analysis {
  const a = analysisById(id);
  assert.ok(a, id);
  return a;
}

describe('client analysis dialogs', () => {
  it('offers every test of API 1.1 in the Analyze menu, each with help', () => {
    const wires = new Set(ANALYSES.filter((a) => a.kind === 'test').map((a) => a.wire));
    for (const t of [
      't.test',
      'wilcox.test',
      'kruskal.test',
      'friedman.test',
      'oneway.test',
      'aov',
      'shapiro.test',
      'levene.test',
      'bartlett.test',
      'chisq.test',
      'fisher.test',
      'mcnemar.test',
      'binom.test',
      'prop.test',
      'cor.test',
      'cor',
      'lm',
      'glm',
      'alpha',
      'prcomp',
      'factanal',
    ])
      assert.ok(wires.has(t), `${t} is in the menu`);
    for (const a of ANALYSES.filter((x) => x.kind === 'test')) {
      assert.ok(
        a.help && a.help.answers && a.help.assumptions && a.help.reading,
        `${a.id} has help`,
      );
      assert.ok(a.group, `${a.id} has a menu section`);
    }
    assert.equal(new Set(ANALYSES.map((a) => a.id)).size, ANALYSES.length, 'ids are unique');
  });

  it('builds an ANOVA with factors, covariates, a post hoc method and a numeric ss_type', () => {
    const aov = get('aov');
    const choices: Choices = {
      slots: { y: ['y'], factors: ['g', 'h'], covariates: ['cov'] },
      options: { posthoc: 'games_howell', ss_type: '3', interactions: true },
    };
    assert.equal(validateChoices(aov, choices), null);
    assert.deepEqual(buildRequest(aov, 'd', 'aov1', choices), {
      type: 'test',
      name: 'aov1',
      test: 'aov',
      dataset: 'd',
      variables: ['y', 'g', 'h', 'cov'],
      options: { posthoc: 'games_howell', ss_type: 3, interactions: true },
    });
    const none = buildRequest(aov, 'd', 'aov2', {
      slots: { y: ['y'], factors: ['g'] },
      options: { posthoc: 'none' },
    });
    assert.deepEqual(optionsOf(none), { ss_type: 1, interactions: false }, 'no posthoc key at all');
    assert.deepEqual(
      (
        optionsOf(
          buildRequest(aov, 'd', 'a', { slots: { y: ['y'], factors: ['g'] }, options: {} }),
        ) as Record<string, unknown>
      )['posthoc'],
      'tukey',
      'Tukey by default',
    );
  });

  it('sends fixed options (paired, binomial) and leaves out the ones left to R', () => {
    const paired = buildRequest(get('t.test.paired'), 'd', 't1', {
      slots: { y1: ['y'], y2: ['pre'] },
      options: {},
    });
    assert.deepEqual(paired['variables'], ['y', 'pre']);
    assert.deepEqual(optionsOf(paired), {
      mu: 0,
      alternative: 'two.sided',
      'conf.level': 0.95,
      paired: true,
    });
    const glm = buildRequest(get('glm'), 'd', 'g1', {
      slots: { y: ['h'], x: ['y', 'g'] },
      options: {},
    });
    assert.deepEqual(optionsOf(glm), { interactions: false, family: 'binomial' });
    const w = buildRequest(get('wilcox.test'), 'd', 'w1', {
      slots: { y: ['y'], group: [] },
      options: {},
    });
    assert.equal((optionsOf(w) as Record<string, unknown>)['exact'], undefined, 'exact: R decides');
    const w2 = buildRequest(get('wilcox.test'), 'd', 'w1', {
      slots: { y: ['y'] },
      options: { exact: 'false' },
    });
    assert.equal((optionsOf(w2) as Record<string, unknown>)['exact'], false);
    const chi = buildRequest(get('chisq.test'), 'd', 'c1', {
      slots: { a: ['g'] },
      options: { p: '0.5, 0.3 0.2' },
    });
    assert.deepEqual(optionsOf(chi), { correct: true, p: [0.5, 0.3, 0.2] });
    const al = buildRequest(get('alpha'), 'd', 'a1', {
      slots: { items: ['y', 'pre', 'cov'] },
      options: { reverse: ['cov'] },
    });
    assert.deepEqual(optionsOf(al), { reverse: ['cov'] });
    const sh = buildRequest(get('shapiro.test'), 'd', 's1', {
      slots: { y: ['y'] },
      options: { by: '' },
    });
    assert.deepEqual(optionsOf(sh), {});
  });

  it('draws a graph at the width of the card it is shown in, 4:3, within 360-960 pixels', () => {
    assert.deepEqual(graphSize(340), { width: 360, height: 270 });
    assert.deepEqual(graphSize(523.4), { width: 523, height: 392 });
    assert.deepEqual(graphSize(2000), { width: 960, height: 720 });
    assert.deepEqual(graphSize(Number.NaN), { width: 360, height: 270 });
    const hist = buildRequest(get('hist'), 'd', 'h1', {
      slots: { x: ['x'] },
      options: {},
      size: graphSize(500),
    });
    assert.deepEqual(
      [hist.type, 'width' in hist && hist.width, 'height' in hist && hist.height],
      ['graph', 500, 375],
    );
  });

  it('says what is wrong with a dialog in plain words', () => {
    assert.match(
      validateChoices(get('cor'), { slots: { variables: ['y'] }, options: {} }) ?? '',
      /at least 2/,
    );
    assert.match(
      validateChoices(get('chisq.test'), { slots: { a: ['g'] }, options: { p: '0.5, x' } }) ?? '',
      /numbers separated by commas/,
    );
    assert.match(
      validateChoices(get('aov'), {
        slots: { y: ['y'], factors: ['g'], covariates: ['y'] },
        options: {},
      }) ?? '',
      /only one role/,
    );
    assert.match(
      validateChoices(get('factanal'), {
        slots: { variables: ['y', 'pre', 'cov'] },
        options: { factors: '' },
      }) ?? '',
      /must be a number/,
    );
    // Ranges the server checks, said before sending.
    const fa = (factors: string): string =>
      validateChoices(get('factanal'), {
        slots: { variables: ['y', 'pre', 'cov'] },
        options: { factors },
      }) ?? '';
    assert.equal(fa('0'), '"Number of factors" must be a whole number at least 1.');
    assert.equal(fa('1.5'), '"Number of factors" must be a whole number at least 1.');
    assert.equal(fa('2'), '');
    assert.equal(
      validateChoices(get('t.test'), {
        slots: { y: ['y'], group: [] },
        options: { 'conf.level': '95' },
      }),
      '"Confidence level" must be strictly between 0 and 1.',
    );
    assert.deepEqual(parseNumbers(' 1,2 ;3 '), [1, 2, 3]);
    assert.equal(parseNumbers('1, two'), null);
  });

  it('reopens a stored request with the choices that built it', () => {
    const cases: [string, Choices][] = [
      [
        'aov',
        {
          slots: { y: ['y'], factors: ['g', 'h'], covariates: ['cov'] },
          options: { posthoc: 'holm', ss_type: '2', interactions: false },
        },
      ],
      [
        't.test',
        {
          slots: { y: ['y'], group: ['h'] },
          options: { mu: 1, alternative: 'less', 'var.equal': true, 'conf.level': 0.9 },
          filter: 'f1',
        },
      ],
      [
        't.test.paired',
        {
          slots: { y1: ['y'], y2: ['pre'] },
          options: { mu: 0, alternative: 'two.sided', 'conf.level': 0.95 },
        },
      ],
      [
        't.test.paired.long',
        {
          slots: { y: ['y'], group: ['h'], id: ['g'] },
          options: { mu: 0, alternative: 'two.sided', 'conf.level': 0.95 },
        },
      ],
      ['glm', { slots: { y: ['h'], x: ['y', 'g'] }, options: { interactions: true } }],
      [
        'chisq.test',
        { slots: { a: ['g'], b: [] }, options: { correct: true, p: '0.2, 0.3, 0.5' } },
      ],
    ];
    cases.push([
      'descriptives',
      { slots: { variables: ['y', 'pre'], by: ['g'] }, options: { statistics: ['n', 'se'] } },
    ]);
    // A report's options are keys of the request itself; none chosen leaves them out.
    const desc = buildRequest(get('descriptives'), 'd', 'x1', {
      slots: { variables: ['y'], by: [] },
      options: { statistics: ['mean', 'skewness', 'ci_low'] },
    });
    assert.deepEqual((desc as { statistics?: unknown }).statistics, ['mean', 'skewness', 'ci_low']);
    const plain = buildRequest(get('descriptives'), 'd', 'x1', {
      slots: { variables: ['y'] },
      options: {},
    });
    assert.equal('statistics' in plain, false);
    for (const [id, choices] of cases) {
      const req = buildRequest(get(id), 'd', 'x1', choices);
      const a = analysisOf(req);
      assert.equal(a?.id, id, `${id} is found again`);
      const back = choicesOf(a, req, ds);
      assert.deepEqual(buildRequest(a, 'd', 'x1', back), req, `${id} rebuilds the same request`);
    }
  });

  it('formats p-values and numbers as APA does', () => {
    assert.equal(formatP(0.0004), '< .001');
    assert.equal(formatP(0.04321), '.043');
    assert.equal(formatP(0.9996), '> .999');
    assert.equal(formatP(null), '–');
    assert.equal(pClause(1e-10), 'p < .001');
    assert.equal(pClause(0.5), 'p = .500');
    assert.equal(formatNum(3), '3');
    assert.equal(formatNum(-1.2849), '−1.285');
    assert.equal(formatNum(2426.434333), '2426.434');
    assert.equal(formatNum(1168785725.2), '1.17e9');
    assert.equal(formatNum(0.00001234), '1.23e-5');
    assert.equal(formatNum('Inf'), '∞');
    assert.equal(columnReader('p_value', [3.55e-10])(3.55e-10), '< .001');
    assert.equal(columnReader('df', [55.3127])(55.3127), '55.31');
    assert.equal(columnReader('term', ['group'])('group'), 'group');
  });

  it('writes the APA summary line of tests and models', () => {
    assert.equal(
      apaSummary('t.test', {
        method: 'Paired t-test',
        statistic: -4.062,
        df: 9,
        p_value: 0.002833,
      }),
      't(9) = −4.06, p = .003',
    );
    assert.equal(
      apaSummary('oneway.test', {
        method: 'One-way',
        statistic: 8.027,
        df: [4, 42.67],
        p_value: 6.4e-5,
      }),
      'F(4, 42.67) = 8.03, p < .001',
    );
    assert.equal(
      apaSummary('wilcox.test', {
        method: 'Wilcoxon signed rank exact test',
        statistic: 0,
        p_value: 0.5,
      }),
      'V = 0, p = .500',
    );
    const pearson = { method: "Pearson's product-moment correlation", statistic: 0.82, df: 54 };
    assert.equal(
      apaSummary('cor.test', { ...pearson, estimate: 0.1109, p_value: 0.42 }),
      'r(54) = .11, p = .420',
    );
    assert.equal(
      apaSummary('cor.test', { ...pearson, estimate: -0.456, p_value: 0.0004 }),
      'r(54) = −.46, p < .001',
    );
    assert.equal(
      apaSummary('cor.test', {
        method: "Kendall's rank correlation tau",
        statistic: 2.1,
        estimate: 0.31,
        p_value: 0.036,
      }),
      'τ = .31, p = .036',
    );
    assert.equal(apaSummary('lm', { r_squared: 0.8 }), null);
    const table = {
      columns: [
        'term',
        'df',
        'sum_sq',
        'mean_sq',
        'f_value',
        'p_value',
        'eta_sq',
        'partial_eta_sq',
        'omega_sq',
      ],
      rows: [
        ['dose', 2, 2426.43, 1213.2, 91.99, 4.0e-18, 0.7, 0.773109, 0.69],
        ['Residuals', 54, 712.1, 13.18, null, null, null, null, null],
      ],
    };
    assert.deepEqual(modelSummary('aov', { table }), [
      'dose: F(2, 54) = 91.99, p < .001, η²p = .77',
    ]);
    // A small effect: three decimals, never an exponent.
    const small = { ...table, rows: [['dose', 2, 1, 1, 1, 0.4, 0.001, 0.00129, 0], table.rows[1]] };
    assert.deepEqual(modelSummary('aov', { table: small }), [
      'dose: F(2, 54) = 1, p = .400, η²p = .001',
    ]);
    assert.deepEqual(
      modelSummary('lm', {
        r_squared: 0.837433,
        df: [3, 28],
        f_statistic: 48.078725,
        p_value: 3.6e-11,
      }),
      ['R² = .84, F(3, 28) = 48.08, p < .001'],
    );
    assert.deepEqual(
      modelSummary('glm', {
        lr_test: { statistic: 29.42, df: 2, p_value: 4.1e-7 },
        pseudo_r2: 0.6925,
        p_value: undefined,
      }),
      ['χ²(2) = 29.42, p < .001, R²McF = .69'],
    );
  });
});
