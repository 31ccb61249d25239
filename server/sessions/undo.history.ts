/**
 * The undo history of one workspace (API 1.1 `undo` and `redo`), kept in the store beside
 * the workspace's objects as hidden records (workspace.repo.ts HIDDEN_PREFIX), so that it
 * survives reconnects and restarts and every tab shares it. A change is the objects it
 * touched as they were before and after; undo puts back the before, redo the after. The
 * index record holds the ids of both stacks, so an undo reads one change, not the history.
 */
import { ErrorCode } from '../errors.ts';
import { touchedData } from './data.changes.ts';
import { changeOf, packChange, unpackStates, type StoredState } from './undo.pack.ts';
import type {
  StoredPanthrObject,
  RunOutcome,
  WorkspacePersistence,
  WorkspaceRuntime,
} from './ports.ts';

/** How many changes each workspace keeps (API 1.1: at least the last 50). */
export const HISTORY_LIMIT = 50;

const INDEX = '~history';
const changeName = (id: number): string => `~change.${id}`;

/** One object of a change: its state, or null when absent. */
export interface ObjectState {
  readonly name: string;
  readonly object: StoredPanthrObject | null;
}

/** One recorded change. */
export interface Change {
  readonly description: string;
  readonly before: readonly ObjectState[];
  readonly after: readonly ObjectState[];
}

/** A change {@link UndoHistory.take} could not rebuild from the data as they are now. */
export class HistoryMismatch extends Error {
  constructor(description: string, which: 'undo' | 'redo', why: string) {
    super(
      `${description} cannot be ${which === 'undo' ? 'undone' : 'redone'} (${why}); ` +
        `the ${which} history before it is cleared`,
    );
  }
}

interface HistoryIndex {
  undo: number[];
  redo: number[];
  next: number;
}

/** The history of the workspaces of one user session (all calls run in its queue). */
export class UndoHistory {
  constructor(private readonly persistence: WorkspacePersistence) {}

  /** Records a new change: it becomes the one to undo, and the redo history is cleared. */
  async record(workspaceId: string, change: Change): Promise<void> {
    const index = await this.index(workspaceId);
    const id = index.next++;
    // Datasets whose variables were only partly replaced keep just those (undo.pack.ts).
    await this.persistence.saveRecord(workspaceId, {
      type: 'change',
      name: changeName(id),
      ...packChange(change),
    });
    const dropped = [...index.redo, ...index.undo.slice(0, -(HISTORY_LIMIT - 1))];
    index.undo = [...index.undo.slice(-(HISTORY_LIMIT - 1)), id];
    index.redo = [];
    await this.saveIndex(workspaceId, index);
    // After the index stops naming them: a crash in between leaves records, never holes.
    for (const old of dropped) await this.persistence.remove(workspaceId, changeName(old));
  }

  /**
   * Forgets the workspace's history (its records are left to be replaced): after a data
   * change that could not be recorded, since a packed record rebuilds the data around it
   * from the data as it is (undo.pack.ts) and would mix that change in.
   */
  async forget(workspaceId: string): Promise<void> {
    const index = await this.index(workspaceId);
    await this.saveIndex(workspaceId, { undo: [], redo: [], next: index.next });
  }

