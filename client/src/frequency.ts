// Frequency tables as the browser shows them: the "valid %" column (converters/
// frequency-table.ts, shared with the reports) and the columns' names in words. DOM-free.
import { withValidPercent as withValid } from '../../converters/client.ts';
import type { ResultTable } from './types.ts';

/** `t` with a `valid_percent` column when it is a frequency table (null on missing rows). */
export const withValidPercent = (t: ResultTable): ResultTable => withValid(t) as ResultTable;

/** Column names of frequency tables in words ("valid_percent" -> "Valid %"). */
const TITLES: Readonly<Record<string, string>> = {
  variable: 'Variable',
  group: 'Group',
  value: 'Value',
  count: 'Count',
  percent: 'Percent',
  valid_percent: 'Valid %',
};

/** A frequency table's column name in words; other names as they are. */
export const frequencyTitle = (c: string): string => TITLES[c] ?? c;
