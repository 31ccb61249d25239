// The client's copy of the current workspace: every object by name, updated from the
// server's `data` messages. The first message after connecting holds the whole
// workspace and replaces what was there. DOM-free; views subscribe to changes.
import {
  isDataset,
  isErrorObject,
  isPObject,
  isVector,
  type Dataset,
  type NamedError,
  type ObjectOf,
  type PObject,
  type Reply,
} from './types.ts';

/** Object types shown in the outputs list. */
const OUTPUT_TYPES: ReadonlySet<string> = new Set(['report', 'test', 'graph', 'r', 'note']);

/** Prefix of helper objects the client makes for its own views (hidden from outputs). */
const VIEW_PREFIX = 'view.';
/** The prefix of the names of commands a dialog sends (formula.dialog.ts: `cmd.newvar`). */
const DIALOG_PREFIX = 'cmd.';

/** The workspace as the client knows it. */
export class WorkspaceModel {
  private readonly objects = new Map<string, PObject>();
  private readonly errors = new Map<string, NamedError>();
  private readonly listeners = new Set<() => void>();
  private order = 0;
  private readonly arrival = new Map<string, number>();
  /** Uploads in row slices under way from this tab: what was sent, and its checksums. */
  private readonly uploads = new Map<
    string,
    { dataset: Dataset; checksums: Readonly<Record<string, string>> }
  >();

  /** Calls `fn` after every change; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Forgets everything and takes the workspace sent on connect. It is state, not a log:
   * each dataset holds every variable as R holds it, and a command in it is the record of
   * one already applied, so it is never applied again (docs/api.md, "The workspace sent on
   * connect"; applying a newvar record again once showed values R no longer had).
   */
  reset(objects: readonly Reply[]): void {
    this.objects.clear();
    this.errors.clear();
    this.arrival.clear();
    for (const o of objects) if (isPObject(o) && o.type !== 'command') this.applyOne(o);
    for (const fn of this.listeners) fn();
  }

  /** Applies objects from the server: results, datasets, variables, deletions, errors. */
  apply(objects: readonly Reply[]): void {
    for (const o of objects) this.applyOne(o);
    for (const fn of this.listeners) fn();
  }

  private put(o: PObject): void {
    this.objects.set(o.name, o);
    this.errors.delete(o.name);
    // As the server keeps it: a replaced object keeps its place, a new one goes last.
    if (!this.arrival.has(o.name)) this.arrival.set(o.name, this.order++);
  }

  private remove(name: string): void {
    this.objects.delete(name);
    this.errors.delete(name);
    this.arrival.delete(name);
  }

  private applyOne(o: Reply): void {
    if (!isPObject(o)) return;
    if (isErrorObject(o)) {
      const name = o.name;
      if (name === null) return;
      this.errors.set(name, { ...o, name });
      // The server refused a part (its checksums, another tab's upload...): that upload is
      // over, and a later reply must not be matched with what it sent.
      this.uploads.delete(name);
      return;
    }
    if (o.type === 'command') return this.applyCommand(o);
    if (o.type === 'dataset' && o.slice !== undefined) return this.applySlice(o);
    if (o.type === 'dataset' && o.append === true) return this.applyPart(o);
    this.put(o);
  }

  /**
   * Row slices are answered without values (docs/api.md, "Uploading in parts"): before
   * sending them, the uploader says here what it sends, and the dataset is built from that
   * once the last slice's reply names the same checksums (else an error is shown for it).
   */
  expectUpload(dataset: Dataset, checksums: Readonly<Record<string, string>>): void {
    this.uploads.set(dataset.name, { dataset, checksums });
  }

  /** The reply to a row slice: nothing until the last one, then the variables it completed. */
  private applySlice(o: ObjectOf<'dataset'>): void {
    const got = (o.result as { checksums?: Record<string, string> } | undefined)?.checksums;
    const sent = this.uploads.get(o.name);
    if (got === undefined || sent === undefined) return;
    const names = Object.keys(got);
    const bad = names.filter((n) => sent.checksums[n] !== got[n]);
    if (bad.length > 0) {
      this.uploads.delete(o.name);
      const message = `The server holds other values than were sent for ${bad.join(', ')}: send the data again.`;
      this.errors.set(o.name, { type: 'error', name: o.name, code: 'checksum_mismatch', message });
      return;
    }
    const variables = sent.dataset.variables.filter((v) => names.includes(v.name));
    if (o.append === true) this.applyPart({ ...o, variables });
    else this.put({ ...sent.dataset, variables, hash: o.hash });
    const last = sent.dataset.variables.at(-1);
    if (last === undefined || names.includes(last.name)) this.uploads.delete(o.name);
  }

