/**
 * Formula syntax tree -> R source an analyst reads and runs (the `r_code` of results, API.md
 * "Analyses added in API 1.1"). Unlike `to-r.ts` (the code the server evaluates in a locked
 * environment), this text is for `subset(DATA, ...)` / `with(DATA, ...)`: variables are bare
 * column names, functions are base R's, and parentheses appear only where R's precedence
 * needs them (or where a reader would misread `!a == b`). It is built from the tree only:
 * every string literal goes through {@link rQuote}, every name through {@link rSymbol}, every
 * number through {@link rNumber}, so nothing the user typed is ever pasted as R syntax.
 *
 * Missing values behave as on the server: `sum`, `sd` and `mean` drop them (`na.rm = TRUE`;
 * `mean` of nothing is NaN where the server says NA, which every comparison and `is.na`
 * treat alike); `min` and `max` of nothing are NA on the server but +-Inf in R, so they call
 * the helpers of {@link SOURCE_HELPERS}, which the caller defines once before the code.
 * The data-work functions of API 1.1 are the language's own (r/R/formula.R): `cut`,
 * `rowsum` and `rank` become base R calls with the language's arguments; `ifelse` (text of
 * a factor as text), `recode`, `z`, `rowmean` and `reverse` call helpers of the same rules.
 */
import type { BinaryOp, FormulaNode } from './ast.ts';
import { rQuote } from '../../r/values.ts';
import { rNumber } from './to-r.ts';

/** R's reserved words (`?Reserved`): as names they need backticks. */
const R_RESERVED = new Set([
  'if',
  'else',
  'repeat',
  'while',
  'function',
  'for',
  'in',
  'next',
  'break',
  'TRUE',
  'FALSE',
  'NULL',
  'Inf',
  'NaN',
  'NA',
  'NA_integer_',
  'NA_real_',
  'NA_character_',
  'NA_complex_',
]);

/** Names as PanthR objects and variables have them (API.md §3), plus R's leading dot. */
const PLAIN_NAME = /^[A-Za-z.][A-Za-z0-9._]*$/;
const SYNTACTIC = /^(?:[A-Za-z]|[.](?![0-9]))[A-Za-z0-9._]*$/;

/**
 * A dataset or variable name as R code: as it is when R reads it as that name, else in
 * backticks (reserved words such as `if`, `TRUE`, `NA_real_`; `..1`). Only names of letters,
 * digits, `.` and `_` are accepted (a TypeError otherwise): the schema allows no others, so
 * no escaping is ever needed inside the backticks.
 */
export function rSymbol(name: string): string {
  if (!PLAIN_NAME.test(name)) throw new TypeError(`not a PanthR name: ${JSON.stringify(name)}`);
  return SYNTACTIC.test(name) && !R_RESERVED.has(name) && !/^[.]{2}(?:[.]|[0-9]+)$/.test(name)
    ? name
    : `\`${name}\``;
}

/** Whether {@link rSymbol} must backtick `name` (R's `make.names` would change it). */
export function needsBackticks(name: string): boolean {
  return rSymbol(name) !== name;
}

/** The functions of the formula language that r_code writes as calls of a helper. */
type Helped = 'min' | 'max' | 'ifelse' | 'recode' | 'z' | 'rowmean' | 'reverse';

/**
 * The helpers the formula language's functions call in r_code, by name, as plain R
 * definitions (base R only) of the rules PanthR.r's formula environment has.
 */
export const SOURCE_HELPERS: Readonly<Record<Helped, { name: string; code: string }>> = {
  min: {
    name: '.min_or_na',
    code: '.min_or_na <- function(...) { v <- c(...); if (all(is.na(v))) NA else min(v, na.rm = TRUE) }',
  },
  max: {
    name: '.max_or_na',
    code: '.max_or_na <- function(...) { v <- c(...); if (all(is.na(v))) NA else max(v, na.rm = TRUE) }',
  },
  ifelse: {
    name: '.ifelse_text',
    code: [
      '.ifelse_text <- function(test, yes, no) {',
      '  if (is.factor(yes)) yes <- as.character(yes)',
      '  if (is.factor(no)) no <- as.character(no)',
      '  ifelse(test, yes, no)',
      '}',
    ].join('\n'),
  },
  recode: {
    name: '.recode',
    code: [
      '.recode <- function(x, ...) {',
      '  pairs <- list(...)',
      '  old <- pairs[c(TRUE, FALSE)]',
      '  new <- pairs[c(FALSE, TRUE)]',
      '  swap <- function(v) {',
      '    out <- v',
      '    if (any(vapply(new, is.character, NA)) && !is.character(out)) out <- as.character(out)',
      '    for (i in seq_along(old)) out[!is.na(v) & v == old[[i]]] <- new[[i]]',
      '    out',
      '  }',
      '  if (!is.factor(x)) return(swap(x))',
      '  factor(swap(as.character(x)), levels = unique(swap(levels(x))), ordered = is.ordered(x))',
      '}',
    ].join('\n'),
  },
  z: {
    name: '.z',
    code: '.z <- function(x) (x - mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE)',
  },
  rowmean: {
    name: '.rowmean',
    code: '.rowmean <- function(...) { r <- rowMeans(cbind(...), na.rm = TRUE); r[is.nan(r)] <- NA; r }',
  },
  reverse: {
    name: '.reverse',
    code: '.reverse <- function(x, min, max) min + max - x',
  },
};

