/**
 * Large `values` of workspace objects, kept apart from the object documents: each is cut
 * into chunks of at most {@link CHUNK_BYTES} (the `workspaceBlobs` collection) and the object
 * document holds `{"blob": {"chunks": [ids], "binary": bool}}` in its place (long text of
 * few distinct strings: coded, {@link BlobRef}). So no document
 * nears MongoDB's 16 MB limit (a 1e6 x 10 dataset is 80 MB), binary values stay binary
 * (no JSON of millions of numbers to write or parse), and replacing or deleting an object
 * reads only its small document.
 * Chunks are written before the document that names them and deleted after no document
 * names them any more (documents may share chunks: {@link ChunkMemory}), so a crash between
 * the two leaves unreferenced chunks, never a dangling reference.
 * A plain object a user put under some `values` key (free-form options may have one) is
 * stored as `{"literal": ...}`, so that nothing a client sends can pass for a reference.
 */
import {
  BINARY_VALUES_MIN,
  isBinaryValues,
  mapValuesKeys,
  textCodes,
  wireTextValues,
} from '../../converters/index.ts';
import { isPlainObject } from './store.errors.ts';
import type { Store, WorkspaceBlobDoc } from './store.types.ts';

/** The most bytes of one chunk (BSON documents are limited to 16 MB). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Values of fewer elements stay in the object document; longer ones are the long values
 * that travel binary (or coded) anyway, and go to chunks of their own.
 */
export const MIN_BLOB_VALUES = BINARY_VALUES_MIN;

/**
 * How old an unreferenced chunk must be before a start-up sweep deletes it. A save writes
 * its chunks first and the object naming them last; on a cluster another node may be
 * saving a large dataset (minutes of chunks on a loaded machine) while this one starts, and
 * its fresh chunks must survive (issue 19). A crash's leftovers just wait for a later start.
 */
export const CHUNK_SWEEP_MIN_AGE_MS = 10 * 60_000;

/**
 * What an object document holds in place of moved-out values: their chunks, bytes or JSON
 * slices. Text values kept coded (converters' text-codes.ts) are `binary`: int32 codes
 * (little-endian, -1 for a missing value) in bytes chunks, then `strings` chunks of JSON
 * slices of the distinct strings. Every chunk is in `chunks`, so an older version's sweep
 * never takes one for an orphan, and its reader fails on the strings (JSON in a binary
 * reference) rather than misreading the codes.
 */
interface BlobRef {
  readonly blob: {
    readonly chunks: readonly string[];
    readonly binary: boolean;
    /** Coded text: how many of the last `chunks` hold the strings. */
    readonly strings?: number;
  };
}

/** What an object document holds in place of a plain object found under `values`. */
interface Literal {
  readonly literal: unknown;
}

function isBlobRef(value: unknown): value is BlobRef {
  if (!isPlainObject(value) || !isPlainObject(value.blob)) return false;
  const { chunks } = value.blob;
  return Array.isArray(chunks) && chunks.every((id) => typeof id === 'string');
}

/** Bytes of one JSON value, over-estimated as BSON writes it (type, index key, value). */
function jsonValueBytes(x: unknown): number {
  return 16 + (typeof x === 'string' ? 3 * x.length + 5 : 8);
}