  /** A part of an upload (`append`): its variables join (or replace) the dataset's. */
  private applyPart(o: ObjectOf<'dataset'>): void {
    const ds = this.dataset(o.name);
    if (ds === undefined) return;
    const kept = ds.variables.map((v) => o.variables.find((x) => x.name === v.name) ?? v);
    const added = o.variables.filter((v) => !ds.variables.some((x) => x.name === v.name));
    this.put({ ...ds, variables: [...kept, ...added], hash: o.hash ?? ds.hash });
  }

  private applyCommand(o: ObjectOf<'command'>): void {
    const result = o.result as Record<string, unknown> | undefined;
    switch (o.command) {
      case 'read':
        if (isDataset(result?.['dataset'])) this.put({ ...result['dataset'], name: o.name });
        return;
      case 'edit':
      case 'levels':
      case 'settype': {
        // The variable as it now is replaces the old one in place (docs/api.md).
        const v = result?.['variable'];
        const ds = this.dataset(o.dataset);
        if (ds === undefined || !isVector(v)) return;
        const variables = ds.variables.map((x) => (x.name === v.name ? v : x));
        this.put({ ...ds, variables });
        return;
      }
      case 'newvar': {
        const v = result?.['variable'];
        const ds = this.dataset(o.dataset);
        if (ds === undefined || !isVector(v)) return;
        // As the server does: a replaced variable keeps its place, a new one goes last.
        const at = ds.variables.findIndex((x) => x.name === v.name);
        const variables =
          at < 0 ? [...ds.variables, v] : ds.variables.map((x, i) => (i === at ? v : x));
        // The server stores the command as a record under its name, replacing any object
        // of that name (unless it is named like its dataset); this model keeps no records.
        if (o.name !== ds.name) this.remove(o.name);
        this.put({ ...ds, variables });
        return;
      }
      case 'delete':
        this.remove(o.target);
        return;
      case 'undo':
      case 'redo': {
        // The objects the change put back follow the command in the same message.
        const removed = result?.['removed'];
        if (!Array.isArray(removed)) return;
        for (const name of removed) this.remove(String(name));
        return;
      }
      default:
        return;
    }
  }

  /** The object called `name`, if any. */
  get(name: string): PObject | undefined {
    return this.objects.get(name);
  }

  /** The error the server gave for the object called `name`, if its last request failed. */
  errorFor(name: string): NamedError | undefined {
    return this.errors.get(name);
  }

  /** True when `name` is used by an object (so a new one would replace it). */
  has(name: string): boolean {
    return this.objects.has(name);
  }

  /** Every dataset, by name. */
  datasets(): Dataset[] {
    return [...this.objects.values()]
      .filter(isDataset)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The dataset called `name`, if it exists. */
  dataset(name: string): ObjectOf<'dataset'> | undefined {
    const o = this.objects.get(name);
    return o?.type === 'dataset' && isDataset(o) ? o : undefined;
  }

  /** Filters, optionally only those on `dataset`. */
  filters(dataset?: string): ObjectOf<'filter'>[] {
    return [...this.objects.values()].filter(
      (o): o is ObjectOf<'filter'> =>
        o.type === 'filter' && (dataset === undefined || o.dataset === dataset),
    );
  }

  /**
   * Reports, tests, graphs and notes in workspace order, the order of the reports: as the
   * server sent them whole, then new ones last (a replaced one keeps its place).
   */
  outputs(): PObject[] {
    const key = (o: PObject): number => this.arrival.get(o.name) ?? 0;
    return [...this.objects.values()]
      .filter((o) => OUTPUT_TYPES.has(o.type) && !o.name.startsWith(VIEW_PREFIX))
      .sort((a, b) => key(a) - key(b));
  }

  /**
   * Puts the objects `names` in that order, as `PUT .../order` does on the server: they
   * take the places they held among the others, in the new sequence.
   */
  reorder(names: readonly string[]): void {
    const known = names.filter((n) => this.arrival.has(n));
    const slots = known.map((n) => this.arrival.get(n) as number).sort((a, b) => a - b);
    known.forEach((n, i) => this.arrival.set(n, slots[i] as number));
    for (const fn of this.listeners) fn();
  }

  /**
   * Errors for outputs whose request failed (no stored object), newest last. Not those of
   * the views' own requests, nor of a dialog's command (a new variable): the dialog that
   * sent it shows its error.
   */
  failedOutputs(): NamedError[] {
    return [...this.errors.values()].filter(
      (e) =>
        !this.objects.has(e.name) &&
        !e.name.startsWith(VIEW_PREFIX) &&
        !e.name.startsWith(DIALOG_PREFIX),
    );
  }

  /** Drops the error shown for `name` (the user dismissed it). */
  dismissError(name: string): void {
    if (this.errors.delete(name)) for (const fn of this.listeners) fn();
  }
}
