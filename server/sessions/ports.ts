/**
 * What the sessions layer needs from R, the compute layer and the store, as narrow ports.
 * `server/realtime/index.ts` adapts the real modules to them; tests can use the real
 * modules through the same adapters.
 */
import type { PanthrError, StoredPanthrObject } from '../../converters/index.ts';
import type { RConnection, RegisteredKinds } from '../../r/index.ts';
import type { PreparedValues, RunOptions, RunOutcome } from '../compute/index.ts';

export type { PreparedValues, RunOutcome, StoredPanthrObject };

/** Writes a dataset's values to the store while R takes it (RunOptions.prepare). */
export type PrepareValues = NonNullable<RunOptions['prepare']>;

/** The error object of API.md §2, in a `data` reply in place of a result (the schema's). */
export type ErrorObject = PanthrError;

/** Whether an item is an error object rather than a PanthR object. */
export function isErrorObject<T extends StoredPanthrObject | ErrorObject>(
  o: T,
): o is Extract<T, { type: 'error' }> {
  return o.type === 'error';
}

/** An R session leased to one user. */
export interface RLease {
  readonly conn: RConnection;
  /** Gives the session back; it is never handed to another user. Waits for running work. */
  release(): Promise<void>;
}

/** Hands out R sessions; `onLost` fires if the session dies while leased. */
export interface RLeaser {
  /** Rejects when `signal` aborts first (the user's session is being cancelled). */
  lease(ownerId: string, onLost: (reason: string) => void, signal?: AbortSignal): Promise<RLease>;
}

/** The R-side state of one workspace in one R session. */
export interface WorkspaceRuntime {
  /**
   * The report, test and graph kinds this R session knows: those of the Rserve it was
   * forked from, which an extensions reload does not change (r/reload.ts).
   */
  readonly kinds: RegisteredKinds;
  /** The workspace's objects as the runtime holds them (no `hash`), in stored order. */
  list(): readonly StoredPanthrObject[];
  /** The object of that name the runtime holds, if any. */
  object(name: string): StoredPanthrObject | undefined;
  /**
   * Puts objects back as they were (null: absent), in R and in the held state, as one
   * queued run; the outcome stores and removes them (undo and redo).
   */
  restore(
    objects: readonly { name: string; object: StoredPanthrObject | null }[],
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<RunOutcome>;
  /**
   * Runs one object; `owner` is the connection that sent it (uploads in row slices);
   * `prepare` writes a dataset's values to the store while R takes it.
   */
  run(
    object: StoredPanthrObject,
    options: {
      timeoutMs: number;
      signal?: AbortSignal;
      owner?: string;
      prepare?: PrepareValues;
    },
  ): Promise<RunOutcome>;
  /** Drops the upload in row slices connection `owner` started, if any. */
  dropUploads(owner: string): void;
  /** The datasets held in R: workspace name -> the R variable of its data frame. */
  heldDatasets(): ReadonlyMap<string, string>;
}

/** Looks into a user's R session: its connection and the datasets it holds (R names). */
export type RInspector<T> = (
  conn: RConnection,
  datasets: ReadonlyMap<string, string>,
) => Promise<T>;

/** Loads a stored workspace into an R session. */
export interface RuntimeFactory {
  load(conn: RConnection, objects: readonly StoredPanthrObject[]): Promise<WorkspaceRuntime>;
}

/**
 * A hidden record kept beside a workspace's objects (the undo history,
 * sessions/undo.history.ts): not a PanthR object, never sent to a client.
 */
export type WorkspaceRecord = { readonly type: string; readonly name: string } & Record<
  string,
  unknown
>;

/** A user's workspaces in the store. */
export interface WorkspacePersistence {
  /**
   * The user's current workspace (every user has one); `readOnly` when it is another
   * user's, shared with them (API 1.1).
   */
  current(userId: string): Promise<{ id: string; name: string; readOnly?: boolean }>;
  /** Every object of a workspace, in creation order. */
  load(workspaceId: string): Promise<StoredPanthrObject[]>;
  /** Stores an object (replacing one of the same name); returns it with its `hash`. */
  save(workspaceId: string, object: StoredPanthrObject): Promise<StoredPanthrObject>;
  /**
   * Optional: writes the large values of an object ahead of its {@link save} (a dataset
   * while R takes it), which then only names them; `discard` deletes them when no save
   * will come.
   */
  prepare?(workspaceId: string, object: StoredPanthrObject): Promise<PreparedValues>;
  /** The object named `name`, or null. */
  find(workspaceId: string, name: string): Promise<StoredPanthrObject | null>;
  /** Stores a hidden record (its name starts with `~`), replacing one of the same name. */
  saveRecord(workspaceId: string, record: WorkspaceRecord): Promise<void>;
  /** The hidden record named `name`, or null. */
  findRecord(workspaceId: string, name: string): Promise<WorkspaceRecord | null>;
  /** Removes an object by name; absent is fine. */
  remove(workspaceId: string, name: string): Promise<void>;
  /** Public mode: deletes all the user created, leaving one empty current workspace. */
  purge(userId: string): Promise<void>;
}
