/**
 * A light type check of formulas, run when the caller knows the variables' types (a Map
 * from name to `variableType`): arithmetic on text or on nominal variables, or a filter that
 * cannot give true/false, is an error with a position instead of a silent NA from R.
 * With only names (a Set), every variable is `unknown` and nothing is refused here.
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
    case 'call': {
      const types = node.args.map(sub);
      if (node.fn === 'is.na') return 'logical';
      node.args.forEach((a, i) => need(a, types[i] ?? 'unknown', NUMERIC, `${node.fn}()`));
      return 'number';
    }
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
