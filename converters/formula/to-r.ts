/**
 * Formula syntax tree -> R source text, built from the tree only: every variable becomes
 * `<dataVar>[["<name>"]]`, every string and name goes through {@link rQuote}, every node is
 * parenthesised (R's own precedence never matters), and functions are called by their
 * namespace (`base::log`), so nothing the user typed is ever R syntax.
 *
 * The data-work functions of API 1.1 (`ifelse cut recode z rowmean rowsum rank reverse`)
 * are the language's own: they are written as bare calls that only PanthR.r's formula
 * environment defines (r/R/formula.R), where each is R's function with the rules below.
 *
 * Missing values (NA): arithmetic, comparisons, `&`/`|` and element-wise functions follow R,
 * so NA in gives NA out (a filter keeps only rows where its formula is TRUE; `rank` keeps NA
 * as NA). Functions that summarise several values skip the missing ones, as R's
 * `na.rm = TRUE` does: `mean sd min max sum` over a column, `z` (its mean and sd),
 * `rowmean rowsum` across a row. A summary of no values is NA, except `sum`/`rowsum`, which
 * are 0 as in R; `sd` needs two values. Aggregates give one value, which R recycles over the
 * rows (`x - mean(x)`). PanthR.r says in the result's warnings how many missing values a
 * summary left out, so the difference from R's default (NA) is never silent.
 */
import { FormulaError, type FormulaNode } from './ast.ts';
import { parseFormula } from './parser.ts';
import { rQuote } from '../../r/values.ts';
import { typeOf, variableTypes } from './types.ts';

/** Anything that can say whether a variable exists (a Set of names, a Map by name). */
export interface VariableNames {
  has(name: string): boolean;
}

/** Options of {@link formulaToR}. */
export interface FormulaToROptions {
  /** The R variable holding the data frame (an R identifier the caller controls). */
  readonly dataVar: string;
  /**
   * The variables the formula may name: a Set of names, or a Map from name to
   * `variableType`, which also type-checks the formula (see `types.ts`).
   */
  readonly variables: VariableNames;
  /**
   * `value` (default): the expression as it is. `filter`: a logical vector of `nrow(data)`
   * values, TRUE only where the formula is TRUE (NA and FALSE rows dropped); an R error
   * "the filter formula must give true or false" if it is not logical.
   */
  readonly mode?: 'value' | 'filter';
}

const R_IDENTIFIER = /^\.?[A-Za-z][A-Za-z0-9._]{0,63}$/;
const R_RESERVED = new Set([
  'if',
  'else',
  'repeat',
  'while',
  'function',
  'for',
  'next',
  'break',
  'TRUE',
  'FALSE',
  'NULL',
  'Inf',
  'NaN',
  'NA',
  'in',
]);

/** A double literal R parses to exactly `n` (n >= 0): short decimals as they are, others in hex. */
export function rNumber(n: number): string {
  if (n === Infinity) return 'Inf';
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`not a formula number: ${n}`);
  // Subnormals always in hex: decimal parsing near underflow is where strtod implementations differ.
  if (n === 0 || (n >= 2.2250738585072014e-308 && Number(n.toPrecision(15)) === n))
    return String(n);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const mant = (
    (hi & 0xfffff).toString(16).padStart(5, '0') + lo.toString(16).padStart(8, '0')
  ).replace(/0+$/, '');
  return exp === 0 ? `0x0.${mant}p-1022` : `0x1.${mant || '0'}p${exp - 1023}`;
}

const NA_SAFE_AGGREGATE = (fn: string): string =>
  `(function(...) { v <- base::c(...); if (base::all(base::is.na(v))) NA else base::${fn}(v, na.rm = TRUE) })`;

/** Functions of the language that PanthR.r's formula environment defines under this name. */
const OWN: ReadonlySet<string> = new Set([
  'ifelse',
  'cut',
  'recode',
  'z',
  'rowmean',
  'rowsum',
  'rank',
  'reverse',
]);

/** A literal of recode's pairs: a number, a negated number or a string. */
function isLiteral(n: FormulaNode): boolean {
  return (
    n.kind === 'number' ||
    n.kind === 'string' ||
    (n.kind === 'unary' && n.op === '-' && n.operand.kind === 'number')
  );
}

