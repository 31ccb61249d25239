/**
 * The compute layer's contract: what running one PanthR object gives back, and the
 * options a workspace runtime works under.
 */
import type { PanthrError, StoredPanthrObject } from '../../converters/index.ts';
import { AppError, type ErrorCode } from '../errors.ts';

/** The error object of API.md §2 (the schema's), answered in place of a result. */
export type ComputeErrorObject = PanthrError & { readonly code: ComputeErrorCode };

/** The codes the compute layer answers with. */
export type ComputeErrorCode = Extract<
  ErrorCode,
  | 'invalid_object'
  | 'unknown_type'
  | 'not_found'
  | 'too_large'
  | 'forbidden'
  | 'r_error'
  | 'timeout'
>;

/**
 * What running one object did: `store` are the objects to save in the workspace (a new
 * object replaces the stored one of the same name; the caller adds `hash`), `remove` the
 * names to delete from it, `reply` the objects to send back to the client (results, or one
 * error object when the request could not be served; then nothing is stored or removed).
 */
export interface RunOutcome {
  readonly store: StoredPanthrObject[];
  readonly remove: string[];
  readonly reply: (StoredPanthrObject | ComputeErrorObject)[];
  /**
   * Objects of `store` changed as a consequence (results marked stale), not answers to the
   * request: the reply keeps one object per object sent, and these go to every tab after it.
   */
  readonly changed?: StoredPanthrObject[];
}

/** Limits a runtime works under (from the configuration). */
export interface RuntimeOptions {
  /** Largest rows x variables of a dataset; null: no limit (`max_data`). */
  readonly maxData: number | null;
  /** Whether `r` objects are evaluated (`allow_full_r`). */
  readonly allowFullR: boolean;
  /** Milliseconds one computation may run (`compute_timeout` x 1000). */
  readonly computeTimeoutMs: number;
}

/** Per-run options: an abort signal (the client left) and a tighter time limit. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Overrides {@link RuntimeOptions.computeTimeoutMs} for this run. */
  readonly timeoutMs?: number;
  /** The connection that sent the object (an upload in row slices belongs to it). */
  readonly owner?: string;
  /**
   * Writes the large values of a dataset about to be stored while R takes it, so that the
   * save after the run only names them (the session's store: WorkspacePersistence.prepare).
   * The caller discards what was written when no save stores the dataset (R refused it, the
   * run or the save failed): sessions/ahead.writes.ts.
   */
  readonly prepare?: (dataset: StoredPanthrObject) => Promise<PreparedValues>;
}

/** Values written ahead of the save that names them ({@link RunOptions.prepare}). */
export interface PreparedValues {
  /** Deletes them: nothing will name them (the run failed). */
  discard(): Promise<void>;
}

/** A failure with a wire code; the runtime turns it into a {@link ComputeErrorObject}. */
export function computeError(code: ComputeErrorCode, message: string, cause?: unknown): AppError {
  return new AppError(code, message, cause === undefined ? {} : { cause });
}
