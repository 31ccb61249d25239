/**
 * Compact undo records (undo.history.ts). A change that replaced some variables of a
 * dataset (an `edit`, `levels`, `settype`, a new variable) kept the whole dataset twice,
 * before and after: one cell edit of a 1e5 x 10 dataset stored 16 MB (measured, docs/api.md
 * "Undo, redo and live results"). A packed record keeps, for each side, only the variables
 * that differ and the order of the variable names; the others are taken from the dataset
 * as it is when the change is undone or redone, which is the other side of the change
 * (every data change is recorded, and changes are undone and redone in stack order).
 */
import type { Change, ObjectState } from './undo.history.ts';
import type { StoredPanthrObject, WorkspaceRecord } from './ports.ts';

type StoredDataset = Extract<StoredPanthrObject, { type: 'dataset' }>;
type Vars = StoredDataset['variables'];

/** A dataset side of a change, packed: its variable names in order, the differing ones. */
interface Packed {
  readonly names: string[];
  readonly vars: Vars;
}

/** An object state as stored: whole (`object`), or packed (`object` null, `packed`). */
export type StoredState = ObjectState & { readonly packed?: Packed };

const datasetOf = (o: StoredPanthrObject | null | undefined): StoredDataset | null =>
  o?.type === 'dataset' && Array.isArray(o.variables) ? o : null;

/** The dataset's keys other than its variables and hash, as text (small). */
function rest(o: StoredDataset): string {
  const { variables: _v, hash: _h, ...others } = o;
  return JSON.stringify(others);
}

/** Both sides of one dataset packed, or null when packing saves nothing. */
function packPair(b: ObjectState, a: ObjectState): [StoredState, StoredState] | null {
  const bd = datasetOf(b.object);
  const ad = datasetOf(a.object);
  if (bd === null || ad === null || rest(bd) !== rest(ad)) return null;
  const bv = bd.variables;
  const av = ad.variables;
  // Unchanged variables are the very same objects (the runtime replaces only what changed).
  const same = new Set(bv.filter((v) => av.some((w) => w === v)).map((v) => v.name));
  if (same.size === 0) return null;
  const side = (s: ObjectState, vars: Vars): StoredState => ({
    name: s.name,
    object: null,
    packed: { names: vars.map((v) => v.name), vars: vars.filter((v) => !same.has(v.name)) },
  });
  return [side(b, bv), side(a, av)];
}

/** A change as its record keeps it ({@link packChange}'s output). */
export interface ChangeRecord {
  readonly description: string;
  readonly before: StoredState[];
  readonly after: StoredState[];
}

/** Whether `s` has the shape of a {@link StoredState}. */
function isStoredState(s: unknown): s is StoredState {
  if (typeof s !== 'object' || s === null || !('name' in s) || !('object' in s)) return false;
  if (typeof s.name !== 'string' || typeof s.object !== 'object') return false;
  const packed = 'packed' in s ? s.packed : undefined;
  if (packed === undefined) return true;
  return (
    typeof packed === 'object' &&
    packed !== null &&
    'names' in packed &&
    Array.isArray(packed.names) &&
    'vars' in packed &&
    Array.isArray(packed.vars)
  );
}

const isStates = (v: unknown): v is StoredState[] => Array.isArray(v) && v.every(isStoredState);

/**
 * The change a hidden record holds, or null when it is not one (another kind of record, or
 * one from a version that kept them otherwise). Checks the record's shape; the objects in
 * it are not validated again: only UndoHistory.record writes change records, from objects
 * the runtime held.
 */
export function changeOf(record: WorkspaceRecord): ChangeRecord | null {
  const { description, before, after } = record;
  return typeof description === 'string' && isStates(before) && isStates(after)
    ? { description, before, after }
    : null;
}

/** `change` with each dataset that only had some variables replaced packed. */
export function packChange(change: Change): {
  description: string;
  before: StoredState[];
  after: StoredState[];
} {
  const before: StoredState[] = [...change.before];
  const after: StoredState[] = [...change.after];
  change.before.forEach((b, k) => {
    const a = change.after[k];
    const packed = a !== undefined && a.name === b.name ? packPair(b, a) : null;
    if (packed === null) return;
    before[k] = packed[0];
    after[k] = packed[1];
  });
  return { description: change.description, before, after };
}

/**
 * A stored side as whole objects: a packed dataset is rebuilt from `current` (the dataset
 * as it is now, the other side of the change). Throws when it cannot be (a history that no
 * longer matches the data), so the caller puts the change back.
 */
export function unpackStates(
  states: readonly StoredState[],
  current: (name: string) => StoredPanthrObject | undefined,
): ObjectState[] {
  return states.map((s) => {
    if (s.packed === undefined) return { name: s.name, object: s.object };
    const now = datasetOf(current(s.name));
    if (now === null)
      throw new Error(`the dataset "${s.name}" of this change is no longer in the workspace`);
    const vars = now.variables;
    const own = s.packed.vars;
    const variables = s.packed.names.map((n) => {
      const v = own.find((x) => x.name === n) ?? vars.find((x) => x.name === n);
      if (v === undefined) throw new Error(`variable "${n}" of this change is gone`);
      return v;
    });
    return { name: s.name, object: { ...now, variables } };
  });
}
