/**
 * The context of a result's `r_code` (API.md, "Analyses added in API 1.1"; r/R/rcode.R): the
 * data frame's name as R code, and the set-up lines that turn `NAME <- read.csv("NAME.csv")`
 * (the workspace's CSV export: labels written for coded values, a missing value as an empty
 * cell or as its own code) into the data a report, test or graph sees in the server:
 *
 * 1. `names(NAME) <- c(...)` when a variable name is one `read.csv` changes (a reserved word
 *    such as `if` becomes `if.`), in the dataset's column order;
 * 2. `NAME$v[NAME$v %in% c(...)] <- NA` for a used variable with `missing` values;
 * 3. `NAME$v <- factor(NAME$v, levels = c(...))` for each used nominal/ordinal variable,
 *    levels as the server has them (`ordered = TRUE` for ordinal; levels that `read.csv`
 *    reads as numbers or as logical values, such as `T`/`F`, are matched as such and
 *    labelled with the level text);
 * 4. `NAME <- subset(NAME, FORMULA)` for a filter (rows where it is NA are dropped, as the
 *    server drops them), the formula deparsed from its syntax tree (`formula/to-source.ts`).
 *
 * Every string is quoted by `rQuote`, every name by `rSymbol`; no user text is pasted.
 * Datetime variables are left as `read.csv` gives them.
 */
import { ConversionError } from './errors.ts';
import {
  formulaToSource,
  needsBackticks,
  parseFormula,
  rNumber,
  rSymbol,
  type FormulaNode,
} from './formula/index.ts';
import { factorLevels } from './panthr2r.ts';
import type { PanthrDataset, PanthrVector } from './schema/vector.schema.ts';
import { rQuote } from '../r/values.ts';

/** What PanthR.r's dispatchers take as `code` (r/R/rcode.R). */
export interface RCodeContext {
  /** The data frame's name as R code (backticked when R needs it). */
  readonly data: string;
  /** R lines, run after `read.csv`, before the kind's own code. */
  readonly setup: readonly string[];
}

/** What one request uses of a dataset. */
export interface RCodeRequest {
  /** The dataset in its stored form. */
  readonly dataset: PanthrDataset;
  /** The variables the request names (its `variables`, then `by`), in order. */
  readonly variables: readonly string[];
  /** The formula of the request's filter, when it has one. */
  readonly filter?: string | undefined;
}

/**
 * A data string (a level, a label, a missing code) as an R literal. A lone surrogate reaches R
 * as U+FFFD (the QAP1 encoder writes UTF-8), so the code writes that too; NUL never reaches
 * R (the encoder refuses it), so none is left here.
 */
function rText(s: string): string {
  return rQuote(s.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'));
}

/** A number the way R reads it back exactly (negative ones too). */
function rNumberLiteral(x: number): string {
  return x < 0 ? `-${rNumber(-x)}` : rNumber(x);
}

function rLiteral(x: number | boolean): string {
  if (typeof x === 'boolean') return x ? 'TRUE' : 'FALSE';
  return rNumberLiteral(x);
}

function rVector(items: readonly string[], empty: string): string {
  return items.length === 0 ? empty : `c(${items.join(', ')})`;
}

/** A level text that `read.csv` (type.convert) reads as a number. */
/** C's isspace: what R's number reader skips around a number. */
const C_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const HEX_NUMBER = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const DECIMAL_NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d*)?$/;
/** Level texts that `read.csv` (type.convert, R 4.2) reads as logical values. */
const LOGICAL_TEXT: Readonly<Record<string, boolean>> = {
  T: true,
  TRUE: true,
  F: false,
  FALSE: false,
};

/** The variables a formula names, in order of first appearance. */
function formulaVariables(node: FormulaNode, out: string[]): string[] {
  switch (node.kind) {
    case 'variable':
      if (!out.includes(node.name)) out.push(node.name);
      break;
    case 'unary':
      formulaVariables(node.operand, out);
      break;
    case 'binary':
      formulaVariables(node.left, out);
      formulaVariables(node.right, out);
      break;
    case 'call':
      for (const a of node.args) formulaVariables(a, out);
      break;
    case 'number':
    case 'string':
      break;
  }
  return out;
}

