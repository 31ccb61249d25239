/**
 * Bounds on everything a client may send, so that a hostile payload costs little to refuse.
 * The real data-size limit is the configuration's `max_data`, enforced by the server; these
 * are hard ceilings that hold whatever the configuration says.
 */
export const LIMITS = {
  /** Objects in one `data` message. */
  objectsPerMessage: 1000,
  /** Characters of a `label`. */
  label: 1000,
  /** Characters of a `description`. */
  description: 100_000,
  /** Characters of one string value in a vector (and of one CSV cell). */
  stringValue: 65_536,
  /** Elements of one vector (rows of a dataset). */
  vectorLength: 100_000_000,
  /** Variables of one dataset; variables named by one report, test or graph. */
  variables: 10_000,
  /** Entries of `missing` and of `labels`. */
  missing: 100,
  labels: 100_000,
  /** Characters of a formula. */
  formula: 4096,
  /** Nesting depth of a formula (parentheses, operators, calls). */
  formulaDepth: 64,
  /**
   * Operations of a formula inside one another, a chain `a + b + c` counting one a term: the
   * compiled R code nests each in parentheses, and R's parser stops at 50 levels
   * ("contextstack overflow").
   */
  formulaTreeDepth: 40,
  /** Characters of the CSV text of a `read` command (256 Mi). */
  csvText: 268_435_456,
  /** Characters of the code of an `r` object. */
  rCode: 1_000_000,
  /** Characters of an error message. */
  message: 10_000,
  /** Nesting depth and node count of free-form JSON (`ping`'s `t`, extension options). */
  jsonDepth: 8,
  jsonNodes: 1000,
  /** Characters of any other short string (option values, axis labels, formats). */
  short: 200,
} as const;
