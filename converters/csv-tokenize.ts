/**
 * The one CSV tokenizer, shared by the server's `read` (converters/csv.ts) and the browser
 * client's preview (client/src/csv.ts): free of Node APIs so that the client bundle can
 * import it.
 *
 * Rules: RFC 4180 fields (a quoted field may hold the separator, newlines and `""` for a
 * quote); CRLF, LF or CR line ends; a quote inside an unquoted field, or text after a
 * closing quote, is an error, and so is a quote left open or a cell longer than
 * {@link MAX_CELL} characters. Lines are 1-based and count the LF characters inside quoted
 * fields. A leading BOM is the caller's to skip (`from`).
 *
 * It works on one string with charCodeAt and indexOf: fields are offsets into the text, not
 * strings, so that numbers can be parsed where they stand (csv-number.ts) and a 66 MB file
 * does not become millions of short-lived strings.
 */
import { LIMITS } from './limits.ts';

/** The longest cell a CSV may hold. */
export const MAX_CELL = LIMITS.stringValue;

/**
 * The fields of one record as offsets into the text; the same object (and arrays) is
 * reused for every record, so a callback copies what it keeps.
 */
export interface CsvRecord {
  /** The number of fields. */
  count: number;
  /**
   * Where field k starts (after its opening quote when quoted); `~start` (negative) when
   * it is quoted and holds `""`, which {@link cellText} turns into `"`.
   */
  starts: Int32Array;
  /** Where field k ends (exclusive; before its closing quote when quoted). */
  ends: Int32Array;
  /** The 1-based line where the record starts. */
  line: number;
}

/** A CSV text that does not follow the rules; `line` is 1-based. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** A size limit (a cell too long), answered `too_large`, not a malformed file. */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The text of a field given by its (possibly negative, see {@link CsvRecord}) start. */
export function cellText(text: string, start: number, end: number): string {
  return start >= 0 ? text.slice(start, end) : text.slice(~start, end).replaceAll('""', '"');
}

/** The fields of a record as strings. */
export function recordFields(text: string, r: CsvRecord): string[] {
  const out = new Array<string>(r.count);
  for (let k = 0; k < r.count; k++) out[k] = cellText(text, r.starts[k] ?? 0, r.ends[k] ?? 0);
  return out;
}

/** True when the record is a blank line (one empty field). */
export function isBlankRecord(r: CsvRecord): boolean {
  // A field holding `""` is not empty, so an empty field never has a negative start.
  return r.count === 1 && r.ends[0] === r.starts[0];
}

/** LF characters in text[from, to) (a quoted field), looking no further. */
function countLF(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === LF) n++;
  return n;
}

/**
 * Calls `onRecord` for each record of `text` from offset `from`, in order; stops early when
 * it returns false. `separator` is one character. Throws {@link CsvSyntaxError}.
 */
export function eachCsvRecord(
  text: string,
  separator: string,
  onRecord: (r: CsvRecord) => boolean | void,
  from = 0,
): void {
  const sep = separator.charCodeAt(0);
  const sepText = separator.charAt(0);
  const n = text.length;
  const r: CsvRecord = { count: 0, starts: new Int32Array(64), ends: new Int32Array(64), line: 1 };
  let i = from;
  let line = 1;
  let nextSep = -1;
  let nextLF = -1;
  let nextCR = -1;
  let nextQuote = -1;
  while (i < n) {
    r.line = line;
    r.count = 0;
    for (;;) {
      let start: number;
      let end: number;
      if (text.charCodeAt(i) === QUOTE) {
        const open = i + 1;
        let escaped = false;
        let q = text.indexOf('"', open);
        while (q >= 0 && text.charCodeAt(q + 1) === QUOTE) {
          escaped = true;
          q = text.indexOf('"', q + 2);
        }
        if (q < 0) throw new CsvSyntaxError('a quoted field is not closed', line);
        start = escaped ? ~open : open;
        end = q;
        line += countLF(text, open, q);
        i = q + 1;
        const c = text.charCodeAt(i);
        if (i < n && c !== sep && c !== LF && c !== CR)
          throw new CsvSyntaxError(
            'a closing quote is followed by more text in the same field',
            line,
          );
        // Only a long field is unescaped to measure it.
        if (q - open > MAX_CELL && cellText(text, start, end).length > MAX_CELL)
          throw new CsvSyntaxError(`a cell is longer than ${MAX_CELL} characters`, line, true);
      } else {
        // The next separator, line end and quote at or after i, each found by indexOf and
        // kept until passed: a field costs one native search instead of a loop over it.
        if (nextSep < i) nextSep = found(text.indexOf(sepText, i), n);
        if (nextLF < i) nextLF = found(text.indexOf('\n', i), n);
        if (nextCR < i) nextCR = found(text.indexOf('\r', i), n);
        const j = Math.min(nextSep, nextLF, nextCR);
        if (nextQuote < i) nextQuote = found(text.indexOf('"', i), n);
        if (nextQuote < j)
          throw new CsvSyntaxError('a quote inside a field that does not start with a quote', line);
        start = i;
        end = j;
        i = j;
        if (end - start > MAX_CELL)
          throw new CsvSyntaxError(`a cell is longer than ${MAX_CELL} characters`, line, true);
      }
      push(r, start, end);
      const c = text.charCodeAt(i);
      if (c === sep) {
        i++;
        continue;
      }
      if (c === CR || c === LF) {
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    if (onRecord(r) === false) return;
  }
}

/** An indexOf result, `n` (the text's end) for none. */
function found(at: number, n: number): number {
  return at < 0 ? n : at;
}

/** Appends a field to the record, growing its arrays when full. */
function push(r: CsvRecord, start: number, end: number): void {
  if (r.count === r.starts.length) {
    const starts = new Int32Array(r.count * 2);
    const ends = new Int32Array(r.count * 2);
    starts.set(r.starts);
    ends.set(r.ends);
    r.starts = starts;
    r.ends = ends;
  }
  r.starts[r.count] = start;
  r.ends[r.count] = end;
  r.count++;
}
