/**
 * One QAP1 connection to an Rserve session: a FIFO queue of requests run one at a time,
 * per-request timeouts and cancellation by SIGINT to the session's pid, and a close that
 * never cuts a running evaluation.
 */
import type { Socket } from 'node:net';
import type { RConnection, RequestOptions } from './connection.types.ts';
import { RError } from './connection.types.ts';
import type { Response } from './protocol.ts';
import { CMD, MessageAssembler, STATUS_EVAL_ERROR } from './protocol.ts';
import {
  assignMessage,
  assignMessageSegments,
  evalCallMessageSegments,
  evalMessage,
  isParseStatus,
  parseMessageCode,
  responseValue,
  statusError,
  wrapCode,
  LAST_ERROR_CODE,
} from './requests.ts';
import type { RLanguage, RValue } from './sexp.ts';
import { R_NULL, rString } from './sexp.ts';
import { descendants, killAll } from './descendants.ts';

type Interrupt = 'timeout' | 'cancelled';

/** One QAP1 message: one buffer, or segments written one after another (a large assign). */
type Message = Buffer | readonly Buffer[];

interface Job {
  /** Written together; Rserve answers each, in order (pipelined: one round trip). */
  readonly messages: readonly Message[];
  /** Reads the answers, one per message. */
  readonly read: (responses: readonly Response[]) => Promise<RValue | undefined>;
  readonly resolve: (value: RValue | undefined) => void;
  readonly reject: (error: RError) => void;
  state: 'queued' | 'running' | 'done';
  interrupt?: Interrupt;
  readonly cleanups: (() => void)[];
}

interface Waiter {
  /** Answers still to come before `resolve`. */
  remaining: number;
  readonly responses: Response[];
  readonly resolve: (responses: Response[]) => void;
  readonly reject: (error: RError) => void;
}

const PARSE_VARIABLE = '.qap1_parse_code';

