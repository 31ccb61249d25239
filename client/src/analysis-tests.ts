// The Analyze menu's tests and models (API.md "Analyses added in API 1.1"): each names its
// variables by role, lists its options with R's defaults, and carries the dialog's help.
import { ALT, CAT, CONF, NUM, type Analysis, type OptionSpec, type Slot } from './analysis-spec.ts';

const ANY = [...NUM, ...CAT];
const DEP: Slot = { key: 'y', label: 'Dependent variable', accepts: NUM, count: 'one' };
const GROUP2: Slot = {
  key: 'group',
  label: 'Group (two levels)',
  accepts: CAT,
  count: 'optional',
  levels: 2,
};
const GROUPING: Slot = { key: 'group', label: 'Grouping variable', accepts: CAT, count: 'one' };
const PAIR: Slot[] = [
  { key: 'y1', label: 'First measure', accepts: NUM, count: 'one' },
  { key: 'y2', label: 'Second measure', accepts: NUM, count: 'one' },
];
const MU: OptionSpec = { key: 'mu', label: 'Test value (mu)', kind: 'number', default: 0 };
const CORRECT: OptionSpec = {
  key: 'correct',
  label: 'Continuity correction',
  kind: 'boolean',
  default: true,
};
const INTERACTIONS: OptionSpec = {
  key: 'interactions',
  label: 'All interactions of the factors',
  kind: 'boolean',
  default: false,
};
const SUCCESS: OptionSpec = {
  key: 'success',
  label: 'Level counted as success',
  kind: 'text',
  default: '',
  omit: '',
  hint: 'Empty: the first level (true for a logical variable).',
};
const NORMAL =
  'Independent observations; roughly normal values in each group (less important above about 30 per group).';
const P_READ =
  'p < .05 is the usual threshold for "the data are unlikely under the null hypothesis".';

const T_TESTS: Analysis[] = [
  {
    id: 't.test',
    label: 't-test',
    kind: 'test',
    group: 'Compare means',
    wire: 't.test',
    slots: [DEP, GROUP2],
    options: [
      MU,
      ALT,
      { key: 'var.equal', label: 'Assume equal variances', kind: 'boolean', default: false },
      CONF,
    ],
    help: {
      answers:
        "Does the mean differ from the test value (no group), or do two groups have different means (Welch's test unless equal variances are assumed)?",
      assumptions: NORMAL,
      reading: `t, its df and p; the confidence interval of the difference; Cohen's d (0.2 small, 0.5 medium, 0.8 large). ${P_READ}`,
    },
  },
  {
    id: 't.test.paired',
    label: 'Paired t-test',
    kind: 'test',
    group: 'Compare means',
    wire: 't.test',
    fixed: { paired: true },
    slots: PAIR,
    options: [MU, ALT, CONF],
    help: {
      answers:
        'Do two measures of the same cases (before and after, left and right) differ on average?',
      assumptions: 'The differences are independent between cases and roughly normal.',
      reading: `t of the mean difference, its interval, and Cohen's d of the differences. ${P_READ}`,
    },
  },
  {
    id: 't.test.paired.long',
    label: 'Paired t-test (long data)',
    kind: 'test',
    group: 'Compare means',
    wire: 't.test',
    fixed: { paired: true },
    slots: [
      DEP,
      { key: 'group', label: 'Condition (two levels)', accepts: CAT, count: 'one', levels: 2 },
      { key: 'id', label: 'Case id', accepts: ANY, count: 'one' },
    ],
    options: [MU, ALT, CONF],
    help: {
      answers:
        'The paired t-test on data with one row per case and condition: the id pairs the rows.',
      assumptions:
        'The differences are independent between cases and roughly normal; ids lacking a condition are left out.',
      reading: `t of the mean difference (first condition minus second) and Cohen's d. ${P_READ}`,
    },
  },
  {
    id: 'wilcox.test',
    label: 'Mann-Whitney / Wilcoxon test',
    kind: 'test',
    group: 'Compare means',
    wire: 'wilcox.test',
    slots: [DEP, GROUP2],
    options: [
      MU,
      ALT,
      {
        key: 'exact',
        label: 'Exact p-value',
        kind: 'select',
        choices: ['auto', 'true', 'false'],
        choiceLabels: {
          auto: 'R decides (exact below 50 values)',
          true: 'exact',
          false: 'normal approximation',
        },
        default: 'auto',
        omit: 'auto',
      },
      CORRECT,
      CONF,
    ],
    help: {
      answers:
        'The rank-based alternative to the t-test: do values tend to be larger in one group (or than the test value)?',
      assumptions:
        'Independent observations; no normality needed. Ties prevent an exact p-value (R warns).',
      reading: `W or V and p; the rank-biserial correlation as effect size (-1 to 1). ${P_READ}`,
    },
  },
  {
    id: 'wilcox.test.paired',
    label: 'Wilcoxon signed-rank test',
    kind: 'test',
    group: 'Compare means',
    wire: 'wilcox.test',
    fixed: { paired: true },
    slots: PAIR,
    options: [MU, ALT, CORRECT, CONF],
    help: {
      answers: 'The rank-based alternative to the paired t-test.',
      assumptions: 'Differences independent between cases and roughly symmetric.',
      reading: `V and p; the rank-biserial correlation as effect size. ${P_READ}`,
    },
  },
];

