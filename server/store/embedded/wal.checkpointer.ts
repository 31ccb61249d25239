/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit
 * that crosses 1,000 WAL pages: it copies them into the database file and fsyncs it, which
 * blocked the event loop for 10-45 ms every few seconds under load (measured with 200 users:
 * the load bench's p99 spikes). Here a worker thread with its own connection checkpoints
 * instead, and the main connection's automatic checkpoint is off while the worker runs.
 *
 * Every {@link CHECKPOINT_EVERY_MS}, if anything was committed: a PASSIVE checkpoint copies
 * the WAL while commits go on; then commits are held (queued, the event loop free) for a
 * second PASSIVE checkpoint of what came in meanwhile, so that the WAL is wholly copied
 * with no writer at work and the next commit starts it over from its beginning (SQLite
 * restarts a WAL only then): the file stays bounded. If the worker cannot start or dies,
 * the automatic checkpoint is turned back on. Commits still fsync the WAL as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { WriteBatcher } from './write.batcher.ts';

/** How often the WAL is checkpointed (when something was committed since the last time). */
export const CHECKPOINT_EVERY_MS = 1000;

/** The longest commits are held for the second checkpoint (a stuck disk must not stop writes). */
const HOLD_MAX_MS = 500;

/** How long stop() waits for the worker before terminating it. */
const STOP_TIMEOUT_MS = 10_000;

/** SQLite's default `wal_autocheckpoint`, restored when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;

/** The worker, as CommonJS source: checkpoints when asked, closes on 'stop'. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', (m) => {
  if (m === 'checkpoint') {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage({ type: 'done' });
    } catch (error) {
      parentPort.postMessage({ type: 'failed', message: String(error && error.message) });
    }
  } else if (m === 'stop') {
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

type WorkerMessage = { type: 'ready' } | { type: 'done' } | { type: 'failed'; message: string };

/** The checkpoint worker of one database; see the module comment. */
export class WalCheckpointer {
  readonly #db: Database;
  readonly #batcher: WriteBatcher;
  readonly #worker: Worker;
  readonly #log: Pick<Logger, 'error'> | undefined;
  readonly #exited: Promise<void>;
  readonly #timer: NodeJS.Timeout;
  #ready = false;
  #onReady: () => void = () => undefined;
  /**
   * Settles once the worker runs and the main connection's automatic checkpoint is off;
   * never, if the worker could not start (the automatic checkpoint then stays on).
   */
  readonly ready: Promise<void> = new Promise((resolve) => (this.#onReady = resolve));
  #stopping = false;
  #gone = false;
  /** The checkpoint under way, and the one queued to follow it. */
  #running: Promise<void> | undefined;
  #again: Promise<void> | undefined;
  #lastCommits = 0;
  #answer: { resolve: () => void; reject: (err: Error) => void } | undefined;

  /** Starts the worker on `file`, the file `db` has open; `batcher` commits `db`'s writes. */
  constructor(db: Database, file: string, batcher: WriteBatcher, log?: Pick<Logger, 'error'>) {
    this.#db = db;
    this.#batcher = batcher;
    this.#log = log;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    // Neither keeps the process alive: an unclosed store's WAL is checkpointed at next open.
    this.#worker.unref();
    this.#timer = setInterval(() => {
      if (this.#batcher.commits !== this.#lastCommits) void this.checkpoint();
    }, CHECKPOINT_EVERY_MS);
    this.#timer.unref();
    this.#worker.on('message', (m: WorkerMessage) => this.#onMessage(m));
    this.#worker.on('error', (err) =>
      this.#log?.error({ err }, 'the WAL checkpoint worker failed'),
    );
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', () => {
        this.#gone = true;
        clearInterval(this.#timer);
        if (!this.#stopping) this.#setAutoCheckpoint(AUTO_CHECKPOINT_PAGES);
        this.#answer?.reject(new Error('the WAL checkpoint worker exited'));
        resolve();
      }),
    );
  }

  /** Stops the worker and waits until its connection is closed. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      clearInterval(this.#timer);
      this.#setAutoCheckpoint(AUTO_CHECKPOINT_PAGES);
      this.#worker.postMessage('stop');
      // A checkpoint in progress finishes first; one that hangs (a stuck disk) is cut off.
      const timer = setTimeout(() => void this.#worker.terminate(), STOP_TIMEOUT_MS);
      void this.#exited.then(() => clearTimeout(timer));
    }
    await this.#exited;
  }

  #onMessage(m: WorkerMessage): void {
    if (m.type === 'ready') {
      this.#ready = true;
      if (!this.#stopping) this.#setAutoCheckpoint(0);
      this.#onReady();
      return;
    }
    const answer = this.#answer;
    this.#answer = undefined;
    if (m.type === 'done') answer?.resolve();
    else answer?.reject(new Error(m.message));
  }

  /** One PASSIVE checkpoint in the worker. */
  #passive(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#gone) {
        reject(new Error('the WAL checkpoint worker exited'));
        return;
      }
      this.#answer = { resolve, reject };
      this.#worker.postMessage('checkpoint');
    });
  }

  /**
   * Checkpoints now, as the timer does (see the module comment); resolves when done. While
   * one runs, another follows it (so what the caller committed is copied). Does nothing
   * before the worker is ready or after stop(). Never rejects: a failure is logged.
   */
  checkpoint(): Promise<void> {
    if (!this.#ready || this.#stopping) return Promise.resolve();
    if (this.#running === undefined) {
      this.#running = this.#run().finally(() => (this.#running = undefined));
      return this.#running;
    }
    // One is under way and may have started before the caller's commits: one more after it,
    // shared by every caller that comes meanwhile.
    this.#again ??= this.#running.then(() => {
      this.#again = undefined;
      return this.checkpoint();
    });
    return this.#again;
  }

  async #run(): Promise<void> {
    this.#lastCommits = this.#batcher.commits;
    try {
      await this.#passive();
      if (this.#stopping) return;
      const release = this.#batcher.hold();
      const timer = setTimeout(release, HOLD_MAX_MS);
      try {
        await this.#passive();
      } finally {
        clearTimeout(timer);
        release();
      }
    } catch (err) {
      if (!this.#stopping) this.#log?.error({ err }, 'WAL checkpoint failed');
    }
  }

  #setAutoCheckpoint(pages: number): void {
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${pages}`);
  }
}
