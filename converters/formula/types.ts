/**
 * A light type check of formulas, run when the caller knows the variables' types (a Map
 * from name to `variableType`): arithmetic on text or on nominal variables, or a filter that
 * cannot give true/false, is an error with a position instead of a silent NA from R.
 * With only names (a Set), every variable is `unknown` and nothing is refused here.
 * Functions take numbers, except `is.na` (anything), `ifelse` (its two values may be text or
 * levels: the result is then nominal) and `recode` (any variable; nominal when it is, or when
 * a new value is text); `cut` gives a nominal variable.
 */
import type { VariableType } from '../schema/vector.schema.ts';
import { FormulaError, type FormulaNode } from './ast.ts';

/** What a formula node gives. */
export type FormulaType = 'number' | 'logical' | 'text' | 'nominal' | 'ordinal' | 'unknown';

const FROM_VARIABLE: Readonly<Record<VariableType, FormulaType>> = {
  scalar: 'number',
  datetime: 'number',
  logical: 'logical',
  nominal: 'nominal',
  ordinal: 'ordinal',
};
const NUMERIC: ReadonlySet<FormulaType> = new Set(['number', 'logical', 'unknown']);
const ORDERED: ReadonlySet<FormulaType> = new Set([
  'number',
  'logical',
  'unknown',
  'text',
  'ordinal',
]);

const DESCRIBE: Readonly<Record<FormulaType, string>> = {
  number: 'a number',
  logical: 'true/false',
  text: 'text',
  nominal: 'a nominal variable',
  ordinal: 'an ordinal variable',
  unknown: 'a value',
};

function need(
  node: FormulaNode,
  t: FormulaType,
  allowed: ReadonlySet<FormulaType>,
  what: string,
): void {
  if (!allowed.has(t)) throw new FormulaError(`${what} cannot use ${DESCRIBE[t]}`, node.pos);
}

/** The type of a node; throws {@link FormulaError} where an operation cannot apply. */
export function typeOf(
  node: FormulaNode,
  typeOfVariable: (name: string) => FormulaType,
): FormulaType {
  const sub = (n: FormulaNode) => typeOf(n, typeOfVariable);
  switch (node.kind) {
    case 'number':
      return 'number';
    case 'string':
      return 'text';
    case 'variable':
      return typeOfVariable(node.name);
    case 'unary': {
      const t = sub(node.operand);
      need(node.operand, t, NUMERIC, `"${node.op}"`);
      return node.op === '!' ? 'logical' : 'number';
    }
    case 'binary': {
      const [l, r] = [sub(node.left), sub(node.right)];
      if (node.op === '==' || node.op === '!=') return 'logical';
      const allowed = ['<', '<=', '>', '>='].includes(node.op) ? ORDERED : NUMERIC;
      need(node.left, l, allowed, `"${node.op}"`);
      need(node.right, r, allowed, `"${node.op}"`);
      return node.op === '&' || node.op === '|' || allowed === ORDERED ? 'logical' : 'number';
    }
    case 'call':
      return callType(node, node.args.map(sub));
  }
}

const TEXTLIKE: ReadonlySet<FormulaType> = new Set(['text', 'nominal', 'ordinal']);

/** The type of a call whose arguments have `types`; see the module comment. */
function callType(
  node: FormulaNode & { kind: 'call' },
  types: readonly FormulaType[],
): FormulaType {
  const at = (i: number): FormulaType => types[i] ?? 'unknown';
  const numeric = (from: number, to = types.length): void => {
    for (let i = from; i < to; i++)
      need(node.args[i] as FormulaNode, at(i), NUMERIC, `${node.fn}()`);
  };
  switch (node.fn) {
    case 'is.na':
      return 'logical';
    case 'ifelse': {
      numeric(0, 1);
      const [a, b] = [at(1), at(2)];
      if (TEXTLIKE.has(a) || TEXTLIKE.has(b)) return 'nominal';
      if (a === 'unknown' || b === 'unknown') return 'unknown';
      return a === 'logical' && b === 'logical' ? 'logical' : 'number';
    }
    case 'cut':
      numeric(0);
      return 'nominal';
    case 'recode': {
      const x = at(0);
      if (x === 'nominal' || x === 'ordinal') return x;
      if (types.some((t, i) => i > 0 && i % 2 === 0 && t === 'text')) return 'nominal';
      return x === 'text' ? 'nominal' : x === 'unknown' ? 'unknown' : 'number';
    }
    default:
      numeric(0);
      return 'number';
  }
}

/** Whether `variables` carries types: a Map whose values are variable types. */
export function variableTypes(variables: unknown): ((name: string) => FormulaType) | null {
  if (!(variables instanceof Map)) return null;
  const map = variables as ReadonlyMap<string, unknown>;
  return (name) => {
    const t = map.get(name);
    return typeof t === 'string' && Object.hasOwn(FROM_VARIABLE, t)
      ? FROM_VARIABLE[t as VariableType]
      : 'unknown';
  };
}
