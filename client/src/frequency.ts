// Frequency tables as the browser shows them: the "valid %" column (converters/
// frequency-table.ts, shared with the reports). Their columns' names in words are
// format.ts's columnTitle, as every result table's. DOM-free.
import { withValidPercent as withValid } from '../../converters/client.ts';
import type { ResultTable } from './types.ts';

/** `t` with a `valid_percent` column when it is a frequency table (null on missing rows). */
export const withValidPercent = (t: ResultTable): ResultTable => withValid(t) as ResultTable;
