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
const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
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
 * What `read.csv` (type.convert) makes of a column whose texts are `levels`, as R literals,
 * one per level: logical values (`T`, `FALSE`...) or numbers; null when it keeps the text,
 * or when two levels would read as one value (`1` and `01`), so cannot be told apart.
 */
function readBackValues(levels: readonly string[]): string[] | null {
  const each = (read: (level: string) => string | undefined): string[] | null => {
    const out = levels.map(read);
    return levels.length > 0 &&
      out.every((x) => x !== undefined) &&
      new Set(out).size === out.length
      ? out
      : null;
  };
  return (
    each((l) =>
      Object.hasOwn(LOGICAL_TEXT, l) ? rLiteral(LOGICAL_TEXT[l] === true) : undefined,
    ) ??
    each((l) => {
      const x = NUMERIC_TEXT.test(l) ? Number(l) : NaN;
      return Number.isFinite(x) ? rNumberLiteral(x) : undefined;
    })
  );
}

function factorLine(col: string, v: PanthrVector): string {
  const levels = levelsOf(v);
  const ordered = v.variableType === 'ordinal' ? ', ordered = TRUE' : '';
  const text = rVector(levels.map(rText), 'character()');
  const values = readBackValues(levels);
  if (values === null) return `${col} <- factor(${col}, levels = ${text}${ordered})`;
  // read.csv gives these as numbers or logical values: match them so, keep the level text.
  return `${col} <- factor(${col}, levels = ${rVector(values, 'c()')}, labels = ${text}${ordered})`;
}

function variableLines(data: string, v: PanthrVector): string[] {
  if (v.variableType === 'datetime') return [];
  const col = `${data}$${rSymbol(v.name)}`;
  const lines: string[] = [];
  const cells = missingCells(v);
  if (cells.length > 0) lines.push(`${col}[${col} %in% ${rVector(cells, 'c()')}] <- NA`);
  if (v.variableType === 'nominal' || v.variableType === 'ordinal') lines.push(factorLine(col, v));
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
    if (v !== undefined) setup.push(...variableLines(data, v));
  }
  if (filter) {
    const src = formulaToSource(filter);
    setup.push(...src.helpers, `${data} <- subset(${data}, ${src.code})`);
  }
  return { data, setup };
}
