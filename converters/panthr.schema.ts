/**
 * The one definition of the PanthR objects of API.md §3 (zod 4 schemas and the types
 * inferred from them), shared by the realtime layer (message checks) and the compute layer.
 * The schemas live in `schema/`, split by topic; this module gathers them.
 */
import type { PanthrDataset, PanthrVector } from './schema/vector.schema.ts';
import type {
  PanthrCommand,
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
