/**
 * One user's workspace held in one R session: datasets as data frames under generated
 * names, filters as cached row masks, and every stored object. `run` executes one
 * validated PanthR object; runs are serialised (one R session answers one call at a time).
 */
import {
  BINARY_VALUES_MIN,
  ConversionError,
  datasetRows,
  datasetToR,
  LIMITS,
  vectorToR,
  rToJson,
  type PanthrDataset,
  type PanthrObject,
  type PanthrVector,
  validateObject,
  type ValidationResult,
  type StoredPanthrObject,
} from '../../converters/index.ts';
import type { RConnection, RegisteredKinds, RLogical, RValue } from '../../r/index.ts';
import { AppError } from '../errors.ts';
import { runGraph, runR, runReport, runTest } from './analyses.ts';
import { runDelete, runNewvar } from './commands.ts';
import { runDataCommand } from './data-commands.ts';
import { runRead } from './read.ts';
import { runNote } from './notes.ts';
import {
  computeError,
  type ComputeErrorCode,
  type ComputeErrorObject,
  type RunOptions,
  type RunOutcome,
  type RuntimeOptions,
} from './compute.types.ts';
import type { DatasetEntry, RunContext } from './context.ts';
import { compileFormulaFor } from './formula.ts';
import { RCaller, type CallOptions } from './r.caller.ts';
import { runDataset, runFilter, runVector, toMask } from './structures.ts';
import { SliceAssembler } from './upload-slices.ts';
import { buildFrame } from './staged-frame.ts';
import { checkSize, storedDataset, storedVector } from './values.ts';
import { applyWorkspaceRules } from './workspace.rules.ts';

interface CachedMask {
  readonly formula: string;
  readonly version: number;
  readonly mask: RLogical;
}

