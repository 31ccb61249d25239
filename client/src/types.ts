// The PanthR objects of API.md section 3 as the client holds them: the types inferred from
// the server's zod schemas (converters/), imported type-only through converters/client.ts
// so that no zod reaches the bundle. The client sends PanthrObjects (what the server's
// validateObject accepts) and holds what the server sends back, with binary values turned
// into JSON on arrival (binary.ts).
import { OBJECT_TYPES } from '../../converters/client.ts';
import type {
  JsonDataset,
  JsonForm,
  JsonVector,
  PanthrCommand,
  PanthrError,
  PanthrObject,
  ReplyObject,
  StoredPanthrObject,
  VectorValue,
} from '../../converters/client.ts';

export type { PanthrObject, VariableType } from '../../converters/client.ts';

/** One value as it arrives in JSON: R's non-finite numbers come as strings, missing as null. */
export type Cell = VectorValue;

/** A workspace object as the client holds it: as the server stores it, values as JSON. */
export type PObject = JsonForm<StoredPanthrObject>;

/** The workspace objects of one `type` (`ObjectOf<'filter'>`: the filters). */
export type ObjectOf<T extends PObject['type']> = Extract<PObject, { type: T }>;

/** Outputs: the objects the outputs list shows (reports, tests, graphs, full R, notes). */
export type Output = ObjectOf<'report' | 'test' | 'graph' | 'r' | 'note'>;

/** Analyses: the requests a menu entry makes (a kind, a dataset, variables, a filter). */
export type AnalysisRequest = ObjectOf<'report' | 'test' | 'graph'>;

/** An analysis as the client sends it (built by analyses.ts). */
export type AnalysisSpec = Extract<PanthrObject, { type: 'report' | 'test' | 'graph' }>;

/** True when `o` (a workspace object or a request) is a report, a test or a graph. */
export function isAnalysisRequest<T extends PanthrObject>(
  o: T,
): o is Extract<T, { type: 'report' | 'test' | 'graph' }> {
  return o.type === 'report' || o.type === 'test' || o.type === 'graph';
}

/** An analysis's kind: its `reportType`, `test` or `graphType`. */
export function kindOf(o: AnalysisSpec): string {
  return o.type === 'report' ? o.reportType : o.type === 'test' ? o.test : o.graphType;
}

/** A command request of one kind (`CommandOf<'edit'>`), as the client sends it. */
export type CommandOf<C extends PanthrCommand['command']> = Extract<PanthrCommand, { command: C }>;

/** A `vector` object (a variable), values as JSON. */
export type Vector = JsonVector;

/** A missing-value code of a vector (`missing`): a number or a string. */
export type MissingCode = NonNullable<Vector['missing']>[number];

/** A `dataset` object, its variables' values as JSON. */
export type Dataset = JsonDataset;

/**
 * The error object the server puts in place of a result (API.md section 2, Errors), or one
 * the client makes itself (never on the wire): `disconnected` in place of a reply the
 * connection lost (app.ts), `checksum_mismatch` for an upload in row slices whose values the
 * server does not confirm (upload.ts).
 */
export type ErrorObject = PanthrError | LostReply;

/** An error the client makes itself (see {@link ErrorObject}). */
export type LostReply = Omit<PanthrError, 'code' | 'name'> & {
  code: 'disconnected' | 'checksum_mismatch';
  name: string;
};

/** An error object about a named object (the model keeps these, by name). */
export type NamedError = ErrorObject & { name: string };

/**
 * An object of a reply: a workspace object (a result among them) or an error. From the
 * server: {@link ReplyObject} in JSON form; a {@link LostReply} is the client's own.
 */
export type Reply = JsonForm<ReplyObject> | LostReply;

/** A table in a result: `{columns, rows}`. */
export interface ResultTable {
  columns: string[];
  rows: Cell[][];
}

/** A graph result: SVG as text, PNG and PDF as base64. */
export interface GraphResult {
  format: 'svg' | 'png' | 'pdf';
  mime: string;
  data: string;
}

/** The `type`s of {@link Reply}: every PanthR object type, and `error`. */
const REPLY_TYPES: ReadonlySet<string> = new Set<Reply['type']>([...OBJECT_TYPES, 'error']);

const isRecord = (o: unknown): o is Record<string, unknown> =>
  typeof o === 'object' && o !== null && !Array.isArray(o);

/**
 * True when `o` is an object of a server reply: a `type` the API defines and a string
 * `name` (null for an error). A shallow check on purpose: the server sends only objects
 * its schemas accepted (or made), and checking every value again would cost the browser
 * what the server already did; it keeps out what is not an object at all, and a type
 * from a newer server this client would misread.
 */
export function isPObject(o: unknown): o is Reply {
  if (!isRecord(o) || typeof o['type'] !== 'string' || !REPLY_TYPES.has(o['type'])) return false;
  return typeof o['name'] === 'string' || (o['type'] === 'error' && o['name'] === null);
}

/** True when `o` is an error object (narrows a reply). */
export function isErrorObject(o: Reply): o is ErrorObject {
  return o.type === 'error';
}

/** True when `o` is a vector whose values are an array (a result's `variable`). */
export function isVector(o: unknown): o is Vector {
  return (
    isRecord(o) &&
    o['type'] === 'vector' &&
    typeof o['name'] === 'string' &&
    typeof o['variableType'] === 'string' &&
    Array.isArray(o['values'])
  );
}

/** True when `o` is a dataset whose variables are vectors with a values array. */
export function isDataset(o: unknown): o is Dataset {
  if (!isRecord(o) || o['type'] !== 'dataset' || typeof o['name'] !== 'string') return false;
  const vars = o['variables'];
  return Array.isArray(vars) && vars.every(isVector);
}

/** True when `o` is a table `{columns: string[], rows: array[]}`. */
export function isTable(o: unknown): o is ResultTable {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  return Array.isArray(r['columns']) && Array.isArray(r['rows']);
}

/** True when `o` is a graph result. */
export function isGraphResult(o: unknown): o is GraphResult {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  return typeof r['data'] === 'string' && typeof r['mime'] === 'string';
}

/** The message of the first error object of a reply (`fallback` if it has none), or null. */
export function replyError(reply: readonly Reply[], fallback: string): string | null {
  const err = reply.find(isErrorObject);
  return err === undefined ? null : str(err.message, fallback);
}

/** `v` when it is a string, else `fallback` (for reading loosely typed wire fields). */
export function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}
