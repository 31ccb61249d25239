/** The formula language of API.md: parse, then translate the tree to R. */
export { FormulaError, type BinaryOp, type FormulaNode, type UnaryOp } from './ast.ts';
export { FUNCTIONS, parseFormula, type ParseResult } from './parser.ts';
export {
  compileFormula,
  formulaToR,
  rNumber,
  type CompileResult,
  type FormulaToROptions,
  type VariableNames,
} from './to-r.ts';
export {
  formulaToSource,
  needsBackticks,
  rSymbol,
  SOURCE_HELPERS,
  type FormulaSource,
} from './to-source.ts';
export { isRQuotable, rQuote } from '../../r/values.ts';
export { tokenize, type Token } from './lexer.ts';
export { typeOf, variableTypes, type FormulaType } from './types.ts';
