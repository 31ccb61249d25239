/**
 * The "valid %" column of a frequency table, for the browser's cards and the reports alike:
 * API.md fixes the report's columns as variable, value, count, percent (and group with
 * `by`), and a client that reads them must keep getting exactly those, so the column is
 * added where the table is shown. Valid % is a row's count over the variable's non-missing
 * count (SPSS's Valid Percent; R's prop.table(table(x)) * 100). Free of zod and Node.
 */

/** A result table as {@link withValidPercent} reads it. */
export interface FrequencyTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

const FREQUENCY_COLUMNS = ['variable', 'value', 'count', 'percent'];
/** With `by` (API 1.1): a table per variable and group. */
const GROUPED_COLUMNS = ['variable', 'group', 'value', 'count', 'percent'];

/** `t` with a `valid_percent` column when it is a frequency table (null on missing rows). */
export function withValidPercent(t: FrequencyTable): FrequencyTable {
  const shape = t.columns.join('\u0000');
  const grouped = shape === GROUPED_COLUMNS.join('\u0000');
  if (!grouped && shape !== FREQUENCY_COLUMNS.join('\u0000')) return t;
  // A row's table: its variable, and its group when grouped.
  const keyOf = (r: readonly unknown[]): string => JSON.stringify(grouped ? [r[0], r[1]] : [r[0]]);
  const at = grouped ? 2 : 1;
  const valid = new Map<string, number>();
  for (const r of t.rows) {
    const value = r[at];
    const count = r[at + 1];
    if (value !== null && typeof count === 'number')
      valid.set(keyOf(r), (valid.get(keyOf(r)) ?? 0) + count);
  }
  return {
    ...t,
    columns: [...t.columns, 'valid_percent'],
    rows: t.rows.map((r) => {
      const value = r[at];
      const count = r[at + 1];
      const total = valid.get(keyOf(r)) ?? 0;
      const pct =
        value === null || typeof count !== 'number' || total === 0 ? null : (100 * count) / total;
      return [...r, pct];
    }),
  };
}
