/**
 * Compact undo records (server/sessions/undo.pack.ts): a change that replaced one variable
 * of a dataset keeps only that variable on each side, and both sides are rebuilt exactly
 * from the dataset as it is when the change is undone (the after side) or redone (before).
 */
import assert from 'node:assert/strict';
import type {
  StoredPanthrObject,
  WorkspacePersistence,
  WorkspaceRecord,
} from '../../server/sessions/ports.ts';
import { HistoryMismatch, UndoHistory } from '../../server/sessions/undo.history.ts';
import { changeOf, packChange, unpackStates } from '../../server/sessions/undo.pack.ts';

const vec = (name: string, n: number, k: number) => ({
  type: 'vector' as const,
  name,
  variableType: 'scalar' as const,
  values: Array.from({ length: n }, (_, i) => i * k),
});

describe('undo records keep only the variables a change replaced', () => {
  const others = Array.from({ length: 9 }, (_, j) => vec(`x${j}`, 1000, j));
  const [first, ...rest] = others as [ReturnType<typeof vec>, ...ReturnType<typeof vec>[]];
  const old = vec('y', 1000, 1);
  const edited = { ...old, values: [42, ...old.values.slice(1)] };
  const before: StoredPanthrObject = {
    type: 'dataset',
    name: 'd',
    variables: [first, old, ...rest],
  };
  const after: StoredPanthrObject = {
    type: 'dataset',
    name: 'd',
    variables: [first, edited, ...rest],
  };
  const change = {
    description: 'edit',
    before: [{ name: 'd', object: before }],
    after: [{ name: 'd', object: after }],
  };

  it('stores a tenth of the whole dataset pair for one of ten variables', () => {
    const packed = packChange(change);
    const size = JSON.stringify(packed).length;
    assert.ok(size * 9 < JSON.stringify(change).length, `${size} bytes`);
    assert.equal(packed.before[0]?.object, null);
  });

  it('rebuilds the before side from the after and the after from the before', () => {
    const packed = packChange(change);
    assert.deepEqual(
      unpackStates(packed.before, () => after),
      change.before,
    );
    assert.deepEqual(
      unpackStates(packed.after, () => before),
      change.after,
    );
  });

  it('keeps whole objects when nothing is shared, and refuses a dataset that is gone', () => {
    const fresh: StoredPanthrObject = { type: 'dataset', name: 'd', variables: [edited] };
    const whole = packChange({
      description: 'x',
      before: change.before,
      after: [{ name: 'd', object: fresh }],
    });
    assert.equal(whole.before[0]?.object, before);
    assert.throws(() => unpackStates(packChange(change).before, () => undefined), /no longer/);
  });

  it('reads a change back from its record, and nothing from a record of another shape', () => {
    // As the store gives it back: JSON, the packed variables as plain data.
    const stored = JSON.parse(
      JSON.stringify({ type: 'change', name: '~change.1', ...packChange(change) }),
    ) as { type: string; name: string };
    const back = changeOf(stored);
    assert.ok(back);
    assert.deepEqual(
      unpackStates(back.before, () => after),
      change.before,
    );
    assert.equal(changeOf({ type: 'history', name: '~history', undo: [1], redo: [] }), null);
    assert.equal(changeOf({ type: 'change', name: '~change.2', description: 'x' }), null);
    const badState = { ...stored, after: [{ name: 'd', object: null, packed: { names: 'd' } }] };
    assert.equal(changeOf(badState), null, 'a packed side without its variable lists');
  });
});

describe('an undo history the data no longer fit', () => {
  /** The hidden records of one workspace, kept in a Map (only records are used here). */
  function records(): WorkspacePersistence & { names(): string[] } {
    const m = new Map<string, WorkspaceRecord>();
    const none = (): never => {
      throw new Error('not used by the history');
    };
    return {
      current: none,
      load: none,
      save: none,
      find: none,
      purge: none,
      saveRecord: (_w, r) => Promise.resolve(void m.set(r.name, r)),
      findRecord: (_w, name) => Promise.resolve(m.get(name) ?? null),
      remove: (_w, name) => Promise.resolve(void m.delete(name)),
      names: () => [...m.keys()].sort(),
    };
  }
  // The same y in every state: a change that replaced only x is packed (x alone kept).
  const y = { type: 'vector' as const, name: 'y', variableType: 'scalar' as const, values: [0, 0] };
  const d = (x: number[]): StoredPanthrObject => ({
    type: 'dataset',
    name: 'd',
    variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: x }, y],
  });
  const edit = (from: number[], to: number[]) => ({
    description: 'edit of x',
    before: [{ name: 'd', object: d(from) }],
    after: [{ name: 'd', object: d(to) }],
  });

  it('says which change cannot be undone and why, and clears that history', async () => {
    const store = records();
    const history = new UndoHistory(store);
    await history.record('w', edit([1, 2], [5, 2]));
    await history.record('w', edit([5, 2], [5, 6]));
    // The dataset the packed change is rebuilt around is gone.
    await assert.rejects(
      history.take('w', 'undo', () => undefined),
      (err: Error) =>
        err instanceof HistoryMismatch &&
        /^edit of x cannot be undone \(the dataset "d" of this change is no longer in the workspace\); the undo history before it is cleared$/.test(
          err.message,
        ),
    );
    assert.equal(await history.take('w', 'undo', () => d([5, 6])), null);
    assert.equal(await history.take('w', 'redo', () => d([5, 6])), null);
    assert.deepEqual(store.names(), ['~history']);
  });
});