/** A JSON array cut into slices of at most CHUNK_BYTES each (by {@link jsonValueBytes}). */
function jsonSlices(values: readonly unknown[]): unknown[][] {
  const slices: unknown[][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < values.length; i++) {
    const size = jsonValueBytes(values[i]);
    if (bytes + size > CHUNK_BYTES && i > start) {
      slices.push(values.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  slices.push(values.slice(start));
  return slices;
}

/** Bytes cut into chunks; CHUNK_BYTES is a multiple of 8: no double or code is cut in two. */
function byteChunks(v: ArrayBufferView): Buffer[] {
  const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  const data: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES)
    data.push(bytes.subarray(at, at + CHUNK_BYTES));
  return data;
}

/** How one large `values` is kept: its chunks' data, and the reference that names them. */
interface Placement {
  data(): unknown[];
  ref(chunks: readonly string[]): BlobRef;
}

/**
 * How `values` is kept ({@link BlobRef}): binary values in bytes chunks; long text of few
 * distinct strings (a group column) coded, with no JSON of every value to make, write and
 * parse; other long arrays in JSON slices; null for values that stay in the document.
 */
function placement(values: unknown): Placement | null {
  if (isBinaryValues(values)) {
    if (values.byteLength < MIN_BLOB_VALUES * 8) return null;
    return {
      data: () => byteChunks(values),
      ref: (chunks) => ({ blob: { chunks, binary: true } }),
    };
  }
  if (!Array.isArray(values) || values.length < MIN_BLOB_VALUES) return null;
  const coded = textCodes(values);
  if (coded === null)
    return {
      data: () => jsonSlices(values),
      ref: (chunks) => ({ blob: { chunks, binary: false } }),
    };
  const strings = jsonSlices(coded.strings);
  return {
    data: () => [...byteChunks(coded.codes), ...strings],
    ref: (chunks) => ({ blob: { chunks, binary: true, strings: strings.length } }),
  };
}

/** Chunk ids of values already in the store in this workspace, if they can be named again. */
export type ReuseChunks = (values: object) => readonly string[] | undefined;

/**
 * `object` as its document stores it, the chunks to write first, and which values went to
 * which chunks. Chunk ids start with `prefix` (unique per object version: the object's id
 * and its new hash); values `reuse` knows keep the chunks they already have.
 */
export function splitBlobs<T>(
  object: T,
  workspaceId: string,
  prefix: string,
  reuse: ReuseChunks = () => undefined,
): { doc: T; blobs: WorkspaceBlobDoc[]; placed: [object, readonly string[]][] } {
  const blobs: WorkspaceBlobDoc[] = [];
  const placed: [object, readonly string[]][] = [];
  const doc = mapValuesKeys(object, (values) => {
    if (isPlainObject(values)) return { literal: values } satisfies Literal;
    const place = placement(values);
    if (place === null) return values;
    // Values already in chunks are not cut again (a 700,000-string column took ~15 ms); the
    // same values are always placed alike (text-codes.ts remembers its answer), so their
    // chunks are of the kind the reference says.
    const ids =
      reuse(values as object) ??
      place.data().map((data) => {
        const _id = `${prefix}#${blobs.length}`;
        blobs.push({ _id, workspaceId, data, createdAt: new Date() });
        return _id;
      });
    placed.push([values as object, ids]);
    return place.ref(ids);
  });
  return { doc, blobs, placed };
}

/**
 * Which chunks hold which values object, so that saving the very same values again, under
 * this object or another of the same workspace, names the chunks they already have instead
 * of writing every byte again: a dataset after a part of an upload was added (docs/api.md,
 * "Uploading in parts") writes only the part, and the undo record of each part (the dataset
 * before and after it, sessions/undo.history.ts) writes nothing of the values at all (it
 * wrote the whole dataset twice per part: 1.2 GB for an 80 MB upload, issue 11).
 * So a chunk may be named by several documents of one workspace, and is deleted only once
 * none names it ({@link unnamedChunks}). Held by identity and forgotten with the values; a
 * hit is used only while every chunk of it is known to exist (written or reused in this
 * process, named by a document, and not deleted since).
 * Chunks written ahead of a save (workspace.repo.ts, prepareValues) are named by nothing yet:
 * they are kept apart ({@link rememberAhead}) and reused only by a save of the very same
 * values soon after, well before another node's start-up sweep could take them as orphans
 * (CHUNK_SWEEP_MIN_AGE_MS); the save that names them makes them alive.
 */
export class ChunkMemory {
  private readonly byValues = new WeakMap<
    object,
    { workspaceId: string; chunks: readonly string[] }
  >();
  /** Chunks placed in this process and not deleted since, per workspace. */
  private readonly alive = new Map<string, Set<string>>();
  /** Values written ahead of their save: their chunks, usable until `until` (Date.now()). */
  private readonly ahead = new WeakMap<
    object,
    { workspaceId: string; chunks: readonly string[]; until: number }
  >();

  /**
   * Values of an object of `workspaceId` written to `chunks` ahead of its save, which may
   * name them until `until` (ms since the epoch); no document names them yet.
   */
  rememberAhead(
    workspaceId: string,
    placed: readonly [object, readonly string[]][],
    until: number,
  ): void {
    for (const [values, chunks] of placed) this.ahead.set(values, { workspaceId, chunks, until });
  }

  /** Values written ahead whose chunks are being deleted (no save came): not named from now on. */
  dropAhead(placed: readonly [object, readonly string[]][]): void {
    for (const [values] of placed) this.ahead.delete(values);
  }

  /** Values of an object of `workspaceId` placed in `chunks` (after its document was written). */
  remember(workspaceId: string, placed: readonly [object, readonly string[]][]): void {
    let alive = this.alive.get(workspaceId);
    if (alive === undefined) this.alive.set(workspaceId, (alive = new Set()));
    for (const [values, chunks] of placed) {
      this.byValues.set(values, { workspaceId, chunks });
      this.ahead.delete(values);
      for (const c of chunks) alive.add(c);
    }
  }

  /** Chunks about to be deleted (no document names them): never named again from now on. */
  forget(workspaceId: string, chunks: readonly string[]): void {
    const alive = this.alive.get(workspaceId);
    if (alive === undefined) return;
    for (const c of chunks) alive.delete(c);
    if (alive.size === 0) this.alive.delete(workspaceId);
  }

  /** The whole workspace is being deleted: nothing of it is named again. */
  forgetWorkspace(workspaceId: string): void {
    this.alive.delete(workspaceId);
  }

  /** A {@link ReuseChunks} for an object of `workspaceId`. */
  reuseFor(workspaceId: string): ReuseChunks {
    return (values) => {
      const hit = this.byValues.get(values);
      const alive = this.alive.get(workspaceId);
      if (
        hit !== undefined &&
        hit.workspaceId === workspaceId &&
        alive !== undefined &&
        hit.chunks.every((c) => alive.has(c))
      )
        return hit.chunks;
      const ahead = this.ahead.get(values);
      return ahead !== undefined && ahead.workspaceId === workspaceId && Date.now() < ahead.until
        ? ahead.chunks
        : undefined;
    };
  }
}

/**
 * Of `candidates` (chunks a document of `workspaceId` stopped naming), those no object
 * document of the workspace names any more (another one may share them: {@link ChunkMemory}).
 * Reads the workspace's documents (not their chunks) only when there are candidates. Saves
 * of one workspace run one at a time (its user's queue), so no document written meanwhile
 * can name a candidate.
 */
export async function unnamedChunks(
  store: Store,
  workspaceId: string,
  candidates: readonly string[],
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const docs = await store.workspaces.objectsOf(workspaceId);
  const named = new Set(docs.flatMap((doc) => blobIds(doc.object)));
  return candidates.filter((id) => !named.has(id));
}

/** The ids of the chunks an object document names. */
export function blobIds(doc: unknown): string[] {
  const ids: string[] = [];
  mapValuesKeys(doc, (values) => {
    if (isBlobRef(values)) ids.push(...values.blob.chunks);
    return values;
  });
  return ids;
}

/**
 * `doc` (an object document) with the chunk ids of its blob references renamed by
 * `rename`: for a copy of the object in another workspace (sharing.repo.ts). Look-alikes a
 * client stored (`{"literal": ...}`) are data and stay as they are.
 */
export function renameBlobRefs<T>(doc: T, rename: (id: string) => string): T {
  return mapValuesKeys(doc, (values) =>
    isBlobRef(values)
      ? ({ blob: { ...values.blob, chunks: values.blob.chunks.map(rename) } } satisfies BlobRef)
      : values,
  );
}

/** A BSON Binary as the store reads bytes back (either backend, any bson copy). */
function isBsonBinary(value: unknown): value is { value(): Uint8Array } {
  const binary = value as { _bsontype?: unknown; value?: unknown } | null;
  return binary?._bsontype === 'Binary' && typeof binary.value === 'function';
}

/** Read-back bytes (a BSON Binary, or a Buffer) as a Buffer over the same memory. */
function bytesOf(data: unknown): Buffer {
  const bytes = isBsonBinary(data) ? data.value() : data;
  if (!(bytes instanceof Uint8Array)) throw new Error('a binary workspace chunk holds no bytes');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A chunk's data as read back, ready to be written again (bytes as a Buffer). */
export function bytesOrJson(data: unknown): unknown {
  return isBsonBinary(data) ? bytesOf(data) : data;
}

/**
 * The objects of `docs` (the `object`s of documents of `workspaceId`) as they were saved:
 * moved-out values read back (binary as one Buffer, JSON as one array), binary values kept
 * in the document as Buffers too, literals unwrapped.
 * Throws when a named chunk is missing.
 */
export async function joinBlobs<T>(
  store: Store,
  workspaceId: string,
  docs: readonly T[],
): Promise<T[]> {
  const ids = docs.flatMap(blobIds);
  const chunks =
    ids.length === 0
      ? new Map<string, unknown>()
      : await store.workspaces.chunkData(workspaceId, ids);
  const data = (id: string): unknown => {
    if (!chunks.has(id)) throw new Error(`workspace chunk ${id} is missing from the store`);
    return chunks.get(id);
  };
  return docs.map((doc) =>
    mapValuesKeys(doc, (values) => {
      if (isPlainObject(values) && 'literal' in values && !('blob' in values))
        return values.literal;
      // Small binary values stay in the document; the store reads them back as Binary.
      if (isBsonBinary(values)) return bytesOf(values);
      if (!isBlobRef(values)) return values;
      const { chunks: refs, binary, strings } = values.blob;
      if (strings !== undefined) return codedText(refs, strings, data);
      return binary
        ? Buffer.concat(refs.map((id) => bytesOf(data(id))))
        : refs.flatMap((id) => data(id) as unknown[]);
    }),
  );
}

/** Coded text read back: the codes' bytes chunks, then `strings` chunks of its strings. */
function codedText(
  refs: readonly string[],
  strings: unknown,
  data: (id: string) => unknown,
): (string | null)[] {
  if (
    typeof strings !== 'number' ||
    !Number.isInteger(strings) ||
    strings < 1 ||
    strings > refs.length
  )
    throw new Error('a coded text reference names its strings wrongly');
  const at = refs.length - strings;
  const codes = Buffer.concat(refs.slice(0, at).map((id) => bytesOf(data(id))));
  const texts = refs.slice(at).flatMap((id) => data(id) as unknown[]);
  try {
    return wireTextValues({ strings: texts, codes });
  } catch (e) {
    // Damaged chunks: the load fails saying which column's, rather than with a bare range.
    const what = e instanceof Error ? e.message : String(e);
    throw new Error(`the coded text in workspace chunks ${refs[0]}... is damaged: ${what}`, {
      cause: e,
    });
  }
}

/** Deletes the chunks `ids` (after no document names them any more). */
export async function deleteBlobs(store: Store, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await store.workspaces.removeChunks(ids);
}

/**
 * Deletes the chunks no object document names (left by a crash between a chunk's write and
 * its document's, or between a document's change and the deletion of its old chunks) and
 * written at least `minAgeMs` before `now`; how many. A younger chunk may belong to a save
 * in flight on another node ({@link CHUNK_SWEEP_MIN_AGE_MS}).
 */
export async function sweepOrphanChunks(
  store: Store,
  now = new Date(),
  minAgeMs = CHUNK_SWEEP_MIN_AGE_MS,
): Promise<number> {
  const orphans = await findOrphanChunks(store, now, minAgeMs);
  await deleteBlobs(store, orphans);
  return orphans.length;
}

/**
 * The ids of the chunks no object names now and written at least `minAgeMs` before `now`
 * (a save in progress writes its chunks first and names them last).
 */
export async function findOrphanChunks(
  store: Store,
  now = new Date(),
  minAgeMs = CHUNK_SWEEP_MIN_AGE_MS,
): Promise<string[]> {
  // Chunks first: a chunk written after this read is not a candidate, and one named by an
  // object saved between the two reads is seen as named.
  const bound = now.getTime() - minAgeMs;
  const chunks = (await store.workspaces.chunkList()).filter((c) => c.createdAt.getTime() <= bound);
  if (chunks.length === 0) return [];
  const named = new Set<string>();
  for (const object of await store.workspaces.everyObject()) {
    for (const id of blobIds(object)) named.add(id);
  }
  return chunks.map((c) => c._id).filter((id) => !named.has(id));
}
