/**
 * The one definition of the PanthR objects of API.md §3 (zod 4 schemas and the types
 * inferred from them), shared by the realtime layer (message checks) and the compute layer.
 * The schemas live in `schema/`, split by topic; this module gathers them.
 */
import type { PanthrDataset, PanthrVector, VectorValue } from './schema/vector.schema.ts';
import type {
  PanthrCommand,
  PanthrError,
  PanthrExtensionGraph,
  PanthrExtensionReport,
  PanthrExtensionTest,
  PanthrFilter,
  PanthrGraph,
  PanthrR,
  PanthrReport,
  PanthrTest,
} from './schema/requests.schema.ts';
import type { PanthrNote } from './schema/note.schema.ts';
import { OBJECT_TYPES } from './schema/object-types.ts';

export * from './schema/common.schema.ts';
export * from './schema/vector.schema.ts';
export * from './schema/requests.schema.ts';
export * from './schema/data-commands.schema.ts';
export * from './schema/graph-settings.schema.ts';
export * from './schema/messages.schema.ts';
export * from './schema/note.schema.ts';
export { isColor, normalizeColor } from './schema/colors.ts';

/** Any object a client may send, as {@link validateObject} accepts it. */
export type PanthrObject =
  | PanthrVector
  | PanthrDataset
  | PanthrFilter
  | PanthrCommand
  | PanthrReport
  | PanthrExtensionReport
  | PanthrTest
  | PanthrExtensionTest
  | PanthrGraph
  | PanthrExtensionGraph
  | PanthrR
  | PanthrNote;

// The `type` of every PanthR object: one list, zod-free for the client
// (test/unit/object-types.test.ts checks it equals the union above).
export { OBJECT_TYPES };

/**
 * A PanthR object as a workspace holds it and every layer passes it on (sessions, compute,
 * the store's callers): what {@link validateObject} accepted, plus what the server adds.
 */
export type StoredPanthrObject = PanthrObject & {
  /** The computed result of a request (API.md §3). */
  result?: unknown;
  /** The workspace's number for this version of the object (server/store). */
  hash?: number;
  /** Why the result no longer describes the data (compute/workspace.rules.ts); absent when current. */
  stale?: string;
};

/**
 * Whether a record the store gives back is a PanthR object: a `type` of
 * {@link OBJECT_TYPES} and a string `name`. Shallow on purpose: every stored object was
 * made by the compute layer from one validateObject accepted, and a workspace's megabytes
 * of values are not checked again on each load; this keeps out records of another kind.
 */
export function isStoredPanthrObject<T extends { readonly name: unknown }>(
  o: T,
): o is T & StoredPanthrObject {
  const type = 'type' in o ? o.type : undefined;
  return (
    typeof o.name === 'string' &&
    typeof type === 'string' &&
    (OBJECT_TYPES as readonly string[]).includes(type)
  );
}

/**
 * An object of a server `data` message (API.md §2): a PanthR object as stored (a result
 * among them), or an error object in place of the result of a request.
 */
export type ReplyObject = StoredPanthrObject | PanthrError;

/** A vector whose values are JSON: numbers, strings, booleans, null (never binary). */
export type JsonVector = Omit<PanthrVector, 'values'> & { values: VectorValue[] };

/** A dataset whose variables are {@link JsonVector}s. */
export type JsonDataset = Omit<PanthrDataset, 'variables'> & { variables: JsonVector[] };

/**
 * `T` (one PanthR object type, or a union of them) as a JSON client holds it: a vector's
 * values and a dataset's variables' values as JSON, the binary form (a scalar vector's
 * float64 bytes, API.md "Receiving binary values") already turned into numbers.
 */
export type JsonForm<T> = T extends { type: 'vector' }
  ? Omit<T, 'values'> & { values: VectorValue[] }
  : T extends { type: 'dataset' }
    ? Omit<T, 'variables'> & { variables: JsonVector[] }
    : T;
