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
import type { StoredPanthrObject } from './ports.ts';

type Vars = readonly { readonly name: string }[];

/** A dataset side of a change, packed: its variable names in order, the differing ones. */
interface Packed {
  readonly names: string[];
  readonly vars: unknown[];
}

/** An object state as stored: whole (`object`), or packed (`object` null, `packed`). */
export type StoredState = ObjectState & { readonly packed?: Packed };

const variablesOf = (o: StoredPanthrObject | null): Vars | null =>
  o?.type === 'dataset' && Array.isArray(o['variables']) ? o['variables'] : null;

/** The dataset's keys other than its variables and hash, as text (small). */
function rest(o: StoredPanthrObject): string {
  const { variables: _v, hash: _h, ...others } = o as Record<string, unknown>;
  return JSON.stringify(others);
}

/** Both sides of one dataset packed, or null when packing saves nothing. */
function packPair(b: ObjectState, a: ObjectState): [StoredState, StoredState] | null {
  const bv = variablesOf(b.object);
  const av = variablesOf(a.object);
  if (bv === null || av === null || b.object === null || a.object === null) return null;
  if (rest(b.object) !== rest(a.object)) return null;
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
    const now = current(s.name);
    const vars = variablesOf(now ?? null);
    if (now === undefined || vars === null)
      throw new Error(`the dataset "${s.name}" of this change is no longer in the workspace`);
    const own = s.packed.vars as Vars;
    const variables = s.packed.names.map((n) => {
      const v = own.find((x) => x.name === n) ?? vars.find((x) => x.name === n);
      if (v === undefined) throw new Error(`variable "${n}" of this change is gone`);
      return v;
    });
    // Sound: `variables` are the stored variables of this dataset, kept or rebuilt whole.
    return { name: s.name, object: { ...now, variables } as StoredPanthrObject };
  });
}
