/**
 * The pure part of r/: R value types and constructors (qap1/sexp.ts) and the one R string
 * quoting function (r-quote.ts). No I/O and nothing from Node, so converters/ and the
 * browser bundle may import it; everything else outside r/ goes through r/index.ts.
 */
export * from './qap1/sexp.ts';
export { isRQuotable, rQuote } from './r-quote.ts';
