/**
 * The requests the client sends (whole QAP1 messages in one buffer) and how their answers
 * are read: how user code is wrapped so that R's own error message comes back, and how
 * statuses map to {@link RError} codes.
 */
import { RError } from './connection.types.ts';
import { decodeSEXP, DecodeError } from './decode.ts';
import { encodeSEXPSegments } from './encode.ts';
import type { Response } from './protocol.ts';
import {
  CMD,
  DT,
  HEADER_LENGTH,
  itemHeaderLength,
  messageHeader,
  PARSE_STATUS,
  readItemHeader,
  STATUS_EVAL_ERROR,
  stringParameter,
  writeItemHeader,
} from './protocol.ts';
import { rCall, type RLanguage, type RValue } from './sexp.ts';

/** Where the session keeps the wrapper (attached to the search path, not in globalenv). */
const SESSION_ENV = 'qap1:session';

/**
 * Run once per connection: attaches an environment holding `.qap1_run(expr)`, which
 * evaluates user code under a calling handler that records `conditionMessage(e)` of an
 * error nobody caught (the error still propagates, so Rserve answers status 127), and
 * `.qap1_last_error()`, which returns and clears it (falling back to geterrmessage()).
 * Answers the session's pid. A calling handler, unlike tryCatch, leaves every value (and
 * invisible()) untouched and costs a few microseconds; R's global calling handlers would
 * cost nothing but Rserve's top-level evaluation does not run them.
 */
export const SESSION_SETUP = `local({
  env <- attach(NULL, name = "${SESSION_ENV}", warn.conflicts = FALSE)
  state <- new.env(parent = emptyenv())
  record <- function(e) assign("message", conditionMessage(e), envir = state)
  assign(".qap1_run", function(expr) withCallingHandlers(expr, error = record), envir = env)
  assign(".qap1_last_error", function() {
    m <- if (exists("message", envir = state, inherits = FALSE)) get("message", envir = state) else geterrmessage()
    if (exists("message", envir = state, inherits = FALSE)) rm("message", envir = state)
    paste(sub("\\n$", "", m), collapse = "\n")
  }, envir = env)
  Sys.getpid()
})`;

/** The R call that returns (and clears) the message of the last uncaught error. */
export const LAST_ERROR_CODE = '.qap1_last_error()';

/**
 * Wraps user code for {@link SESSION_SETUP}'s `.qap1_run`. The braces take several
 * expressions; the newlines keep a trailing comment from swallowing the closing brace.
 * Interrupts are not errors, so SIGINT still aborts the evaluation with status 127.
 */
export function wrapCode(code: string): string {
  return `.qap1_run({\n${code}\n})`;
}

/** A whole eval (CMD_eval) or voidEval (CMD_voidEval) message for `code`, unwrapped. */
export function evalMessage(code: string, command: number = CMD.eval): Buffer {
  const param = stringParameter(code);
  return Buffer.concat([messageHeader(command, param.length), param]);
}

/**
 * A whole CMD_setSEXP message assigning `value` to `name`, built in one buffer: the SEXP
 * is encoded after room reserved for the headers, which are then written in front of it.
 */
export function assignMessage(name: string, value: RValue): Buffer {
  return Buffer.concat(assignMessageSegments(name, value));
}

/**
 * A whole message of `command` whose parameters are `lead` (if any), then `value` as
 * DT_SEXP, as segments to write one after another: large numeric vectors are not copied
 * (encode.ts, encodeSEXPSegments), so they must not change until written.
 */
function sexpMessageSegments(command: number, lead: Buffer | null, value: RValue): Buffer[] {
  const leadLength = lead?.length ?? 0;
  const reserve = HEADER_LENGTH + leadLength + 8;
  const parts = encodeSEXPSegments(value, reserve);
  const first = parts[0] as Buffer;
  const length = parts.reduce((n, b) => n + b.length, 0);
  const sexpLength = length - reserve;
  const dtStart = reserve - itemHeaderLength(sexpLength);
  writeItemHeader(first, dtStart, DT.sexp, sexpLength);
  const paramStart = dtStart - leadLength;
  lead?.copy(first, paramStart);
  const start = paramStart - HEADER_LENGTH;
  messageHeader(command, length - paramStart).copy(first, start);
  parts[0] = first.subarray(start);
  return parts;
}

/** {@link assignMessage} as segments ({@link sexpMessageSegments}). */
export function assignMessageSegments(name: string, value: RValue): Buffer[] {
  return sexpMessageSegments(CMD.setSEXP, stringParameter(name), value);
}

/**
 * A whole CMD_eval message whose parameter is a call as an R language object (DT_SEXP),
 * wrapped for {@link SESSION_SETUP}'s `.qap1_run` like {@link wrapCode} wraps code: the
 * call's arguments travel as binary values and R never parses anything. Returned as
 * segments, as {@link assignMessageSegments} (large vectors are not copied).
 */
export function evalCallMessageSegments(call: RLanguage): Buffer[] {
  return sexpMessageSegments(CMD.eval, null, rCall('.qap1_run', [call]));
}

/** Decodes the DT_SEXP parameter of an OK eval answer. */
export function responseValue(response: Response): RValue {
  const payload = response.payload;
  try {
    const h = readItemHeader(payload, 0);
    if (h.type !== DT.sexp) {
      throw new RError('protocol', `Rserve answered parameter type ${h.type}, not a SEXP`);
    }
    return decodeSEXP(payload, h.start);
  } catch (e) {
    if (e instanceof RError) throw e;
    const message =
      e instanceof DecodeError ? e.message : `cannot read Rserve's answer: ${String(e)}`;
    throw new RError('protocol', message, { cause: e });
  }
}

/** Whether an error response is a parse error. */
export function isParseStatus(status: number): boolean {
  return status === PARSE_STATUS.incomplete || status === PARSE_STATUS.error;
}

/** The RError for an error response that is neither a parse error nor an interrupt. */
export function statusError(status: number, detail?: string): RError {
  if (status === STATUS_EVAL_ERROR) {
    return new RError(
      'r_error',
      detail !== undefined && detail !== '' ? detail : 'R evaluation failed',
      {
        status,
      },
    );
  }
  const known: Record<number, string> = {
    0x43: 'Rserve: invalid command',
    0x44: 'Rserve: invalid parameter',
    0x49: 'Rserve: unsupported command',
    0x4b: 'Rserve: request larger than the server accepts (maxinbuf)',
    0x4c: 'Rserve: object too big to send',
    0x4d: 'Rserve: out of memory',
  };
  const text = known[status] ?? `Rserve error status 0x${status.toString(16)}`;
  return new RError(status === 0x4c || status === 0x4d ? 'r_error' : 'protocol', text, { status });
}

/** R code that parses the code in `variable` and returns parse()'s message ("" if it parses). */
export function parseMessageCode(variable: string): string {
  return (
    `local({ m <- tryCatch({ parse(text = get("${variable}", envir = globalenv()), keep.source = FALSE); "" }, ` +
    `error = conditionMessage); rm(list = "${variable}", envir = globalenv()); m })`
  );
}
