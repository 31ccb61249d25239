/**
 * The QAP1 (Rserve) client: the only way into `r/qap1/`.
 * `connectR` opens a connection; `encodeSEXP`/`decodeSEXP` are the pure codec.
 */
export { connectR, type ConnectOptions } from './connect.ts';
export type { RAddress, RConnection, RequestOptions, RErrorCode } from './connection.types.ts';
export { RError } from './connection.types.ts';
export { decodeSEXP, DecodeError } from './decode.ts';
export { descendants, killAll, type ProcessId } from './descendants.ts';
export { encodeSEXP, encodedLength, EncodeError } from './encode.ts';
export { GREETING_LENGTH } from './protocol.ts';
export * from './sexp.ts';