/** A QAP1 connection; create it with `connectR` (connect.ts). */
export class Qap1Connection implements RConnection {
  pid = 0;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private waiter: Waiter | undefined;
  private pumping = false;
  private closedError: RError | undefined;
  private isClosed = false;
  /** What onClose listeners were told (undefined after a clean close()). */
  private closeReported: RError | undefined;
  private closing: Promise<void> | undefined;
  private readonly closeListeners: ((error?: RError) => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly assembler = new MessageAssembler((r) => this.onResponse(r));
  /**
   * The jobs waiting on each abort signal, with ONE listener per signal: a caller passes
   * the same long-lived signal (its session's) with every request, and adding and removing
   * an EventTarget listener per request cost more than the rest of `watch`.
   */
  private readonly aborting = new Map<AbortSignal, Set<Job>>();

  constructor(
    private readonly socket: Socket,
    private readonly interruptGraceMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.assembler.push(chunk));
    socket.on('error', (err) => {
      this.closedError ??= new RError('closed', `connection to R failed: ${err.message}`, {
        cause: err,
      });
    });
    socket.on('close', () => this.onSocketClosed());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  eval(code: string, options?: RequestOptions): Promise<RValue> {
    return this.submit(
      () => [evalMessage(wrapCode(code))],
      ([r]) => this.readEval(only(r), code),
      options,
    ) as Promise<RValue>;
  }

  async voidEval(code: string, options?: RequestOptions): Promise<void> {
    await this.submit(
      () => [evalMessage(wrapCode(code), CMD.voidEval)],
      async ([r]) => {
        await this.readEval(only(r), code);
        return undefined;
      },
      options,
    );
  }

  async assign(name: string, value: RValue, options?: RequestOptions): Promise<void> {
    await this.submit(
      () => [assignMessageSegments(name, value)],
      ([r]) => this.readStatus(only(r)),
      options,
    );
  }

  assignEval(name: string, value: RValue, code: string, options?: RequestOptions): Promise<RValue> {
    return this.submit(
      () => [assignMessageSegments(name, value), evalMessage(wrapCode(code))],
      async ([assigned, answer]) => {
        const a = only(assigned);
        if (a.ok) return this.readEval(only(answer), code);
        // The eval then ran without the value: read its answer (which clears the error it
        // recorded), but fail with the assign's own reason.
        await this.readEval(only(answer), code).catch(() => undefined);
        throw statusError(a.status);
      },
      options,
    ) as Promise<RValue>;
  }

  evalCall(call: RLanguage, options?: RequestOptions): Promise<RValue> {
    return this.submit(
      () => [evalCallMessageSegments(call)],
      // A call never fails to parse: readEval needs code only for parse errors.
      ([r]) => this.readEval(only(r), ''),
      options,
    ) as Promise<RValue>;
  }

  /** Evaluates code as it is (no error wrapping); for the connection's own requests. */
  evalRaw(code: string, options?: RequestOptions): Promise<RValue> {
    return this.submit(
      () => [evalMessage(code)],
      ([r]) => this.readEval(only(r), code),
      options,
    ) as Promise<RValue>;
  }

  async cancel(): Promise<void> {
    const job = this.running;
    if (job === undefined) return;
    this.interrupt(job, 'cancelled');
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.running === job) this.idleWaiters.push(check);
        else resolve();
      };
      check();
    });
  }

  close(options?: { cancel?: boolean }): Promise<void> {
    this.closing ??= this.closeOrderly(options?.cancel === true);
    return this.closing;
  }

  onClose(listener: (error?: RError) => void): void {
    if (this.isClosed) queueMicrotask(() => listener(this.closeReported));
    else this.closeListeners.push(listener);
  }

  private async closeOrderly(cancel: boolean): Promise<void> {
    if (cancel) {
      for (const job of this.queue.splice(0))
        this.settle(job, new RError('closed', 'connection closed'));
      if (this.running !== undefined) this.interrupt(this.running, 'cancelled');
    }
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.running !== undefined || this.queue.length > 0) this.idleWaiters.push(check);
        else resolve();
      };
      check();
    });
    if (this.isClosed) return;
    const done = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    await done;
  }

  private submit(
    build: () => Message[],
    read: (responses: readonly Response[]) => Promise<RValue | undefined>,
    options: RequestOptions | undefined,
  ): Promise<RValue | undefined> {
    return new Promise((resolve, reject) => {
      if (this.isClosed || this.closing !== undefined) {
        reject(this.closedError ?? new RError('closed', 'connection closed'));
        return;
      }
      if (options?.signal?.aborted === true) {
        reject(new RError('cancelled', 'request cancelled before it started'));
        return;
      }
      // Built now, so a value that cannot be encoded (EncodeError) fails the call itself.
      const job: Job = { messages: build(), read, resolve, reject, state: 'queued', cleanups: [] };
      this.watch(job, options);
      this.queue.push(job);
      void this.pump();
    });
  }

  /** Arms the request's timeout and abort signal (timed from the call, queueing included). */
  private watch(job: Job, options: RequestOptions | undefined): void {
    const timeoutMs = options?.timeoutMs;
    if (timeoutMs !== undefined) {
      const timer = setTimeout(() => this.interrupt(job, 'timeout'), timeoutMs);
      job.cleanups.push(() => clearTimeout(timer));
    }
    const signal = options?.signal;
    if (signal !== undefined) {
      const jobs = this.jobsOf(signal);
      jobs.add(job);
      job.cleanups.push(() => jobs.delete(job));
    }
  }

  /** The jobs waiting on `signal`; its one listener is added with the first of them. */
  private jobsOf(signal: AbortSignal): Set<Job> {
    const jobs = this.aborting.get(signal);
    if (jobs !== undefined) return jobs;
    const waiting = new Set<Job>();
    const onAbort = (): void => {
      this.aborting.delete(signal);
      for (const job of [...waiting]) this.interrupt(job, 'cancelled');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // Removed when the connection closes, so a signal that outlives it does not keep it.
    this.closeListeners.push(() => signal.removeEventListener('abort', onAbort));
    this.aborting.set(signal, waiting);
    return waiting;
  }

  private interrupt(job: Job, why: Interrupt): void {
    if (job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.settle(job, interruptError(why));
      return;
    }
    if (job.state !== 'running' || job.interrupt !== undefined) return;
    job.interrupt = why;
    this.signal('SIGINT');
    const killer = setTimeout(() => {
      if (job.state !== 'running') return;
      // What R started (a system() it waits in, ignoring SIGINT as system() does) ends with
      // it: listed while R is still its parent.
      const started = this.pid > 1 ? descendants(this.pid) : [];
      this.signal('SIGKILL');
      killAll(started);
      // A process R started (system()) inherits the socket and may hold it open long after
      // R is dead: do not wait for an end of file that may never come. R is killed, so no
      // clean-up of R's can race this close.
      this.closedError ??= new RError(
        'closed',
        'the R session ignored an interrupt and was killed',
      );
      this.socket.destroy();
    }, this.interruptGraceMs);
    job.cleanups.push(() => clearTimeout(killer));
  }

  private signal(name: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    try {
      process.kill(this.pid, name);
    } catch {
      // The session is already gone: its socket closes and fails the request.
    }
  }

  private settle(job: Job, error: RError | undefined, value?: RValue): void {
    if (job.state === 'done') return;
    job.state = 'done';
    for (const c of job.cleanups) c();
    if (error !== undefined) job.reject(error);
    else job.resolve(value);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let job: Job | undefined;
    while (!this.isClosed && (job = this.queue.shift()) !== undefined) {
      this.running = job;
      job.state = 'running';
      try {
        const value = await job.read(await this.roundTrip(job.messages));
        this.settle(
          job,
          job.interrupt === undefined ? undefined : interruptError(job.interrupt),
          value,
        );
      } catch (e) {
        this.settle(job, this.failure(job, e));
      }
      // A SIGINT that reached an idle R would abort the next evaluation: absorb it.
      if (job.interrupt !== undefined && !this.isClosed) {
        await this.roundTrip([evalMessage('Sys.sleep(0)', CMD.voidEval)]).catch(() => undefined);
      }
      this.running = undefined;
      this.notifyIdle();
    }
    this.pumping = false;
    this.notifyIdle();
  }

  private failure(job: Job, e: unknown): RError {
    if (job.interrupt !== undefined) {
      const err = interruptError(job.interrupt);
      return this.isClosed
        ? new RError(job.interrupt, `${err.message}; the R session was killed`)
        : err;
    }
    if (e instanceof RError) return e;
    return new RError('protocol', `unexpected failure: ${String(e)}`, { cause: e });
  }

  private notifyIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Writes `messages` at once and resolves with their answers, in order. */
  private roundTrip(messages: readonly Message[]): Promise<Response[]> {
    if (this.isClosed)
      return Promise.reject(this.closedError ?? new RError('closed', 'connection closed'));
    return new Promise((resolve, reject) => {
      this.waiter = { remaining: messages.length, responses: [], resolve, reject };
      const buffers = messages.flat();
      if (buffers.length > 1) this.socket.cork();
      for (const b of buffers) this.socket.write(b);
      if (buffers.length > 1) this.socket.uncork();
    });
  }

  /** One request, one answer: the connection's own follow-up requests. */
  private async ask(message: Buffer): Promise<Response> {
    return only((await this.roundTrip([message]))[0]);
  }

  private onResponse(response: Response): void {
    const w = this.waiter;
    if (w !== undefined) {
      w.responses.push(response);
      if (--w.remaining > 0) return;
      this.waiter = undefined;
      w.resolve(w.responses);
      return;
    }
    this.closedError = new RError('protocol', 'Rserve sent a message nobody asked for');
    this.socket.destroy();
  }

  /** Reads an eval answer: the value, R's error, or a parse error with parse()'s message. */
  private async readEval(response: Response, code: string): Promise<RValue> {
    if (response.ok) return response.payload.length === 0 ? R_NULL : responseValue(response);
    if (isParseStatus(response.status)) {
      const message = await this.parseMessage(code);
      throw new RError('parse_error', message, { status: response.status });
    }
    if (response.status === STATUS_EVAL_ERROR && this.running?.interrupt === undefined) {
      // R raised an error: the session's handler kept its conditionMessage.
      const m = await this.ask(evalMessage(LAST_ERROR_CODE));
      const v = m.ok ? responseValue(m) : undefined;
      throw statusError(
        response.status,
        v?.kind === 'string' ? (v.values[0] ?? undefined) : undefined,
      );
    }
    throw statusError(response.status);
  }

  private async readStatus(response: Response): Promise<undefined> {
    if (!response.ok) throw statusError(response.status);
    return Promise.resolve(undefined);
  }

  /** parse()'s own message for code that did not parse (two more round trips, errors only). */
  private async parseMessage(code: string): Promise<string> {
    const assigned = await this.ask(assignMessage(PARSE_VARIABLE, rString([code])));
    if (!assigned.ok) return 'parse error';
    const answer = await this.ask(evalMessage(parseMessageCode(PARSE_VARIABLE)));
    if (!answer.ok) return 'parse error';
    const v = responseValue(answer);
    const m = v.kind === 'string' ? v.values[0] : undefined;
    return m !== undefined && m !== null && m !== '' ? m : 'parse error';
  }

  private onSocketClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // Closed by close() without any failure: listeners get no error.
    const expected = this.closing !== undefined && this.closedError === undefined;
    this.closedError ??= new RError(
      'closed',
      expected ? 'connection closed' : 'the R session closed the connection',
    );
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.closedError);
    for (const job of this.queue.splice(0)) this.settle(job, this.closedError);
    this.notifyIdle();
    this.closeReported = expected ? undefined : this.closedError;
    for (const l of this.closeListeners.splice(0)) l(this.closeReported);
  }
}

/** The answer a request got (there is one per message written). */
function only(response: Response | undefined): Response {
  if (response === undefined) throw new RError('protocol', 'an answer is missing');
  return response;
}

function interruptError(why: Interrupt): RError {
  return why === 'timeout'
    ? new RError('timeout', 'the R evaluation ran past its time limit and was interrupted')
    : new RError('cancelled', 'the R evaluation was cancelled');
}
