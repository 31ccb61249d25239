// The "valid %" column of a frequency table (issue 14), computed in the client: API.md
// fixes the report's columns as variable, value, count, percent, and a client that reads
// them must keep getting exactly those. Valid % is a row's count over the variable's
// non-missing count (SPSS's Valid Percent; R's prop.table(table(x)) * 100). DOM-free.
import type { ResultTable } from './types.ts';

const FREQUENCY_COLUMNS = ['variable', 'value', 'count', 'percent'];
/** With `by` (API 1.1): a table per variable and group. */
const GROUPED_COLUMNS = ['variable', 'group', 'value', 'count', 'percent'];

/** `t` with a `valid_percent` column when it is a frequency table (null on missing rows). */
export function withValidPercent(t: ResultTable): ResultTable {
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
