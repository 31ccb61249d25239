/**
 * The only place the compute layer talks to R. User data and arguments reach R as binary
 * values: a dataset by assign under a generated name (`.panthr_d3`); a call's small
 * arguments inside the call itself, sent as a binary language object (`panthr_run(fn,
 * .panthr_d3, <values>)`: nothing is parsed), large ones by assign under `.panthr_args1`
 * with a fixed call on that name. No user text is ever part of code R parses.
 */
import {
  RError,
  R_NULL,
  rAttrStrings,
  rCall,
  rList,
  rString,
  rSymbol,
  type RConnection,
  type RValue,
} from '../../r/index.ts';
import { computeError, type ComputeErrorCode } from './compute.types.ts';

/** PanthR.r functions the compute layer may call (through `panthr_run`). */
export type PanthrFunction =
  | 'panthr_report'
  | 'panthr_test'
  | 'panthr_graph'
  | 'panthr_eval_r'
  | 'panthr_eval_formula'
  | 'panthr_read_file'
  | 'panthr_sort_levels';

/** An argument: a value to assign, an R object already held under a generated name, or NULL. */
export type RArg = { readonly value: RValue } | { readonly ref: string } | null;

/**
 * Arguments of at most this many encoded bytes (together) travel inside the call itself;
 * larger ones (a filter's row mask of a large dataset, a file's bytes) are assigned first.
 */
const INLINE_BYTES = 64 * 1024;

/** Where {@link RCaller.call} puts large argument values (one list, removed by the call). */
const ARGS = '.panthr_args1';

/** The generated names the layer uses; anything else is refused before it reaches R. */
const GENERATED = /^\.panthr_[a-z]+[0-9]+$/;
const CODES: ReadonlySet<string> = new Set([
  'invalid_object',
  'not_found',
  'unknown_type',
  'too_large',
  'r_error',
]);

/**
 * About how many bytes `values` take in a call, counted until past `limit` (a large string
 * is never encoded to be measured); Infinity when one is not a constant: a symbol or a call
 * standing in a call would be evaluated, not passed.
 */
function inlineBytes(values: readonly RValue[], limit: number): number {
  let n = 0;
  for (const v of values) {
    switch (v.kind) {
      case 'symbol':
      case 'language':
      case 'pairlist':
      case 'opaque':
        return Infinity;
      case 'list':
        n += 8 + inlineBytes(v.values, limit - n);
        break;
      case 'string':
        for (const x of v.values) {
          n += 8 + 3 * (x?.length ?? 0);
          if (n > limit) return n;
        }
        break;
      case 'null':
        n += 4;
        break;
      case 'double':
      case 'integer':
      case 'logical':
      case 'raw':
      case 'complex':
        n += 8 + v.values.byteLength;
    }
    if (n > limit) return n;
  }
  return n;
}

function checkGenerated(name: string): string {
  if (!GENERATED.test(name)) throw new Error(`not a generated R name: ${JSON.stringify(name)}`);
  return name;
}

/** Element `name` of an R named list, if present. */
function listElement(value: RValue, name: string): RValue | undefined {
  if (value.kind !== 'list') return undefined;
  const i = rAttrStrings(value, 'names').indexOf(name);
  return i < 0 ? undefined : value.values[i];
}

function scalarString(value: RValue | undefined): string | undefined {
  return value?.kind === 'string' ? (value.values[0] ?? undefined) : undefined;
}

/** Bounds on one call: time limit in milliseconds and an abort signal. */
export interface CallOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Calls PanthR.r functions in one R session; see the module comment. */
export class RCaller {
  private counter = 0;

  constructor(readonly conn: RConnection) {}

  /** A fresh generated name with the given role prefix (`d` datasets, `a` arguments). */
  newName(role: 'a' | 'd'): string {
    this.counter += 1;
    return `.panthr_${role}${this.counter}`;
  }

  /** Assigns `value` (binary) under the generated `name`. */
  async assign(name: string, value: RValue, options: CallOptions): Promise<void> {
    await this.guard(() => this.conn.assign(checkGenerated(name), value, options), options);
  }

  /** Removes generated names from the session (missing ones are ignored). */
  async remove(names: readonly string[], options: CallOptions): Promise<void> {
    if (names.length === 0) return;
    const list = names.map((n) => `"${checkGenerated(n)}"`).join(', ');
    await this.guard(
      () => this.conn.voidEval(`suppressWarnings(rm(list = c(${list})))`, options),
      options,
    );
  }

  /**
   * Copies the frame held under generated name `from` to generated name `to` (R copies on
   * modify, so this is cheap until `to` is changed).
   */
  async copy(from: string, to: string, options: CallOptions): Promise<void> {
    const code = `${checkGenerated(to)} <- ${checkGenerated(from)}; invisible(NULL)`;
    await this.guard(() => this.conn.voidEval(code, options), options);
  }

