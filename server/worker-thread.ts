/**
 * Worker threads for work that would hold the event loop that serves every user (a large
 * CSV parse, a Word report). One rule for starting them, whether the server runs compiled
 * JavaScript or TypeScript under tsx.
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of the worker module `name` beside the module at `here` (its `import.meta.url`):
 * NAME.ts under tsx, NAME.js once compiled.
 */
export function workerFile(here: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(here))}`, here);
}

/**
 * A new worker thread running `file`. Node 20 does not carry tsx's module hooks into
 * workers, so under tsx (tests, benchmarks, `npm run dev`) the worker registers them itself
 * before loading the TypeScript file; compiled JavaScript is loaded directly.
 */
export function startWorker(file: URL): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file);
  // createRequire, as under tsx's CommonJS transform (mocha) import.meta has only `url`; it
  // finds tsx's CommonJS build, whose register() cannot find its hooks when imported: the
  // ES module build sits beside it (tsx's package.json "exports": "./esm/api").
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const api = pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * A worker thread kept for numbered jobs (a large CSV's parse, one piece of it): started on
 * the first job and again after it died; every job posted is `{id, ...}` and its answer
 * `{id, ...}`. It holds the process open only while a job is pending. If it fails (an
 * error, an answer that cannot be read, an exit), the jobs it held are rejected and the
 * next job starts a new thread; a late event of a dead thread touches no other's jobs.
 */
export class KeptWorker<Answer extends { readonly id: number }> {
  private current: { worker: Worker; pending: Map<number, Pending<Answer>> } | null = null;
  private nextId = 1;

  /** `name` words its failures ("the NAME exited (1)"). */
  constructor(
    private readonly file: URL,
    private readonly name: string,
  ) {}

  /** Posts `job(id)` (moving `transfer`) and resolves with the answer of that id. */
  run(job: (id: number) => object, transfer: ArrayBuffer[] = []): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const { worker, pending } = this.thread();
      const id = this.nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      try {
        worker.postMessage(job(id), transfer);
      } catch (e) {
        this.settle(worker, pending, id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** The running thread, started when there is none. */
  private thread(): { worker: Worker; pending: Map<number, Pending<Answer>> } {
    if (this.current) return this.current;
    const worker = startWorker(this.file);
    const pending = new Map<number, Pending<Answer>>();
    const current = { worker, pending };
    worker.on('message', (a: Answer) => this.settle(worker, pending, a.id)?.resolve(a));
    const fail = (err: Error): void => {
      if (this.current === current) this.current = null;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    worker.on('error', fail);
    worker.on('messageerror', (err) => {
      fail(err);
      void worker.terminate();
    });
    worker.on('exit', (code) => fail(new Error(`the ${this.name} exited (${code})`)));
    this.current = current;
    return current;
  }

  /** Takes job `id` off `pending`; with none left, the thread no longer holds the process. */
  private settle(worker: Worker, pending: Map<number, Pending<Answer>>, id: number) {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return p;
  }
}

interface Pending<T> {
  resolve(answer: T): void;
  reject(error: Error): void;
}