const ANOVAS: Analysis[] = [
  {
    id: 'aov',
    label: 'ANOVA',
    kind: 'test',
    group: 'Compare several groups',
    wire: 'aov',
    slots: [
      DEP,
      { key: 'factors', label: 'Factors (grouping variables)', accepts: CAT, count: 'many' },
      { key: 'covariates', label: 'Covariates', accepts: NUM, count: 'any' },
    ],
    options: [
      {
        key: 'posthoc',
        label: 'Post hoc comparisons',
        kind: 'select',
        choices: ['none', 'tukey', 'games_howell', 'holm', 'bonferroni'],
        choiceLabels: {
          none: 'none',
          tukey: 'Tukey HSD',
          games_howell: 'Games-Howell (unequal variances)',
          holm: 'pairwise t, Holm',
          bonferroni: 'pairwise t, Bonferroni',
        },
        default: 'tukey',
        omit: 'none',
        hint: "Games-Howell when the groups' variances differ (Levene p < .05).",
      },
      {
        key: 'ss_type',
        label: 'Sums of squares (type)',
        kind: 'select',
        choices: ['1', '2', '3'],
        choiceLabels: {
          1: 'type I (sequential, R’s aov)',
          2: 'type II',
          3: 'type III (SPSS’s default)',
        },
        default: '1',
        numeric: true,
      },
      INTERACTIONS,
    ],
    help: {
      answers:
        'Do the means of the dependent variable differ between the groups of one or more factors (adjusting for covariates)?',
      assumptions: `${NORMAL} Equal variances across groups: see Levene's test; residuals roughly normal: see Shapiro-Wilk.`,
      reading: `F, df and p per term; η² and ω² say how much variance a term explains (.01 small, .06 medium, .14 large). Post hoc rows compare pairs of groups. ${P_READ}`,
    },
  },
  {
    id: 'oneway.test',
    label: "Welch's ANOVA",
    kind: 'test',
    group: 'Compare several groups',
    wire: 'oneway.test',
    slots: [DEP, GROUPING],
    options: [
      { key: 'var.equal', label: 'Assume equal variances', kind: 'boolean', default: false },
    ],
    help: {
      answers: 'Do the group means differ, without assuming equal variances?',
      assumptions: NORMAL,
      reading: `F with its two df, and p. ${P_READ}`,
    },
  },
  {
    id: 'kruskal.test',
    label: 'Kruskal-Wallis test',
    kind: 'test',
    group: 'Compare several groups',
    wire: 'kruskal.test',
    slots: [DEP, GROUPING],
    options: [
      {
        key: 'p.adjust',
        label: 'Post hoc p adjustment',
        kind: 'select',
        choices: ['holm', 'bonferroni', 'BH', 'hochberg', 'hommel', 'BY', 'fdr', 'none'],
        choiceLabels: {
          holm: 'Holm',
          bonferroni: 'Bonferroni',
          BH: 'Benjamini-Hochberg',
          hochberg: 'Hochberg',
          hommel: 'Hommel',
          BY: 'Benjamini-Yekutieli',
          fdr: 'false discovery rate (BH)',
          none: 'none',
        },
        default: 'holm',
      },
    ],
    help: {
      answers:
        'The rank-based alternative to one-way ANOVA: do values tend to differ between groups?',
      assumptions: 'Independent observations; no normality needed.',
      reading: `H (chi-squared), df and p; pairwise Wilcoxon tests with adjusted p; rank epsilon squared as effect size. ${P_READ}`,
    },
  },
  {
    id: 'friedman.test',
    label: 'Friedman test',
    kind: 'test',
    group: 'Compare several groups',
    wire: 'friedman.test',
    slots: [
      DEP,
      { key: 'group', label: 'Condition', accepts: CAT, count: 'one' },
      { key: 'block', label: 'Block (case id)', accepts: ANY, count: 'one' },
    ],
    options: [],
    help: {
      answers:
        'Repeated measures without normality: do the conditions differ within blocks (cases)?',
      assumptions: 'One value per block and condition; blocks lacking a condition are left out.',
      reading: `Chi-squared, df and p. ${P_READ}`,
    },
  },
];

const CHECKS: Analysis[] = [
  {
    id: 'shapiro.test',
    label: 'Shapiro-Wilk normality test',
    kind: 'test',
    group: 'Assumptions',
    wire: 'shapiro.test',
    slots: [{ key: 'y', label: 'Variable', accepts: NUM, count: 'one' }],
    options: [
      { key: 'by', label: 'Split by group', kind: 'variable', accepts: CAT, default: '', omit: '' },
    ],
    help: {
      answers: 'Could the values come from a normal distribution?',
      assumptions: 'Between 3 and 5000 values (per group).',
      reading:
        'W near 1 and p >= .05: no evidence against normality. Large samples flag trivial departures: look at a quantile plot too.',
    },
  },
  {
    id: 'levene.test',
    label: "Levene's test",
    kind: 'test',
    group: 'Assumptions',
    wire: 'levene.test',
    slots: [DEP, GROUPING],
    options: [
      {
        key: 'center',
        label: 'Centre',
        kind: 'select',
        choices: ['median', 'mean'],
        default: 'median',
      },
    ],
    help: {
      answers: 'Do the groups have equal variances?',
      assumptions: 'Independent observations; robust to non-normality with the median.',
      reading: "p < .05: the variances differ; prefer Welch's tests and Games-Howell.",
    },
  },
  {
    id: 'bartlett.test',
    label: "Bartlett's test",
    kind: 'test',
    group: 'Assumptions',
    wire: 'bartlett.test',
    slots: [DEP, GROUPING],
    options: [],
    help: {
      answers: 'Do the groups have equal variances?',
      assumptions: 'Normal values in each group (it is sensitive to non-normality: Levene is not).',
      reading: 'p < .05: the variances differ.',
    },
  },
];

export { ANY, CORRECT, INTERACTIONS, SUCCESS, P_READ };
/** The tests comparing means and groups, and the assumption checks, in menu order. */
export const MEAN_TESTS: readonly Analysis[] = [...T_TESTS, ...ANOVAS, ...CHECKS];
