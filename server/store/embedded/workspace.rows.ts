/**
 * The plain SQLite tables of the workspaces domain (embedded/workspace.sqlite.ts): their
 * schema, their rows as the repository's documents, and the encodings of the columns that
 * hold JSON. Dates are INTEGER milliseconds; an object (opaque to queries) is JSON text,
 * EJSON where it holds bytes, Dates or non-finite numbers (doc.codec.ts).
 */
import { DuplicateKeyError } from '../store.errors.ts';
import type { WorkspaceDoc, WorkspaceObjectDoc } from '../store.types.ts';
import { decodeDoc, encodeDoc } from './doc.codec.ts';

/** The tables and indexes of the workspaces domain (created when missing). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS workspace (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_hash INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS workspace_user_name ON workspace (user_id, name_key);
CREATE INDEX IF NOT EXISTS workspace_user_created ON workspace (user_id, created_at, id);
CREATE TABLE IF NOT EXISTS workspace_count (user_id TEXT PRIMARY KEY, count INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS workspace_object (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL, hash INTEGER NOT NULL,
  position INTEGER NOT NULL, object TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS workspace_object_position ON workspace_object (workspace_id, position);
CREATE TABLE IF NOT EXISTS workspace_chunk (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  bytes BLOB, json TEXT, file TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS workspace_chunk_workspace ON workspace_chunk (workspace_id);
`;

/** A row of `workspace`. */
export interface WorkspaceRow {
  id: string;
  user_id: string;
  name: string;
  name_key: string;
  created_at: number;
  updated_at: number;
  next_hash: number;
}

/** A row of `workspace_object`. */
export interface ObjectRow {
  id: string;
  workspace_id: string;
  name: string;
  hash: number;
  position: number;
  object: string;
}

/** The data columns of a row of `workspace_chunk`. */
export interface ChunkRow {
  id: string;
  bytes: Buffer | null;
  json: string | null;
  file: string | null;
}

/** A `workspace` row as the document the repository returns. */
export function toWorkspace(row: WorkspaceRow): WorkspaceDoc {
  return {
    _id: row.id,
    userId: row.user_id,
    name: row.name,
    nameKey: row.name_key,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    nextHash: row.next_hash,
  };
}

/** A `workspace_object` row as the document the repository returns. */
export function toObject(row: ObjectRow): WorkspaceObjectDoc {
  return {
    _id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    hash: row.hash,
    order: row.position,
    object: decodeDoc(row.object),
  };
}

/** An object as its column holds it. */
export function objectText(object: Record<string, unknown>): string {
  return encodeDoc(object).text;
}

/** A JSON chunk's array as its column holds it (EJSON keeps NaN and the like). */
export function jsonChunkText(data: unknown): string {
  return encodeDoc({ d: data }).text;
}

/** Ids as one statement parameter (`IN (SELECT value FROM json_each(?))`). */
export function idList(ids: readonly string[]): string {
  return JSON.stringify(ids);
}

/** A unique violation as the store's {@link DuplicateKeyError}; anything else as it is. */
export function duplicateKey(error: unknown, table: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return new DuplicateKeyError(
      table,
      /name_key/.test((error as Error).message) ? 'name' : '_id_',
      {
        cause: error,
      },
    );
  return error;
}
