// The Analyze menu's tests of counts and proportions, correlations, regression models and
// scales (API.md "Analyses added in API 1.1"), with each dialog's help.
import { ALT, CAT, CONF, NUM, type Analysis, type OptionSpec } from './analysis-spec.ts';
import { ANY, CORRECT, INTERACTIONS, P_READ, SUCCESS } from './analysis-tests.ts';

const METHOD: OptionSpec = {
  key: 'method',
  label: 'Method',
  kind: 'select',
  choices: ['pearson', 'spearman', 'kendall'],
  choiceLabels: { pearson: 'Pearson’s r', spearman: 'Spearman’s ρ', kendall: 'Kendall’s τ' },
  default: 'pearson',
};
const TABLE = [
  { key: 'a', label: 'Rows', accepts: CAT, count: 'one' },
  { key: 'b', label: 'Columns', accepts: CAT, count: 'one' },
] as const;

const COUNTS: Analysis[] = [
  {
    id: 'chisq.test',
    label: 'Chi-squared test',
    kind: 'test',
    group: 'Counts and proportions',
    wire: 'chisq.test',
    slots: [TABLE[0], { ...TABLE[1], count: 'optional' }],
    options: [
      CORRECT,
      {
        key: 'p',
        label: 'Expected proportions (no columns variable)',
        kind: 'numbers',
        default: '',
        omit: '',
        hint: 'One per level, summing to 1, e.g. 0.5, 0.3, 0.2. Empty: equal.',
      },
    ],
    help: {
      answers:
        "Are two categorical variables related (rows by columns), or do one variable's counts fit the expected proportions?",
      assumptions:
        "Independent observations; expected counts of at least 5 in most cells (R warns otherwise: use Fisher's test).",
      reading: `Chi-squared, df and p; standardised residuals beyond ±2 show the cells that differ; Cramér's V (.1 small, .3 medium, .5 large). ${P_READ}`,
    },
  },
  {
    id: 'fisher.test',
    label: "Fisher's exact test",
    kind: 'test',
    group: 'Counts and proportions',
    wire: 'fisher.test',
    slots: TABLE,
    options: [ALT, CONF],
    help: {
      answers: 'Are two categorical variables related? Exact, so right for small counts.',
      assumptions: 'Independent observations; margins taken as fixed.',
      reading: `p; for a 2 x 2 table the odds ratio and its interval (1 means no relation). ${P_READ}`,
    },
  },
  {
    id: 'mcnemar.test',
    label: "McNemar's test",
    kind: 'test',
    group: 'Counts and proportions',
    wire: 'mcnemar.test',
    slots: [
      { key: 'a', label: 'First rating', accepts: CAT, count: 'one' },
      { key: 'b', label: 'Second rating', accepts: CAT, count: 'one' },
    ],
    options: [CORRECT],
    help: {
      answers: 'Paired categories (the same cases twice): did the proportions change?',
      assumptions: 'The same categories in both variables, one row per case.',
      reading: `Chi-squared, df and p. ${P_READ}`,
    },
  },
  {
    id: 'binom.test',
    label: 'Binomial test',
    kind: 'test',
    group: 'Counts and proportions',
    wire: 'binom.test',
    slots: [{ key: 'x', label: 'Variable', accepts: CAT, count: 'one' }],
    options: [
      SUCCESS,
      {
        key: 'p',
        label: 'Test proportion',
        kind: 'number',
        default: 0.5,
        range: { min: 0, max: 1, open: true },
      },
      ALT,
      CONF,
    ],
    help: {
      answers: 'Is the proportion of successes different from the test proportion?',
      assumptions: 'Independent trials with the same chance of success.',
      reading: `The number of successes, the estimated proportion with its exact interval, and p. ${P_READ}`,
    },
  },
  {
    id: 'prop.test',
    label: 'Test of proportions',
    kind: 'test',
    group: 'Counts and proportions',
    wire: 'prop.test',
    slots: [
      { key: 'x', label: 'Variable', accepts: CAT, count: 'one' },
      { key: 'group', label: 'Grouping variable', accepts: CAT, count: 'optional' },
    ],
    options: [
      SUCCESS,
      { key: 'p', label: 'Test proportion (no group)', kind: 'number', default: '', omit: '' },
      ALT,
      CORRECT,
      CONF,
    ],
    help: {
      answers: 'Does a proportion differ from a test value, or do groups have equal proportions?',
      assumptions: 'Independent observations; at least about 5 successes and failures per group.',
      reading: `Chi-squared, df and p; the proportions per group. ${P_READ}`,
    },
  },
];

