/**
 * Which runs change a workspace's data, how such a change is recorded for undo
 * (undo.history.ts), and which outputs must be computed again after it (live results,
 * API 1.1): reports, tests and graphs of a dataset whose data changed, or using a filter
 * that changed.
 */
import type { Change, ObjectState } from './undo.history.ts';
import type { StoredPanthrObject, RunOutcome } from './ports.ts';

/** Object types whose result is computed from a dataset (re-run when it changes). */
const OUTPUTS: ReadonlySet<string> = new Set(['report', 'test', 'graph']);

/** Keys of a stored output that are its result, not its request. */
const RESULT_KEYS = ['result', 'hash', 'stale'] as const;

/** Whether `o` is data (a dataset, vector or filter), which changes are recorded for. */
function isData(o: StoredPanthrObject | null | undefined): boolean {
  return o?.type === 'dataset' || o?.type === 'vector' || o?.type === 'filter';
}

/**
 * Whether running `o` is a recorded change: an import, a command (edit, new or replaced
 * variable, deletion, levels, settype), an uploaded dataset, vector or filter, or an output
 * or note that replaces data of its name (`held`: the object of that name now; API.md §3:
 * a new object with an existing name replaces it, which is then a deletion to undo).
 * Other outputs and notes are not (adding or re-running them leaves the redo history alone).
 */
export function isRecorded(o: StoredPanthrObject, held?: StoredPanthrObject): boolean {
  if (o.type === 'command') return o['command'] !== 'undo' && o['command'] !== 'redo';
  return isData(o) || isData(held);
}

/** Whether `o` is an `undo` or `redo` command. */
export function undoKind(o: StoredPanthrObject): 'undo' | 'redo' | null {
  if (o.type !== 'command') return null;
  return o['command'] === 'undo' || o['command'] === 'redo' ? o['command'] : null;
}

/** The change `request` made, from the objects before it and its outcome; null: none. */
export function changeOf(
  request: StoredPanthrObject,
  before: ReadonlyMap<string, StoredPanthrObject>,
  outcome: RunOutcome,
): Change | null {
  if (outcome.reply.some((r) => r.type === 'error')) return null;
  const after = new Map<string, StoredPanthrObject | null>();
  for (const name of outcome.remove) after.set(name, null);
  for (const o of outcome.store) if (o.name !== null) after.set(o.name, o);
  // Outputs a run stored again (marked stale) are not part of the change: live results
  // compute them again, and an undo must not bring back an output's older request.
  // An output that replaced data (a report named as its dataset) is, the deletion it is.
  for (const [name, o] of after)
    if (o !== null && OUTPUTS.has(o.type) && !isData(before.get(name))) after.delete(name);
  if (after.size === 0) return null;
  const names = [...after.keys()];
  const replaced = request.name === null ? undefined : before.get(request.name);
  return {
    description:
      request.type !== 'command' && isData(replaced) && replaced?.type !== request.type
        ? `replacement of ${replaced?.type ?? ''} ${JSON.stringify(request.name)} by a ${request.type}`
        : describe(request),
    before: names.map((name) => ({ name, object: before.get(name) ?? null })),
    after: names.map((name) => ({ name, object: after.get(name) ?? null })),
  };
}

/** What a change did, in words (the `undone` / `redone` of the reply). */
export function describe(o: StoredPanthrObject): string {
  const fields: Readonly<Record<string, unknown>> = o;
  const q = (k: string): string => JSON.stringify(fields[k] ?? o.name);
  if (o.type !== 'command') return `${o.type} ${JSON.stringify(o.name)}`;
  switch (o.command) {
    case 'read':
      return `import of dataset ${q('name')}`;
    case 'newvar':
      return `variable ${q('variable')} of dataset ${q('dataset')} computed`;
    case 'edit':
      return `edit of variable ${q('variable')} of dataset ${q('dataset')}`;
    case 'levels':
      return `levels of variable ${q('variable')} of dataset ${q('dataset')}`;
    case 'settype':
      return `type of variable ${q('variable')} of dataset ${q('dataset')}`;
    case 'delete':
      return `deletion of ${q('target')}`;
    case 'undo':
    case 'redo':
    default:
      return `command ${q('command')}`;
  }
}

/**
 * The names of datasets and filters whose data `states` (both sides of a change) touch:
 * a dataset or filter on either side.
 */
export function touchedData(states: readonly ObjectState[], into: Set<string>): void {
  for (const { name, object } of states) {
    if (object?.type === 'dataset' || object?.type === 'filter') into.add(name);
  }
}

/**
 * The outputs of `objects` that use a dataset or filter named in `touched`, as requests
 * (their results left out), except those named in `skip` (computed in the same message).
 */
export function outputsToRerun(
  objects: readonly StoredPanthrObject[],
  touched: ReadonlySet<string>,
  skip: ReadonlySet<string>,
): { stored: StoredPanthrObject; request: StoredPanthrObject }[] {
  const out: { stored: StoredPanthrObject; request: StoredPanthrObject }[] = [];
  for (const o of objects) {
    if (!OUTPUTS.has(o.type) || skip.has(o.name)) continue;
    const fields: Readonly<Record<string, unknown>> = o;
    const dataset = fields['dataset'];
    const filter = fields['filter'];
    const uses =
      (typeof dataset === 'string' && touched.has(dataset)) ||
      (typeof filter === 'string' && touched.has(filter));
    if (!uses) continue;
    const request: StoredPanthrObject = { ...o };
    for (const k of RESULT_KEYS) delete request[k];
    out.push({ stored: o, request });
  }
  return out;
}
