/**
 * Group commit for the embedded store. Writes issued in the same turn of the event loop run
 * in ONE SQLite transaction (one fsync with synchronous=FULL) instead of one each; every
 * write still runs in its own savepoint, so one failing write (a duplicate key) rolls back
 * alone. A write's promise settles only after the shared transaction committed: an
 * acknowledged write is on disk, exactly as with a transaction per write.
 */
import type { Database, Transaction } from 'better-sqlite3';

interface Job {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Batches the writes of one database. */
export class WriteBatcher {
  #queue: Job[] = [];
  #scheduled: Promise<void> | null = null;
  #held = false;
  #released: Promise<void> = Promise.resolve();
  #release: () => void = () => undefined;
  #commits = 0;

  /**
   * better-sqlite3 transaction functions, made once: `#alone` runs one function in a
   * transaction (a SAVEPOINT of its own when nested), `#all` runs a batch.
   */
  readonly #alone: Transaction<(fn: () => unknown) => unknown>;
  readonly #all: Transaction<(jobs: readonly Job[]) => Outcome[]>;

  constructor(private readonly db: Database) {
    this.#alone = db.transaction((fn: () => unknown) => fn());
    this.#all = db.transaction((jobs: readonly Job[]) =>
      jobs.map((job): Outcome => {
        try {
          // Nested in the batch's transaction, this is a SAVEPOINT of its own.
          return { ok: true, value: this.#alone(job.fn) };
        } catch (error) {
          // SQLite ended the whole transaction (disk full, I/O error): the batch is lost.
          // Going on would commit each later job alone, then reject it all the same.
          if (!this.db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
  }

  /** Group commits run so far (the WAL checkpointer skips a round when none ran). */
  get commits(): number {
    return this.#commits;
  }

  /** Runs `fn` (synchronous, it may throw) in the next group commit. */
  run<R>(fn: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Resolves once no batch is scheduled any more (call it before the database closes). */
  async flush(): Promise<void> {
    while (this.#scheduled !== null) await this.#scheduled;
  }

  /**
   * Holds commits until the returned function is called (writes still queue; the event
   * loop is not blocked): the WAL checkpointer's moment without a writer. Not reentrant.
   */
  hold(): () => void {
    this.#held = true;
    this.#released = new Promise<void>((resolve) => (this.#release = resolve));
    return () => {
      this.#held = false;
      this.#release();
    };
  }

  #schedule(): void {
    if (this.#scheduled !== null) return;
    this.#scheduled = new Promise<void>((done) => {
      const go = (): void => {
        if (this.#held) {
          void this.#released.then(() => setImmediate(go));
          return;
        }
        this.#commit();
        done();
      };
      setImmediate(go);
    });
  }

  #commit(): void {
    const jobs = this.#queue;
    this.#queue = [];
    this.#scheduled = null;
    this.#commits += 1;
    // A write alone (one request at a time) needs no savepoint: its failure rolls back
    // nothing but itself either way, and that is two statements fewer per commit.
    const only = jobs.length === 1 ? jobs[0] : undefined;
    if (only !== undefined) {
      let value: unknown;
      try {
        value = this.#alone.immediate(only.fn);
      } catch (error) {
        only.reject(error);
        return;
      }
      only.resolve(value);
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.#all.immediate(jobs);
    } catch (error) {
      // The commit itself failed (I/O, disk full): nothing of the batch was written.
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}