  /**
   * Runs `panthr_run(fn, args...)`: assigns the argument values, evaluates the fixed call,
   * and returns the function's value, or throws an AppError with the code R reported
   * (`invalid_object`, `not_found`, `unknown_type`, `too_large`, `r_error`), `timeout` past
   * the time limit (the evaluation is interrupted in R, the session stays usable). A cancelled call
   * or a lost session rethrows the RError (`cancelled`, `closed`, `protocol`).
   */
  async call(fn: PanthrFunction, args: readonly RArg[], options: CallOptions): Promise<RValue> {
    const values = args.flatMap((a) => (a !== null && 'value' in a ? [a.value] : []));
    if (inlineBytes(values, INLINE_BYTES) <= INLINE_BYTES) {
      // One message, one answer: the call itself carries the values (a language object:
      // nothing is parsed), so R neither parses code nor answers an assign first.
      const call = rCall('panthr_run', [
        rSymbol(fn),
        ...args.map((a) =>
          a === null ? R_NULL : 'ref' in a ? rSymbol(checkGenerated(a.ref)) : a.value,
        ),
      ]);
      return unwrap(await this.guard(() => this.conn.evalCall(call, options), options));
    }
    return this.callAssigned(fn, args, options);
  }

  /**
   * {@link call} for large arguments: the values go over as ONE list, assigned in the same
   * write as the call (pipelined: one round trip), and the call removes that list itself
   * once its value is computed. A large value then never stands in a call that R might
   * deparse (an error's or a warning's).
   */
  private async callAssigned(
    fn: PanthrFunction,
    args: readonly RArg[],
    options: CallOptions,
  ): Promise<RValue> {
    const values: RValue[] = [];
    const exprs: string[] = [];
    for (const arg of args) {
      if (arg === null) exprs.push('NULL');
      else if ('ref' in arg) exprs.push(checkGenerated(arg.ref));
      else {
        values.push(arg.value);
        exprs.push(`${ARGS}[[${values.length}]]`);
      }
    }
    const run = `panthr_run(${[fn, ...exprs].join(', ')})`;
    if (values.length === 0) {
      return unwrap(await this.guard(() => this.conn.eval(run, options), options));
    }
    const code = `(function(r) { force(r); rm("${ARGS}", envir = globalenv()); r })(${run})`;
    let out: RValue;
    try {
      out = await this.guard(
        () => this.conn.assignEval(ARGS, rList(values), code, options),
        options,
      );
    } catch (e) {
      // Interrupted before its clean-up: drop the arguments unless the session is gone.
      // (A failure R reports through panthr_run has already run the clean-up: see unwrap.)
      if (!this.conn.closed && !options.signal?.aborted)
        await this.remove([ARGS], options).catch(() => undefined);
      throw e;
    }
    return unwrap(out);
  }

  /**
   * Sets column `column` of the data frame held under the generated name `dataVar` to
   * `value` (both assigned first; the column name is data, never code).
   */
  async setColumn(
    dataVar: string,
    column: string,
    value: RValue,
    options: CallOptions,
  ): Promise<void> {
    const v = this.newName('a');
    const n = this.newName('a');
    await this.assign(v, value, options);
    await this.assign(n, rString([column]), options);
    const d = checkGenerated(dataVar);
    await this.guard(
      () => this.conn.voidEval(`${d}[[${n}]] <- ${v}; rm(${v}, ${n})`, options),
      options,
    );
  }

  /**
   * Evaluates compiled formula code (from the converters' compiler, built from a syntax tree
   * with every name and string quoted by `rQuote`; never user text) on the data frame held
   * under `dataVar`. The code reaches R as a string value and PanthR.r's
   * `panthr_eval_formula` checks it against the formula language and evaluates it in an
   * environment holding only the language's functions: even a compiler bug cannot reach
   * `system()`. A length-1 value is recycled over the rows; another length is an `r_error`.
   */
  evalCompiledFormula(dataVar: string, code: string, options: CallOptions): Promise<RValue> {
    return this.call(
      'panthr_eval_formula',
      [{ ref: dataVar }, { value: rString([code]) }],
      options,
    );
  }

  /** Evaluates a fixed expression (no user text) and returns its value. */
  async evalFixed(code: string, options: CallOptions): Promise<RValue> {
    return this.guard(() => this.conn.eval(code, options), options);
  }

  private async guard<T>(work: () => Promise<T>, options: CallOptions): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (!(e instanceof RError)) throw e;
      if (e.code === 'timeout') {
        const s = Math.round(options.timeoutMs / 100) / 10;
        throw computeError(
          'timeout',
          `the computation ran past the limit of ${s} s and was stopped`,
          e,
        );
      }
      if (e.code === 'r_error' || e.code === 'parse_error')
        throw computeError('r_error', e.message, e);
      throw e;
    }
  }
}

/** `list(ok = TRUE, value)` -> value; `list(ok = FALSE, code, message)` -> an AppError. */
function unwrap(out: RValue): RValue {
  const ok = listElement(out, 'ok');
  if (ok?.kind === 'logical' && ok.values[0] === 1)
    return listElement(out, 'value') ?? { kind: 'null' };
  const code = scalarString(listElement(out, 'code')) ?? 'r_error';
  const message = scalarString(listElement(out, 'message')) ?? 'R failed without a message';
  throw computeError(CODES.has(code) ? (code as ComputeErrorCode) : 'r_error', message);
}
