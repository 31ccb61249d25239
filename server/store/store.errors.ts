/**
 * What both backends share below the repositories: MongoDB's duplicate-key error, which the
 * embedded backend raises in the same shape (code 11000) when a unique rule is broken, so
 * that callers handle both alike; and the plain-object test of the document codecs.
 */

/** A document as the store handles it. */
export type Doc = Record<string, unknown>;

/** MongoDB's duplicate-key error code (`MongoServerError.code` on the driver). */
export const DUPLICATE_KEY = 11000;

/**
 * A write refused by a unique index, shaped like the driver's `MongoServerError`:
 * `code` is 11000, so callers handle both backends alike.
 */
export class DuplicateKeyError extends Error {
  readonly code = DUPLICATE_KEY;
  readonly codeName = 'DuplicateKey';

  constructor(
    readonly collection: string,
    readonly index: string,
    options?: { cause?: unknown },
  ) {
    super(`E11000 duplicate key error collection: ${collection} index: ${index}`, options);
    this.name = 'DuplicateKeyError';
  }
}

/**
 * An object write refused because the stored object has a hash at least as large: a newer
 * save (hashes only grow, workspace.repo.ts) already replaced it, so this older one (say, a
 * save that landed after its node lost the user's lease) must not overwrite it.
 */
export class StaleObjectError extends Error {
  constructor(
    readonly id: string,
    readonly hash: number,
  ) {
    super(`object ${id} holds a newer version than hash ${hash}; the write was refused`);
    this.name = 'StaleObjectError';
  }
}

/** True when `error` is a duplicate-key error of either backend (code 11000). */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === DUPLICATE_KEY
  );
}

/** A plain object (not a Date, array, RegExp or BSON value). */
export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