function isHelped(fn: string): fn is Helped {
  return Object.hasOwn(SOURCE_HELPERS, fn);
}

/** Binding strength of each operator, as R's parser has it (higher binds tighter). */
const BINARY_PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '|': 1,
  '&': 2,
  '==': 4,
  '!=': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '^': 8,
};
const NOT = 3;
const UNARY_SIGN = 7;
const ATOM = 9;

function precedence(node: FormulaNode): number {
  if (node.kind === 'binary') return BINARY_PRECEDENCE[node.op];
  if (node.kind === 'unary') return node.op === '!' ? NOT : UNARY_SIGN;
  return ATOM;
}

function wrap(code: string, parens: boolean): string {
  return parens ? `(${code})` : code;
}

function binary(node: FormulaNode & { kind: 'binary' }, used: Set<Helped>): string {
  const p = BINARY_PRECEDENCE[node.op];
  const [l, r] = [precedence(node.left), precedence(node.right)];
  const comparison = p === 4;
  // `^` groups to the right, the others to the left; comparisons do not chain at all.
  const leftParens = l < p || (l === p && (node.op === '^' || comparison));
  const rightParens = r < p || (r === p && node.op !== '^');
  return `${wrap(emit(node.left, used), leftParens)} ${node.op} ${wrap(emit(node.right, used), rightParens)}`;
}

function call(node: FormulaNode & { kind: 'call' }, used: Set<Helped>): string {
  const each = node.args.map((a) => emit(a, used));
  const args = each.join(', ');
  switch (node.fn) {
    case 'sum':
    case 'sd':
    case 'mean':
      return `${node.fn}(${args}, na.rm = TRUE)`;
    case 'cut':
      return `cut(${each[0] ?? ''}, breaks = c(${each.slice(1).join(', ')}))`;
    case 'rowsum':
      return `rowSums(cbind(${args}), na.rm = TRUE)`;
    case 'rank':
      return `rank(${args}, na.last = "keep")`;
    default:
      if (!isHelped(node.fn)) return `${node.fn}(${args})`;
      used.add(node.fn);
      return `${SOURCE_HELPERS[node.fn].name}(${args})`;
  }
}

function emit(node: FormulaNode, used: Set<Helped>): string {
  switch (node.kind) {
    case 'number':
      return rNumber(node.value);
    case 'string':
      return rQuote(node.value);
    case 'variable':
      return rSymbol(node.name);
    case 'unary': {
      // `!a == b` is `!(a == b)` in R, but reads otherwise: an operator operand gets parens.
      const inner = node.operand.kind === 'unary' || precedence(node.operand) < UNARY_SIGN;
      return `${node.op}${wrap(emit(node.operand, used), inner || (node.op === '!' && node.operand.kind === 'binary'))}`;
    }
    case 'binary':
      return binary(node, used);
    case 'call':
      return call(node, used);
  }
}

/** The outcome of {@link formulaToSource}. */
export interface FormulaSource {
  /** The expression, with the dataset's columns as bare names. */
  readonly code: string;
  /** Definitions of {@link SOURCE_HELPERS} the expression calls, to run before it. */
  readonly helpers: readonly string[];
}

/** R source for a parsed formula (see the module comment); columns are bare names. */
export function formulaToSource(ast: FormulaNode): FormulaSource {
  const used = new Set<Helped>();
  const code = emit(ast, used);
  return { code, helpers: [...used].sort().map((fn) => SOURCE_HELPERS[fn].code) };
}
