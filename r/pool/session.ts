/**
 * RSession: one leased R session. It forwards requests to its QAP1 connection and
 * remembers whether the lessee used it, so the pool never hands a used one to anyone else.
 */
import { RError, type RConnection, type RequestOptions, type RValue } from '../qap1/index.ts';

let nextId = 1;

/** A pooled R session: an RConnection that ran the session init; see the file comment. */
export class RSession {
  /** A number unique in this process, for logs. */
  readonly id = nextId++;
  /** Who holds the lease, while leased. */
  ownerId: string | undefined;
  /** Whether any request went through this session since it was created. */
  private usedFlag = false;
  /** Set when the pool closes it on purpose: its closing is then no loss. */
  retiring = false;
  private readonly lostListeners: ((error: RError) => void)[] = [];

  constructor(
    /** The connection; requests through it directly are not seen as use (prefer the methods). */
    readonly connection: RConnection,
    /** The Rserve generation that forked it. */
    readonly generation: number,
  ) {}

  /** The R process id. */
  get pid(): number {
    return this.connection.pid;
  }

  /** Whether the connection is closed. */
  get closed(): boolean {
    return this.connection.closed;
  }

  /** Whether a request went through {@link eval}, {@link voidEval} or {@link assign}. */
  get used(): boolean {
    return this.usedFlag;
  }

  /** Evaluates R code (RConnection.eval); marks the session used. */
  eval(code: string, options?: RequestOptions): Promise<RValue> {
    this.usedFlag = true;
    return this.connection.eval(code, options);
  }

  /** Evaluates R code for its effect (RConnection.voidEval); marks the session used. */
  voidEval(code: string, options?: RequestOptions): Promise<void> {
    this.usedFlag = true;
    return this.connection.voidEval(code, options);
  }

  /** Assigns a value in the session (RConnection.assign); marks the session used. */
  assign(name: string, value: RValue, options?: RequestOptions): Promise<void> {
    this.usedFlag = true;
    return this.connection.assign(name, value, options);
  }

  /** Interrupts the running evaluation, if any (RConnection.cancel). */
  cancel(): Promise<void> {
    return this.connection.cancel();
  }

  /**
   * Calls `listener` once if the session is lost while leased: the R process died or
   * was killed, Rserve went away, or the pool shut down. The lessee should acquire anew.
   */
  onLost(listener: (error: RError) => void): void {
    this.lostListeners.push(listener);
  }

  /** Marks the session used without a request (the pool's own bookkeeping). */
  markUsed(): void {
    this.usedFlag = true;
  }

  /** Tells the lessee the session is gone (the pool calls this once); reports listener errors. */
  notifyLost(error: RError, onListenerError: (err: unknown) => void): void {
    for (const listener of this.lostListeners.splice(0)) {
      try {
        listener(error);
      } catch (err) {
        // A lessee's listener must not break the pool's bookkeeping.
        onListenerError(err);
      }
    }
  }
}

/** The error a lessee gets when its session is lost. */
export function lostError(reason: string, cause?: unknown): RError {
  return new RError('closed', `the R session was lost: ${reason}`, { cause });
}
