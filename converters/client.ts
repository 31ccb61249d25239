/**
 * What the browser client uses from converters/: the binary values codec, the formula
 * language and the color rule, all free of zod. A second entry file on purpose:
 * converters/index.ts also gathers the zod schemas, and a client bundle importing it grows
 * from about 11 KB to about 480 KB of minified code for the same few functions (esbuild
 * cannot drop the schemas' top-level calls). The server imports converters/index.ts.
 */
export { binaryToJson, isBinaryValues, mapValuesKeys, type BinaryValues } from './binary-values.ts';
export * from './formula/index.ts';
export { isColor, normalizeColor } from './schema/colors.ts';