  /**
   * Takes the change to undo (`undo`) or redo (`redo`) off its stack and onto the other;
   * null when there is none. The caller applies it (`before` for undo, `after` for redo).
   * `current` gives the objects as they are now, from which packed datasets are rebuilt.
   */
  async take(
    workspaceId: string,
    which: 'undo' | 'redo',
    current: (name: string) => StoredPanthrObject | undefined,
  ): Promise<Change | null> {
    const index = await this.index(workspaceId);
    const from = which === 'undo' ? index.undo : index.redo;
    const id = from.pop();
    if (id === undefined) return null;
    const stored = await this.persistence.findRecord(workspaceId, changeName(id));
    const other = which === 'undo' ? index.redo : index.undo;
    // A record that is not a change (only record() above writes `~change.N`) is as absent.
    const raw = stored === null ? null : changeOf(stored);
    if (raw === null) {
      other.push(id);
      await this.saveIndex(workspaceId, index);
      return null;
    }
    // The side not applied is the data as it is now.
    const asNow = (states: StoredState[]): ObjectState[] =>
      states.map((st) =>
        st.packed === undefined ? st : { name: st.name, object: current(st.name) ?? null },
      );
    let change: Change;
    try {
      change = {
        description: raw.description,
        before: which === 'undo' ? unpackStates(raw.before, current) : asNow(raw.before),
        after: which === 'redo' ? unpackStates(raw.after, current) : asNow(raw.after),
      };
    } catch (err) {
      // The data no longer fit the history (a packed change is rebuilt around the data as
      // they are, and so is every one before it): that stack is of no use any more.
      const dropped = [id, ...from.splice(0)];
      await this.saveIndex(workspaceId, index);
      for (const old of dropped) await this.persistence.remove(workspaceId, changeName(old));
      throw new HistoryMismatch(raw.description, which, (err as Error).message);
    }
    other.push(id);
    await this.saveIndex(workspaceId, index);
    return change;
  }

  /** Puts back a change {@link take} moved, when applying it failed. */
  async untake(workspaceId: string, which: 'undo' | 'redo'): Promise<void> {
    const index = await this.index(workspaceId);
    const from = which === 'undo' ? index.redo : index.undo;
    const id = from.pop();
    if (id === undefined) return;
    (which === 'undo' ? index.undo : index.redo).push(id);
    await this.saveIndex(workspaceId, index);
  }

  private async index(workspaceId: string): Promise<HistoryIndex> {
    const o = await this.persistence.findRecord(workspaceId, INDEX);
    const ids = (v: unknown): number[] =>
      Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
    return {
      undo: ids(o?.['undo']),
      redo: ids(o?.['redo']),
      next: typeof o?.['next'] === 'number' ? o['next'] : 1,
    };
  }

  private async saveIndex(workspaceId: string, index: HistoryIndex): Promise<void> {
    await this.persistence.saveRecord(workspaceId, { type: 'history', name: INDEX, ...index });
  }
}

/**
 * `undo` / `redo`: applies the change on top of the history to R and the held state
 * (adding the datasets and filters it touched to `touched`); the reply is the command with
 * `{"undone"|"redone": DESCRIPTION, "removed": [names]}` then the objects as they now are.
 * Nothing to undo (or redo) is `not_found`. A failed restore puts the change back.
 */
export async function undoRedo(
  history: UndoHistory,
  runtime: WorkspaceRuntime,
  req: {
    workspaceId: string;
    object: StoredPanthrObject;
    which: 'undo' | 'redo';
    touched: Set<string>;
    run: { timeoutMs: number; signal?: AbortSignal };
  },
): Promise<RunOutcome> {
  const { workspaceId, object, which } = req;
  const now = new Map(runtime.list().map((o) => [o.name ?? '', o]));
  const refusal = (message: string): RunOutcome => {
    const err = { type: 'error' as const, name: object.name, code: ErrorCode.notFound, message };
    return { store: [], remove: [], reply: [err] };
  };
  let change: Change | null;
  try {
    change = await history.take(workspaceId, which, (name) => now.get(name));
  } catch (err) {
    if (err instanceof HistoryMismatch) return refusal(err.message);
    throw err;
  }
  if (change === null) return refusal(`there is nothing to ${which}`);
  let out: RunOutcome;
  try {
    out = await runtime.restore(which === 'undo' ? change.before : change.after, req.run);
  } catch (err) {
    await history.untake(workspaceId, which);
    throw err;
  }
  touchedData([...change.before, ...change.after], req.touched);
  const done = which === 'undo' ? 'undone' : 'redone';
  const result = { [done]: change.description, removed: out.remove };
  return { ...out, reply: [{ ...object, result }, ...out.reply] };
}
