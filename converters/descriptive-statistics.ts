/**
 * The columns `descriptives` may show (API.md 1.1's `statistics`), in the order of the
 * contract: one list for the request's schema and the browser's dialog. Free of zod.
 */
export const DESCRIPTIVE_STATISTICS = [
  'n',
  'missing',
  'mean',
  'sd',
  'se',
  'variance',
  'min',
  'q1',
  'median',
  'q3',
  'max',
  'iqr',
  'range',
  'skewness',
  'kurtosis',
  'ci_low',
  'ci_high',
] as const;
