// What the import dialog guesses about a CSV file before sending it (API 1.1 `read`
// options): the field separator and the decimal mark, shown to the user and sent as
// `separator` and `decimal`; and a valid dataset name made from whatever was typed.
// DOM-free, so that test/unit can check it.

/** The separators the dialog offers, most likely first. */
export const SEPARATORS = [',', ';', '\t', '|'] as const;

/** A guess of a CSV file's options. */
export interface CsvGuess {
  readonly separator: (typeof SEPARATORS)[number];
  readonly decimal: '.' | ',';
}

/** Counts `ch` outside double quotes in `line`. */
function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ch) n++;
  }
  return n;
}

/**
 * The separator that splits the first lines (up to 20) into the same number (> 0) of
 * fields on every line, preferring the most fields; `,` when none does. Then the decimal
 * mark: `,` when the separator is not `,` and some field is a number written with a
 * decimal comma (`1,5`, `-0,25`) while none is written with a point.
 */
export function guessCsvOptions(text: string): CsvGuess {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 20);
  let separator: CsvGuess['separator'] = ',';
  let best = 0;
  for (const sep of SEPARATORS) {
    const counts = lines.map((l) => countOutsideQuotes(l, sep));
    const first = counts[0] ?? 0;
    if (first > best && counts.every((c) => c === first)) {
      best = first;
      separator = sep;
    }
  }
  if (separator === ',') return { separator, decimal: '.' };
  const fields = lines.slice(1).flatMap((l) => l.split(separator).map((f) => f.trim()));
  const comma = fields.some((f) => /^-?\d+,\d+$/.test(f));
  const point = fields.some((f) => /^-?\d*\.\d+$/.test(f));
  return { separator, decimal: comma && !point ? ',' : '.' };
}

/** The separator in words, for the dialog's guess line. */
export function separatorName(sep: string): string {
  return sep === '\t' ? 'tab' : sep === ';' ? 'semicolon' : sep === '|' ? 'bar' : 'comma';
}

/**
 * A valid object name (`^[A-Za-z][A-Za-z0-9_.]{0,63}$`) close to what was typed: accents
 * dropped (`Müller_daten` -> `Muller_daten`), other characters made `_`, a leading
 * non-letter prefixed with `d_`, at most 64 characters; `data` when nothing is left.
 */
export function validNameFrom(typed: string): string {
  let s = typed
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9_.]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s === '') return 'data';
  if (!/^[A-Za-z]/.test(s)) s = `d_${s}`;
  return s.slice(0, 64);
}