/** recode(x, old, new, ...): pairs of literal values after the variable. */
function checkRecode(node: FormulaNode & { kind: 'call' }): void {
  if (node.args.length % 2 === 0)
    throw new FormulaError('recode() takes a value, then pairs "old", "new"', node.pos);
  const bad = node.args.slice(1).find((a) => !isLiteral(a));
  if (bad) throw new FormulaError('recode() pairs must be numbers or strings', bad.pos);
}

function call(fn: string, args: readonly string[]): string {
  const list = args.join(', ');
  if (OWN.has(fn)) return `${fn}(${list})`;
  switch (fn) {
    case 'sum':
      return `base::sum(${list}, na.rm = TRUE)`;
    case 'sd':
      return `stats::sd(${list}, na.rm = TRUE)`;
    case 'mean':
    case 'min':
    case 'max':
      return `${NA_SAFE_AGGREGATE(fn)}(${list})`;
    default:
      return `base::${fn}(${list})`;
  }
}

function emit(node: FormulaNode, opts: FormulaToROptions): string {
  switch (node.kind) {
    case 'number':
      return rNumber(node.value);
    case 'string':
      return rQuote(node.value);
    case 'variable':
      if (!opts.variables.has(node.name))
        throw new FormulaError(`unknown variable ${JSON.stringify(node.name)}`, node.pos);
      return `${opts.dataVar}[[${rQuote(node.name)}]]`;
    case 'unary':
      return `(${node.op}${emit(node.operand, opts)})`;
    case 'binary':
      return `(${emit(node.left, opts)} ${node.op} ${emit(node.right, opts)})`;
    case 'call':
      if (node.fn === 'recode') checkRecode(node);
      return call(
        node.fn,
        node.args.map((a) => emit(a, opts)),
      );
  }
}

/**
 * R source for a parsed formula (see the module comment). Throws {@link FormulaError} for a
 * variable not in `variables` or (with typed variables) a type error, a TypeError if `dataVar` is not a plain R identifier.
 */
export function formulaToR(ast: FormulaNode, opts: FormulaToROptions): string {
  if (!R_IDENTIFIER.test(opts.dataVar) || R_RESERVED.has(opts.dataVar)) {
    throw new TypeError(
      `dataVar must be a plain R identifier, not ${JSON.stringify(opts.dataVar)}`,
    );
  }
  const code = emit(ast, opts);
  const types = variableTypes(opts.variables);
  if (types) {
    const t = typeOf(ast, types);
    if (opts.mode === 'filter' && t !== 'logical' && t !== 'unknown') {
      throw new FormulaError(
        'a filter must give true or false (a comparison, &, |, ! or is.na)',
        ast.pos,
      );
    }
  }
  if (opts.mode !== 'filter') return code;
  return (
    '(function(v, n) { if (!base::is.logical(v)) base::stop("the filter formula must give true or false", call. = FALSE); ' +
    `w <- base::rep_len(v, n); !base::is.na(w) & w })(${code}, base::nrow(${opts.dataVar}))`
  );
}

/** The outcome of {@link compileFormula}. */
export type CompileResult =
  | { readonly ok: true; readonly code: string }
  | { readonly ok: false; readonly message: string; readonly position: number };

/**
 * Parses and translates a formula in one step (`variables` as in {@link FormulaToROptions};
 * `dataVar` defaults to `data`, `mode` to `value`). Never throws for bad formulas: the error
 * message reads like `unknown function "system" at 1` (1-based column = `position`).
 */
export function compileFormula(
  text: string,
  variables: VariableNames,
  options: { dataVar?: string; mode?: 'value' | 'filter' } = {},
): CompileResult {
  const parsed = parseFormula(text);
  if (!parsed.ok) return parsed;
  try {
    return {
      ok: true,
      code: formulaToR(parsed.ast, {
        dataVar: options.dataVar ?? 'data',
        variables,
        mode: options.mode ?? 'value',
      }),
    };
  } catch (e) {
    if (e instanceof FormulaError) return { ok: false, message: e.message, position: e.position };
    throw e;
  }
}
