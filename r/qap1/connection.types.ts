/**
 * The contract of one QAP1 connection to an Rserve session (one forked R process).
 * Implemented by `client.ts`; used by the session pool and the sessions layer.
 */
import type { RLanguage, RValue } from './sexp.ts';

/** How one request may be bounded. */
export interface RequestOptions {
  /** Milliseconds before the request is cancelled in R (SIGINT) and fails with `timeout`. */
  readonly timeoutMs?: number;
  /** Aborting cancels the request in R and fails it with `cancelled`. */
  readonly signal?: AbortSignal;
}

/** Why an R request failed. */
export type RErrorCode =
  | 'r_error' // R raised an error; `message` is R's own conditionMessage
  | 'parse_error' // the code did not parse (never for PanthR-generated calls)
  | 'timeout' // RequestOptions.timeoutMs passed; the evaluation was interrupted
  | 'cancelled' // cancelled by the caller; the evaluation was interrupted
  | 'closed' // the connection closed or the R process died
  | 'protocol'; // Rserve answered something the client cannot read

/** An R request's failure, with R's own message for `r_error`. */
export class RError extends Error {
  readonly code: RErrorCode;
  /** The QAP1 status code, when Rserve sent one. */
  readonly status: number | undefined;

  constructor(code: RErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RError';
    this.code = code;
    this.status = options?.status;
  }
}

/** Where an Rserve listens: a Unix socket path, or a TCP host and port. */
export type RAddress = { readonly path: string } | { readonly host: string; readonly port: number };

/**
 * One QAP1 connection. Requests are queued and run one at a time in call order; each
 * resolves with its own answer. `close()` never cuts a running evaluation (that would
 * make R delete the shared tempdir): it waits for it, or cancels it first.
 */
export interface RConnection {
  /** The R session's process id (`Sys.getpid()` in the forked session). */
  readonly pid: number;
  /** Whether the connection is closed (by `close()`, or because R went away). */
  readonly closed: boolean;
  /** Evaluates R code and returns its value. */
  eval(code: string, options?: RequestOptions): Promise<RValue>;
  /** Evaluates R code for its effect only. */
  voidEval(code: string, options?: RequestOptions): Promise<void>;
  /** Assigns a value to `name` in the session's global environment (binary, never parsed). */
  assign(name: string, value: RValue, options?: RequestOptions): Promise<void>;
  /**
   * Assigns `value` to `name`, then evaluates `code` and returns its value: both requests
   * are sent at once (one round trip instead of two). Fails with the assign's error if the
   * assign failed; the options bound both.
   */
  assignEval(name: string, value: RValue, code: string, options?: RequestOptions): Promise<RValue>;
  /**
   * Evaluates `call`, an R language object (a call whose arguments are symbols or values),
   * sent as one binary message: its values reach R without an assign and nothing is parsed.
   * Errors and interrupts as {@link eval}.
   */
  evalCall(call: RLanguage, options?: RequestOptions): Promise<RValue>;
  /** Interrupts the running evaluation, if any, and leaves the session usable. */
  cancel(): Promise<void>;
  /** Waits for (or cancels, with `{ cancel: true }`) running work, then closes. Idempotent. */
  close(options?: { cancel?: boolean }): Promise<void>;
  /** Called once when the connection closes for any reason. */
  onClose(listener: (error?: RError) => void): void;
}