/** The cells of `v` that mean "missing", as the CSV export may write them. */
function missingCells(v: PanthrVector): string[] {
  const cells = new Set<string>();
  const labels = v.labels;
  for (const m of v.missing ?? []) {
    if (m === null || (typeof m === 'number' && !Number.isFinite(m))) continue;
    const isFactor = v.variableType === 'nominal' || v.variableType === 'ordinal';
    if (isFactor && typeof m === 'number' && labels !== undefined) {
      // A coded value is written as its label.
      const label = Array.isArray(labels)
        ? (labels as readonly string[])[m - 1]
        : (labels as Readonly<Record<string, string>>)[String(m)];
      if (label !== undefined) cells.add(rText(label));
    }
    if (isFactor) cells.add(rText(String(m)));
    else if (typeof m !== 'string') cells.add(rLiteral(m));
  }
  return [...cells];
}

/**
 * Levels by stored vector: without labels they take a pass over every value (~0.1 s for a
 * million), and every request using the variable needs them. Stored vectors are never
 * changed in place (a change stores a new object), so the object is the key.
 */
const levelCache = new WeakMap<PanthrVector, readonly string[]>();

function levelsOf(v: PanthrVector): readonly string[] {
  let levels = levelCache.get(v);
  if (levels === undefined) {
    levels = factorLevels(v);
    levelCache.set(v, levels);
  }
  return levels;
}

/**
 * The number R's reader (R_strtod, as type.convert uses it) makes of `text`, or undefined
 * when the text is no number to it: white space around it, a sign, decimal digits with an
 * exponent that may lack its digits (`1e`), hexadecimal (`0x10`, `0x1.8p3`), `Inf`,
 * `infinity` and `NaN` in any case; too large is infinite.
 */
function rReadNumber(text: string): number | undefined {
  const s = text.replace(C_SPACE, '');
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  if (/^nan$/i.test(body)) return NaN;
  if (/^inf(?:inity)?$/i.test(body)) return sign * Infinity;
  const hex = HEX_NUMBER.exec(body);
  if (hex !== null) {
    const [, whole = '', frac = '', exp = '0'] = hex;
    if (whole === '' && frac === '') return undefined;
    let x = 0;
    for (const d of whole + frac) x = x * 16 + parseInt(d, 16);
    return sign * x * 2 ** (Number(exp) - 4 * frac.length);
  }
  return DECIMAL_NUMBER.test(body) ? sign * Number(body.replace(/[eE][+-]?$/, '')) : undefined;
}

/** What `read.csv` makes of a text column, as the set-up must match it (see readBack). */
type ReadBack =
  | { readonly kind: 'text'; readonly naLevel: boolean }
  | { readonly kind: 'values'; readonly values: readonly string[] }
  | { readonly kind: 'lost'; readonly why: string };

/**
 * What `read.csv` (na.strings "NA", then type.convert) makes of a column whose texts are
 * `levels`: a level `NA` is NA (in a text column, where an empty cell stays "", the set-up
 * turns NA back into it); all others logical (`T`, `FALSE`...) or numbers: R literals to
 * match them, one per level, compared as `factor()` does (as.character: 15 significant
 * digits). Lost when two levels read as one value (`1` and `1.0`), or when `NA` is a level
 * of a column read as numbers or logical (its NA is then a missing value's NA too).
 */