const MODELS: Analysis[] = [
  {
    id: 'cor.test',
    label: 'Correlation test',
    kind: 'test',
    group: 'Correlation and regression',
    wire: 'cor.test',
    slots: [
      { key: 'x', label: 'X', accepts: NUM, count: 'one' },
      { key: 'y', label: 'Y', accepts: NUM, count: 'one' },
    ],
    options: [METHOD, ALT, CONF],
    help: {
      answers: 'Are two numeric variables related: do they rise and fall together?',
      assumptions:
        'Pearson: a linear relation, no strong outliers; Spearman and Kendall: a monotonic one.',
      reading: `r (or rho, tau) from -1 to 1 (.1 small, .3 medium, .5 large) and p. ${P_READ}`,
    },
  },
  {
    id: 'cor',
    label: 'Correlation matrix',
    kind: 'test',
    group: 'Correlation and regression',
    wire: 'cor',
    slots: [{ key: 'variables', label: 'Variables', accepts: NUM, count: 'many', min: 2 }],
    options: [METHOD],
    help: {
      answers: 'The correlation of every pair of variables, with its p-value.',
      assumptions: 'As for the correlation test; rows missing any variable are left out.',
      reading: 'Each cell: r, and below it p. p-values are not adjusted for the number of pairs.',
    },
  },
  {
    id: 'lm',
    label: 'Linear regression',
    kind: 'test',
    group: 'Correlation and regression',
    wire: 'lm',
    slots: [
      { key: 'y', label: 'Dependent variable', accepts: NUM, count: 'one' },
      { key: 'x', label: 'Predictors (covariates and factors)', accepts: ANY, count: 'many' },
    ],
    options: [INTERACTIONS],
    help: {
      answers:
        'How does the dependent variable change with each predictor, the others held constant?',
      assumptions:
        'A linear relation; independent residuals (Durbin-Watson near 2) of constant spread, roughly normal; predictors not too collinear (VIF below about 5).',
      reading:
        'Each coefficient: the change in y per unit of the predictor (a factor level: the difference from the first level), its interval and p; R² is the share of variance explained.',
    },
  },
  {
    id: 'glm',
    label: 'Logistic regression',
    kind: 'test',
    group: 'Correlation and regression',
    wire: 'glm',
    fixed: { family: 'binomial' },
    slots: [
      { key: 'y', label: 'Outcome (two levels)', accepts: ANY, count: 'one', levels: 2 },
      { key: 'x', label: 'Predictors (covariates and factors)', accepts: ANY, count: 'many' },
    ],
    options: [INTERACTIONS],
    help: {
      answers: "How do the predictors change the odds of the outcome's second level (the event)?",
      assumptions:
        'Independent cases; a linear relation on the log-odds scale; enough events per predictor (about 10).',
      reading:
        'Odds ratios above 1 raise the odds of the event, below 1 lower them; an interval containing 1 means no clear effect. The classification table counts correct predictions at 0.5.',
    },
  },
];

const SCALES: Analysis[] = [
  {
    id: 'alpha',
    label: "Reliability (Cronbach's alpha)",
    kind: 'test',
    group: 'Scales and factors',
    wire: 'alpha',
    slots: [{ key: 'items', label: 'Items', accepts: NUM, count: 'many', min: 2 }],
    options: [
      {
        key: 'reverse',
        label: 'Reverse-scored items',
        kind: 'variables',
        accepts: NUM,
        default: '',
      },
    ],
    help: {
      answers: 'Do the items measure one thing consistently?',
      assumptions: 'Items on the same scale, scored in the same direction (reverse the others).',
      reading:
        'Alpha above .7 is usually acceptable; an item whose "alpha if dropped" is higher than alpha, or whose item-rest r is low, fits poorly.',
    },
  },
  {
    id: 'prcomp',
    label: 'Principal components',
    kind: 'test',
    group: 'Scales and factors',
    wire: 'prcomp',
    slots: [{ key: 'variables', label: 'Variables', accepts: NUM, count: 'many', min: 2 }],
    options: [{ key: 'scale', label: 'Standardise the variables', kind: 'boolean', default: true }],
    help: {
      answers: 'Which few combinations of the variables carry most of their variance?',
      assumptions: 'Numeric variables; standardise them when their units differ.',
      reading:
        'The variance explained per component, and the loadings: how much each variable weighs in each component.',
    },
  },
  {
    id: 'factanal',
    label: 'Factor analysis',
    kind: 'test',
    group: 'Scales and factors',
    wire: 'factanal',
    slots: [{ key: 'variables', label: 'Variables', accepts: NUM, count: 'many', min: 3 }],
    options: [
      {
        key: 'factors',
        label: 'Number of factors',
        kind: 'number',
        default: 1,
        range: { min: 1, integer: true },
      },
      {
        key: 'rotation',
        label: 'Rotation',
        kind: 'select',
        choices: ['varimax', 'promax', 'none'],
        default: 'varimax',
      },
    ],
    help: {
      answers:
        'Which latent factors explain the correlations between the variables (maximum likelihood)?',
      assumptions: 'Roughly normal variables, several per factor, and enough cases (100 or more).',
      reading:
        'Loadings above about .4 tie a variable to a factor; uniqueness is the variance a variable does not share; p >= .05 means the factors suffice.',
    },
  },
];

/** Tests of counts, correlations, regression models and scales, in menu order. */
export const MODEL_TESTS: readonly Analysis[] = [...COUNTS, ...MODELS, ...SCALES];
