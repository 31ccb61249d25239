/** The syntax tree of a formula. `pos` is the 1-based character column where a node starts. */

/** Binary operators, as written in a formula (and in R). */
export type BinaryOp =
  '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&' | '|';
/** Unary operators. */
export type UnaryOp = '-' | '+' | '!';

/** A formula syntax tree node. */
export type FormulaNode =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'variable'; readonly name: string; readonly pos: number }
  | {
      readonly kind: 'unary';
      readonly op: UnaryOp;
      readonly operand: FormulaNode;
      readonly pos: number;
    }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: FormulaNode;
      readonly right: FormulaNode;
      readonly pos: number;
    }
  | {
      readonly kind: 'call';
      readonly fn: string;
      readonly args: readonly FormulaNode[];
      readonly pos: number;
    };

/** A formula error: a message and the 1-based column it points at. */
export class FormulaError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at ${position}`);
    this.name = 'FormulaError';
    this.position = position;
  }
}