function readBack(levels: readonly string[]): ReadBack {
  const naLevel = levels.includes('NA');
  const rest = levels.filter((l) => l !== 'NA');
  const read = (value: (level: string) => number | boolean | undefined): ReadBack | null => {
    const out = rest.map(value);
    if (rest.length === 0 || out.some((x) => x === undefined)) return null;
    const key = (x: number | boolean | undefined): string =>
      typeof x === 'number' && Number.isFinite(x) ? String(Number(x.toPrecision(15))) : String(x);
    const seen = new Map<string, string>();
    for (const [i, x] of out.entries()) {
      const other = seen.get(key(x));
      if (other !== undefined)
        return {
          kind: 'lost',
          why: `read.csv reads its levels ${JSON.stringify(other)} and ${JSON.stringify(rest[i])} as one value`,
        };
      seen.set(key(x), rest[i] as string);
    }
    if (naLevel) return { kind: 'lost', why: 'read.csv reads its level "NA" as a missing value' };
    const literal = (x: number | boolean | undefined): string =>
      typeof x === 'boolean' ? rLiteral(x) : Number.isNaN(x) ? 'NaN' : rNumberLiteral(x as number);
    return { kind: 'values', values: levels.map((l) => literal(value(l))) };
  };
  return (
    read((l) => (Object.hasOwn(LOGICAL_TEXT, l) ? LOGICAL_TEXT[l] === true : undefined)) ??
    read((l) => (l.replace(C_SPACE, '') === 'NA' ? undefined : rReadNumber(l))) ?? {
      kind: 'text',
      naLevel,
    }
  );
}

function factorLines(col: string, v: PanthrVector, alone: boolean): string[] {
  const levels = levelsOf(v);
  const ordered = v.variableType === 'ordinal' ? ', ordered = TRUE' : '';
  const text = rVector(levels.map(rText), 'character()');
  const read = readBack(levels);
  // Alone in its dataset, a missing value is written `NA` (server/reports/csv-export.ts).
  const back: ReadBack =
    read.kind === 'text' && read.naLevel && alone
      ? { kind: 'lost', why: 'its level "NA" and its missing values are both NA there' }
      : read;
  switch (back.kind) {
    case 'text':
      return [
        ...(back.naLevel ? [`${col}[is.na(${col})] <- "NA"`] : []),
        `${col} <- factor(${col}, levels = ${text}${ordered})`,
      ];
    case 'values':
      // read.csv gives these as numbers or logical values: match them so, keep the text.
      return [
        `${col} <- factor(${col}, levels = ${rVector(back.values, 'c()')}, labels = ${text}${ordered})`,
      ];
    case 'lost':
      // Numbers from such data would be silently wrong: the code says why it stops.
      return [
        `stop(${rText(`variable ${JSON.stringify(v.name)} cannot be rebuilt from the CSV: ${back.why}`)})`,
      ];
  }
}

function variableLines(data: string, v: PanthrVector, alone: boolean): string[] {
  if (v.variableType === 'datetime') return [];
  const col = `${data}$${rSymbol(v.name)}`;
  const lines: string[] = [];
  const cells = missingCells(v);
  if (cells.length > 0) lines.push(`${col}[${col} %in% ${rVector(cells, 'c()')}] <- NA`);
  if (v.variableType === 'nominal' || v.variableType === 'ordinal')
    lines.push(...factorLines(col, v, alone));
  return lines;
}

/**
 * The r_code context of one request (see the module comment). Throws
 * {@link ConversionError} (`invalid_object`) for a filter formula that does not parse.
 */
export function rCodeContext(req: RCodeRequest): RCodeContext {
  const { dataset } = req;
  const data = rSymbol(dataset.name);
  const setup: string[] = [];
  const names = dataset.variables.map((v) => v.name);
  if (names.some(needsBackticks))
    setup.push(`names(${data}) <- ${rVector(names.map(rQuote), 'character()')}`);
  let filter: FormulaNode | null = null;
  if (req.filter !== undefined) {
    const parsed = parseFormula(req.filter);
    if (!parsed.ok) throw new ConversionError('invalid_object', `filter: ${parsed.message}`);
    filter = parsed.ast;
  }
  const used = [...new Set(req.variables)];
  if (filter) for (const n of formulaVariables(filter, [])) if (!used.includes(n)) used.push(n);
  const byName = new Map(dataset.variables.map((v) => [v.name, v]));
  for (const name of used) {
    const v = byName.get(name);
    if (v !== undefined) setup.push(...variableLines(data, v, dataset.variables.length === 1));
  }
  if (filter) {
    const src = formulaToSource(filter);
    setup.push(...src.helpers, `${data} <- subset(${data}, ${src.code})`);
  }
  return { data, setup };
}