/** Resolves in the event loop's next turn, after the microtasks and I/O queued before it. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** See the module comment. Create one with {@link WorkspaceRuntime.load}. */
export class WorkspaceRuntime {
  private readonly objects = new Map<string, StoredPanthrObject>();
  private readonly datasets = new Map<string, DatasetEntry>();
  private readonly masks = new Map<string, CachedMask>();
  /** Why each stored dataset that {@link load} could not put into R was refused. */
  private readonly unloaded = new Map<string, string>();
  private readonly slices = new SliceAssembler();
  private version = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly r: RCaller,
    /** The limits this runtime works under. */
    readonly options: RuntimeOptions,
    /** Report, test and graph kinds R knows (built-in and extensions), read at load. */
    readonly kinds: RegisteredKinds,
  ) {}

  /**
   * Prepares a fresh R session (`panthr_session_init()`), reads the registered kinds, and
   * puts a stored workspace into it: datasets are assigned as data frames (in the given
   * order); filters are recomputed when first used. Objects whose data cannot be loaded are
   * kept as they are. Throws when PanthR.r is not loaded in the session or R fails.
   */
  static async load(
    conn: RConnection,
    objects: readonly StoredPanthrObject[],
    options: RuntimeOptions,
  ): Promise<WorkspaceRuntime> {
    const r = new RCaller(conn);
    const call: CallOptions = { timeoutMs: options.computeTimeoutMs };
    let kinds: RegisteredKinds;
    try {
      await r.evalFixed('panthr_session_init()', call);
      kinds = parseKinds(rToJson(await r.evalFixed('panthr_registered()', call)));
    } catch (e) {
      throw new Error(`PanthR.r is not usable in this R session: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const rt = new WorkspaceRuntime(r, options, kinds);
    for (const o of objects) {
      rt.objects.set(o.name, o);
      if (o.type !== 'dataset') continue;
      try {
        await rt.putDataset(o, call, false);
      } catch (e) {
        // Kept as it is: using it later answers not_found with the reason.
        if (!(e instanceof AppError || e instanceof ConversionError)) throw e;
        rt.unloaded.set(o.name, e.message);
      }
    }
    return rt;
  }

  /** The datasets held in R now: workspace name -> the generated R name of its data frame. */
  heldDatasets(): ReadonlyMap<string, string> {
    return new Map([...this.datasets].map(([name, entry]) => [name, entry.rVar]));
  }

  /** Drops the upload in row slices connection `owner` started, if any (it disconnected). */
  dropUploads(owner: string): void {
    this.slices.dropOwner(owner);
  }

  /** Checks a raw client object against API.md §3 and this session's registered kinds. */
  validate(raw: unknown): ValidationResult {
    return validateObject(raw, this.kinds);
  }

  /** The workspace's objects now, in the order they were stored. */
  list(): StoredPanthrObject[] {
    return [...this.objects.values()];
  }

  /** The object called `name`, if the workspace holds one. */
  object(name: string): StoredPanthrObject | undefined {
    return this.objects.get(name);
  }

  /**
   * Runs one validated object and says what to store, remove and send back. A request that
   * cannot be served resolves with nothing to store or remove and its error object (codes
   * of API.md §2) as the reply. Rejects only when the R session is lost or the run was
   * aborted through `signal` (the RError `closed`, `cancelled` or `protocol`); a timeout is
   * a `timeout` error object and the session stays usable.
   */
  run(object: PanthrObject, options: RunOptions = {}): Promise<RunOutcome> {
    const call: CallOptions = {
      timeoutMs: options.timeoutMs ?? this.options.computeTimeoutMs,
      signal: options.signal,
    };
    const work = async (): Promise<RunOutcome> => {
      try {
        const done = await this.dispatch(
          object,
          this.context(call, options.owner ?? null, options.prepare),
        );
        const outcome = applyWorkspaceRules(this.objects, object, done);
        await this.commit(outcome, call);
        return outcome;
      } catch (e) {
        return { store: [], remove: [], reply: [errorObject(object, e)] };
      }
    };
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Puts objects back as they were (`object` null: absent): datasets are assigned to R
   * again, removed names leave R; queued like {@link run}. The outcome stores and removes
   * them and replies with them (undo and redo: sessions/undo.history.ts). Rejects as `run`
   * does; a dataset R refuses is an error object and nothing changes.
   */
  restore(
    objects: readonly { name: string; object: StoredPanthrObject | null }[],
    options: RunOptions = {},
  ): Promise<RunOutcome> {
    const call: CallOptions = {
      timeoutMs: options.timeoutMs ?? this.options.computeTimeoutMs,
      signal: options.signal,
    };
    const work = async (): Promise<RunOutcome> => {
      const store: StoredPanthrObject[] = [];
      const remove: string[] = [];
      // Datasets first into R: a failure there leaves the held state as it was.
      for (const { name, object } of objects) {
        if (object === null) remove.push(name);
        else if (object.type === 'dataset') store.push(object);
      }
      for (const d of store) if (d.type === 'dataset') await this.putDataset(d, call, false);
      for (const { object } of objects)
        if (object !== null && object.type !== 'dataset') store.push(object);
      const outcome: RunOutcome = { store, remove, reply: [...store] };
      await this.commit(outcome, call);
      return outcome;
    };
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private dispatch(o: PanthrObject, ctx: RunContext): Promise<RunOutcome> | RunOutcome {
    switch (o.type) {
      case 'vector':
        return runVector(ctx, o);
      case 'dataset':
        return runDataset(ctx, o);
      case 'filter':
        return runFilter(ctx, o);
      case 'report':
        return runReport(ctx, o);
      case 'test':
        return runTest(ctx, o);
      case 'graph':
        return runGraph(ctx, o);
      case 'r':
        return runR(ctx, o);
      case 'note':
        return runNote(o);
      case 'command':
        switch (o.command) {
          case 'newvar':
            return runNewvar(ctx, o);
          case 'read':
            return runRead(ctx, o);
          case 'delete':
            return runDelete(ctx, o);
          case 'edit':
          case 'levels':
          case 'settype':
            return runDataCommand(ctx, o);
          case 'undo':
          case 'redo':
            // The history is the user session's (it lives in the store, not in R).
            throw computeError('invalid_object', `"${o.command}" is answered by the session`);
        }
    }
  }

  private context(
    call: CallOptions,
    owner: string | null = null,
    prepare?: RunOptions['prepare'],
  ): RunContext {
    return {
      owner,
      r: this.r,
      options: this.options,
      call,
      kinds: this.kinds,
      slices: this.slices,
      object: (name) => this.object(name),
      dataset: (name) => this.dataset(name),
      putDataset: (d, meanwhile) => this.putDataset(d, call, true, prepare, meanwhile),
      putVariable: (d, v) => this.putVariable(d, v, call),
      putColumns: (d, append) => this.putColumns(d, append, call),
      filterRows: (name, d) => this.filterRows(name, d, call),
      evalFormula: (entry, formula) => this.evalFormula(entry, formula, call),
    };
  }

  private dataset(name: string): DatasetEntry {
    const entry = this.datasets.get(name);
    if (entry !== undefined) return entry;
    const why = this.unloaded.get(name);
    const what = why === undefined ? 'not found' : `could not be loaded into R: ${why}`;
    throw computeError('not_found', `dataset "${name}" ${what}`);
  }

  /**
   * `d` into R under a fresh name, then held as the dataset of its name. `prepare`: the
   * store writes its values meanwhile (RunOptions.prepare); `meanwhile` runs once R holds
   * them (RunContext.putDataset).
   */
  private async putDataset(
    d: PanthrDataset,
    call: CallOptions,
    checked: boolean,
    prepare?: RunOptions['prepare'],
    meanwhile?: () => void,
  ): Promise<DatasetEntry> {
    const rows = datasetRows(d);
    if (checked) checkSize(d.name, rows, d.variables.length, this.options.maxData);
    const dataset = storedDataset(d);
    // A failed write ahead costs only time: the save writes the values itself.
    const prepared = prepare?.(dataset).catch(() => undefined);
    let value: RValue;
    try {
      // A large dataset's first files are on their way (libuv's pool) before this thread
      // converts the values and writes them to R: the store's writes are the longer part.
      // (Long values, BINARY_VALUES_MIN or more, are the ones the store writes in chunks of
      // their own: store/workspace.blobs.ts, MIN_BLOB_VALUES.)
      if (prepared !== undefined && rows >= BINARY_VALUES_MIN) await nextTurn();
      // datasetToR throws before R is touched, so a bad dataset leaves no trace there.
      value = datasetToR(d);
    } catch (e) {
      // What was written ahead is discarded by the run's end (its save never names it). A
      // dataset refused here (a value without a label) has cost the writes a valid one of its
      // size costs, no more: validation refused malformed ones before.
      await prepared;
      throw e;
    }
    const rVar = this.r.newName('d');
    // If the assign fails, its generated name is never used again.
    const assigned = this.r.assign(rVar, value, call);
    // Not before: this thread's work would hold back the writing of the values to R.
    const ran = meanwhile === undefined ? undefined : assigned.then(meanwhile, () => undefined);
    // Both settle before either outcome counts: the save that follows must find the values
    // written, and the caller discards them if R refused the dataset.
    await Promise.allSettled([assigned, prepared, ran]);
    await assigned;
    await ran;
    const old = this.datasets.get(d.name);
    const entry: DatasetEntry = { rVar, dataset, rows, version: ++this.version };
    this.datasets.set(d.name, entry);
    if (old) await this.r.remove([old.rVar], call);
    return entry;
  }

  /**
   * `d` (`append`: its variables joined to the held dataset's, replacing those of the same
   * names) built under a fresh R name (staged-frame.ts); the entry and the old frame are
   * swapped only once every column is in R, so a failure leaves the held dataset as it was.
   */
  private async putColumns(
    d: PanthrDataset,
    append: boolean,
    call: CallOptions,
  ): Promise<DatasetEntry> {
    const old = append ? this.dataset(d.name) : this.datasets.get(d.name);
    const rows = append && old ? old.rows : datasetRows(d);
    const added = d.variables.map(storedVector);
    const kept = append && old ? old.dataset.variables : [];
    const variables = [
      ...kept.map((x) => added.find((v) => v.name === x.name) ?? x),
      ...added.filter((v) => !kept.some((x) => x.name === v.name)),
    ];
    checkSize(d.name, rows, variables.length, this.options.maxData);
    const rVar = await buildFrame(this.r, call, append && old ? old.rVar : null, d);
    const dataset = { ...(append && old ? old.dataset : d), variables };
    const entry: DatasetEntry = { rVar, dataset, rows, version: ++this.version };
    this.datasets.set(d.name, entry);
    this.unloaded.delete(d.name);
    if (old) await this.r.remove([old.rVar], call);
    return entry;
  }

  private async putVariable(
    name: string,
    v: PanthrVector,
    call: CallOptions,
  ): Promise<DatasetEntry> {
    const entry = this.dataset(name);
    const others = entry.dataset.variables.filter((x) => x.name !== v.name);
    checkSize(name, entry.rows, others.length + 1, this.options.maxData);
    await this.r.setColumn(entry.rVar, v.name, vectorToR(v), call);
    const stored = storedVector(v);
    const replaced = others.length < entry.dataset.variables.length;
    const variables = replaced
      ? entry.dataset.variables.map((x) => (x.name === v.name ? stored : x))
      : [...others, stored];
    const updated: DatasetEntry = {
      ...entry,
      dataset: { ...entry.dataset, variables },
      version: ++this.version,
    };
    this.datasets.set(name, updated);
    return updated;
  }

  private async filterRows(name: string, dataset: string, call: CallOptions): Promise<RLogical> {
    const f = this.objects.get(name);
    if (f === undefined) throw computeError('not_found', `filter "${name}" not found`);
    if (f.type !== 'filter')
      throw computeError('invalid_object', `"${name}" is a ${f.type}, not a filter`);
    if (f.dataset !== dataset) {
      throw computeError(
        'invalid_object',
        `filter "${name}" is on dataset "${f.dataset}", not "${dataset}"`,
      );
    }
    const entry = this.dataset(dataset);
    const cached = this.masks.get(name);
    if (cached && cached.version === entry.version && cached.formula === f.formula)
      return cached.mask;
    const mask = toMask(await this.evalFormula(entry, f.formula, call), f.formula);
    this.masks.set(name, { formula: f.formula, version: entry.version, mask });
    return mask;
  }

  private async evalFormula(
    entry: DatasetEntry,
    formula: string,
    call: CallOptions,
  ): Promise<RValue> {
    return this.r.evalCompiledFormula(entry.rVar, compileFormulaFor(formula, entry.dataset), call);
  }

  /** Applies an outcome to the held state: removed names and replaced datasets leave R. */
  private async commit(outcome: RunOutcome, call: CallOptions): Promise<void> {
    const drop: string[] = [];
    const forget = (name: string): void => {
      const entry = this.datasets.get(name);
      if (entry) drop.push(entry.rVar);
      this.datasets.delete(name);
      this.masks.delete(name);
      this.unloaded.delete(name);
    };
    for (const name of outcome.remove) {
      // A removed dataset ends an upload of it in slices (its parts would join nothing).
      this.slices.drop(name);
      forget(name);
      this.objects.delete(name);
    }
    for (const o of outcome.store) {
      if (o.type !== 'dataset') forget(o.name);
      this.objects.delete(o.name);
      this.objects.set(o.name, o);
    }
    await this.r.remove(drop, call);
  }
}

function parseKinds(json: unknown): RegisteredKinds {
  const rec = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const set = (k: string): ReadonlySet<string> =>
    new Set(
      Array.isArray(rec[k]) ? (rec[k] as unknown[]).filter((x) => typeof x === 'string') : [],
    );
  return { reports: set('reports'), tests: set('tests'), graphs: set('graphs') };
}

/** An error as API.md's error object; anything else (a lost or aborted session) is rethrown. */
function errorObject(object: PanthrObject, e: unknown): ComputeErrorObject {
  const name = object.name;
  if (e instanceof AppError)
    return { type: 'error', name, code: e.code as ComputeErrorCode, message: wireMessage(e) };
  if (e instanceof ConversionError)
    return { type: 'error', name, code: e.code, message: wireMessage(e) };
  throw e;
}

const TRUNCATED = ' (truncated)';

/**
 * The message within the error object's limit (LIMITS.message): R's own text has none (a
 * condition built by R code may carry any message).
 */
function wireMessage(e: Error): string {
  const m = e.message;
  if (m.length <= LIMITS.message) return m;
  let head = m.slice(0, LIMITS.message - TRUNCATED.length);
  // Never end on half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return head + TRUNCATED;
}
