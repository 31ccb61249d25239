// Checking a value typed into a spreadsheet cell before it is sent as an `edit` (API 1.1),
// with the server's own rule for each type (converters/cell-value.ts), so that a value the
// type cannot hold is refused at once with what to type instead. DOM-free.
import { TYPE_WHAT, typedCell } from '../../converters/client.ts';
import type { Cell, CommandOf, Vector } from './types.ts';
import { formatValue } from './values.ts';

/** A checked cell: the value to send, or why it cannot be sent and what to do. */
export type CellCheck =
  | { readonly ok: true; readonly value: Cell; readonly newLevel: boolean }
  | { readonly ok: false; readonly message: string };

const HOW: Readonly<Record<Vector['variableType'], string>> = {
  scalar: 'Type a number such as 3.5 (or NaN, Inf, -Inf)',
  datetime: 'Type a date such as 2024-03-31 or a date-time such as 2024-03-31T14:05:00Z',
  logical: 'Type TRUE or FALSE',
  nominal: 'Type a level',
  ordinal: 'Type a level',
};
const AFTER = ', or leave the cell empty for a missing value. Escape cancels.';

/** `1,5` as `1.5` (a decimal comma), when the text has one comma and no point. */
function decimalPoint(s: string): string {
  return /^[+-]?\d*,\d+$/.test(s) ? s.replace(',', '.') : s;
}

/** The code labels of a coded (SPSS-like) variable, or null. */
function codeLabels(v: Vector): Record<string, string> | null {
  return v.labels !== undefined && !Array.isArray(v.labels) ? v.labels : null;
}

/** The missing-value code `text` stands for, if any (codes may be numbers or texts). */
function missingCode(v: Vector, text: string): Cell | undefined {
  return (v.missing ?? []).find((m) => m !== null && String(m) === text);
}

function checkCoded(v: Vector, text: string, map: Record<string, string>): CellCheck {
  const code = Object.keys(map).find((k) => map[k] === text);
  if (code !== undefined) return { ok: true, value: Number(code), newLevel: false };
  if (/^[+-]?\d+$/.test(text))
    return { ok: true, value: Number(text), newLevel: !Object.hasOwn(map, String(Number(text))) };
  const some = Object.values(map).slice(0, 5).join(', ');
  return {
    ok: false,
    message: `"${text}" is not a label of ${v.name}. Type one of its labels (${some}…) or a whole-number code${AFTER}`,
  };
}

/**
 * Checks `typed` (what the user typed into a cell of `v`) against the variable's type:
 * empty (or `NA`) is a missing value, a listed missing code is always taken, a nominal or
 * ordinal variable takes any text (a new one becomes a new level: `newLevel`), a coded one
 * a label or a whole-number code; numbers may be written with a decimal comma.
 */
export function checkCell(v: Vector, typed: string): CellCheck {
  const text = typed.trim();
  if (text === '' || text === 'NA') return { ok: true, value: null, newLevel: false };
  const code = missingCode(v, text);
  if (code !== undefined) return { ok: true, value: code, newLevel: false };
  const map = codeLabels(v);
  if (map !== null) return checkCoded(v, text, map);
  const t = v.variableType;
  if (t === 'nominal' || t === 'ordinal') {
    const known = v.values.some((c) => c !== null && formatValue(v, c) === text);
    const inLabels = Array.isArray(v.labels) && v.labels.includes(text);
    return { ok: true, value: text, newLevel: !known && !inLabels };
  }
  const input =
    t === 'scalar'
      ? decimalPoint(text)
      : t === 'logical'
        ? logicalText(text)
        : /^[+-]?\d+(\.\d+)?$/.test(text)
          ? Number(text) // datetime: seconds since 1970
          : text;
  const value = typedCell(input, t);
  if (value === undefined || value === null)
    return { ok: false, message: `"${text}" is not ${TYPE_WHAT[t]}. ${HOW[t]}${AFTER}` };
  return { ok: true, value, newLevel: false };
}

/**
 * A logical cell as typed: `1` and `0` as the numbers the server's rule takes; words (`T`,
 * `false`, `yes`...) as they are, which that rule (converters' typedCell) reads itself.
 */
function logicalText(s: string): string | number {
  return s === '1' ? 1 : s === '0' ? 0 : s;
}

/** The `edit` command that sets row `row` (1-based) of `variable` in `dataset` to `value`. */
export function editCommand(
  name: string,
  dataset: string,
  variable: string,
  row: number,
  value: Cell,
): CommandOf<'edit'> {
  return {
    type: 'command',
    name,
    command: 'edit',
    dataset,
    variable,
    rows: [row],
    values: [value],
  };
}
