/**
 * The parts of MongoDB's query-language semantics that mingo leaves to the caller: upserts
 * seeded from a filter, `$setOnInsert`, sort and index-key specifications in every form the
 * driver accepts, and MongoDB's duplicate-key error. Shared by the embedded backend and the
 * MongoDB wire-protocol test double, so both behave like a MongoDB server.
 */
import { EJSON } from 'bson';
import { find as mingoFind, update as mingoUpdate } from 'mingo';
import { isEqual } from 'mingo/util';

/** A document as the store handles it. */
export type Doc = Record<string, unknown>;

/** MongoDB's duplicate-key error code (`MongoServerError.code` on the driver). */
export const DUPLICATE_KEY = 11000;

/** MongoDB's error code for an update that would change `_id`. */
export const IMMUTABLE_FIELD = 66;

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

/** True when `error` is a duplicate-key error of either backend (code 11000). */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === DUPLICATE_KEY
  );
}

/** An update that would modify `_id`, refused as MongoDB does (code 66). */
export class ImmutableIdError extends Error {
  readonly code = IMMUTABLE_FIELD;

  constructor() {
    super("Performing an update on the path '_id' would modify the immutable field '_id'");
    this.name = 'ImmutableIdError';
  }
}

/** A plain object (not a Date, array, RegExp or BSON value). */
export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** True when every key of `update` is an operator (`$set`, `$inc`, ...). */
export function isOperatorUpdate(update: Doc): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

const NO_VALUE = Symbol('no equality value');

/** The value an equality condition pins a field to, or NO_VALUE for any other condition. */
function equalityValue(condition: unknown): unknown {
  if (condition instanceof RegExp) return NO_VALUE;
  if (!isPlainObject(condition)) return condition;
  const keys = Object.keys(condition);
  if (keys.length === 0 || !keys.some((k) => k.startsWith('$'))) return condition;
  return keys.length === 1 && keys[0] === '$eq' ? condition.$eq : NO_VALUE;
}

/** Sets a dotted path in `doc`, creating the objects on the way. */
function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let at: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (isPlainObject(next)) at = next;
    else at = at[part] = {};
  }
  at[parts[parts.length - 1] ?? path] = value;
}

function collectEqualities(filter: Doc, seed: Doc): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) collectEqualities(part, seed);
    } else if (!key.startsWith('$')) {
      const value = equalityValue(condition);
      if (value !== NO_VALUE) setPath(seed, key, structuredClone(value));
    }
  }
}

/** The document an upsert starts from: the filter's equality fields (MongoDB's rule). */
export function seedFromFilter(filter: Doc): Doc {
  const seed: Doc = {};
  collectEqualities(filter, seed);
  return seed;
}

/**
 * Applies an operator update (`$set`, `$inc`, `$unset`, `$push`, ...; `$setOnInsert` only
 * when `inserting`) to `doc` in place. Returns whether anything changed. Throws a TypeError
 * for replacement documents, and {@link ImmutableIdError} when `_id` would change.
 */
export function applyUpdate(doc: Doc, update: Doc, inserting: boolean): boolean {
  if (Array.isArray(update) || !isOperatorUpdate(update)) {
    throw new TypeError('Update document requires atomic operators');
  }
  const { $setOnInsert, ...operators } = update;
  const id = doc._id;
  let changed = false;
  if (Object.keys(operators).length > 0) {
    changed =
      setFields(doc, operators) ??
      mingoUpdate(doc, operators as Parameters<typeof mingoUpdate>[1]).length > 0;
  }
  if (inserting && isPlainObject($setOnInsert)) {
    const set = { $set: $setOnInsert };
    changed = (setFields(doc, set) ?? mingoUpdate(doc, set).length > 0) || changed;
  }
  if (id !== undefined && !sameId(id, doc._id)) throw new ImmutableIdError();
  return changed;
}

/** A top-level field name: no path, no operator, no positional. */
const TOP_LEVEL_FIELD = /^[^.$][^.]*$/;

/**
 * An update that is only a `$set` of top-level fields, done as mingo's `$set` does it (a
 * field changes unless mingo's isEqual holds, and then holds a shallow copy of the value)
 * but without mingo's set-up on every call, which costs ~100 µs: most of a small save.
 * Returns whether anything changed, or null when mingo must do the update.
 */
function setFields(doc: Doc, operators: Doc): boolean | null {
  const fields = operators.$set;
  const keys = Object.keys(operators);
  if (keys.length !== 1 || !isPlainObject(fields)) return null;
  const names = Object.keys(fields);
  if (!names.every((k) => TOP_LEVEL_FIELD.test(k))) return null;
  let changed = false;
  for (const k of names) {
    const value = fields[k];
    if (isEqual(doc[k], value)) continue;
    doc[k] = shallowCopy(value);
    changed = true;
  }
  return changed;
}

/** mingo's "copy" clone mode: the outer container copied, its contents shared. */
function shallowCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice();
  if (value instanceof Date) return new Date(value);
  if (value instanceof RegExp) return new RegExp(value);
  if (isPlainObject(value)) return Object.assign({}, value);
  return value;
}

function sameId(a: unknown, b: unknown): boolean {
  return a === b || EJSON.stringify({ a }) === EJSON.stringify({ a: b });
}

/** A sort or index direction. */
export type Direction = 1 | -1;

function direction(value: unknown): Direction | null {
  if (value === 1 || value === 'asc' || value === 'ascending') return 1;
  if (value === -1 || value === 'desc' || value === 'descending') return -1;
  return null;
}

function isPair(value: unknown): value is [string, unknown] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    direction(value[1]) !== null
  );
}

/**
 * Normalises any form the driver accepts for a sort or index key (`'f'`, `['f', -1]`,
 * `[['f', 1], ...]`, `{f: 1}`, a Map, or an array of those) to ordered `[field, ±1]` pairs.
 * Throws a TypeError for other directions (text, 2d, hashed, `$meta`).
 */
export function normalizeKeys(spec: unknown): [string, Direction][] {
  const out: [string, Direction][] = [];
  const add = (field: string, dir: unknown): void => {
    const d = direction(dir);
    if (d === null) throw new TypeError(`unsupported direction for ${field}: ${String(dir)}`);
    out.push([field, d]);
  };
  const visit = (item: unknown): void => {
    if (typeof item === 'string') add(item, 1);
    else if (isPair(item)) add(item[0], item[1]);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (item instanceof Map) for (const [k, v] of item) add(String(k), v);
    else if (isPlainObject(item)) for (const [k, v] of Object.entries(item)) add(k, v);
    else throw new TypeError(`unsupported key specification: ${String(item)}`);
  };
  if (spec !== undefined && spec !== null) visit(spec);
  return out;
}

/** The options of a find that mingo applies (the driver's `FindOptions` fields). */
export interface FindShape {
  readonly projection?: Doc | undefined;
  /** Any form {@link normalizeKeys} takes. */
  readonly sort?: unknown;
  readonly skip?: number | undefined;
  /** A negative limit counts as its absolute value, as MongoDB's single-batch limit. */
  readonly limit?: number | undefined;
}

/**
 * The documents of `docs` matching `filter`, projected, sorted, skipped and limited with
 * mingo's MongoDB semantics: what a find answers over documents already in memory.
 */
export function findIn(docs: Doc[], filter: Doc, options: FindShape = {}): Doc[] {
  let cursor = mingoFind(docs, filter, options.projection);
  const sort = normalizeKeys(options.sort);
  if (sort.length > 0) cursor = cursor.sort(Object.fromEntries(sort));
  if (options.skip) cursor = cursor.skip(options.skip);
  if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
  return cursor.all();
}

/** MongoDB's default index name: `email_1`, `workspaceId_1_order_1`. */
export function defaultIndexName(keys: [string, Direction][]): string {
  return keys.map(([field, dir]) => `${field}_${dir}`).join('_');
}
