// The PanthR objects of API.md section 3, as the client sees them. Kept loose on purpose:
// the server validates; the client only needs to read what it shows.

/** A variable's kind, as in API.md section 3 (`vector.variableType`). */
export type VariableType = 'scalar' | 'nominal' | 'ordinal' | 'logical' | 'datetime';

/** One value as it arrives in JSON: R's non-finite numbers come as strings, missing as null. */
export type Cell = number | string | boolean | null;

/** Any PanthR object: a `type`, a `name`, and whatever the type adds. */
export interface PObject {
  type: string;
  name: string;
  hash?: number;
  label?: string;
  description?: string;
  result?: unknown;
  [key: string]: unknown;
}

/** A `vector` object (a variable). */
export interface Vector extends PObject {
  type: 'vector';
  variableType: VariableType;
  values: Cell[];
  labels?: string[] | Record<string, string>;
  missing?: Cell[];
  decimals?: number;
}

/** A `dataset` object. */
export interface Dataset extends PObject {
  type: 'dataset';
  variables: Vector[];
}

/** The error object the server puts in place of a result (API.md section 2, Errors). */
export interface ErrorObject extends PObject {
  type: 'error';
  code: string;
  message: string;
}

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

/** True when `o` is an object with a string `type` and `name`. */
export function isPObject(o: unknown): o is PObject {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  return typeof r['type'] === 'string' && (typeof r['name'] === 'string' || r['name'] === null);
}

/** True when `o` is a dataset whose variables are vectors with a values array. */
export function isDataset(o: unknown): o is Dataset {
  if (!isPObject(o) || o.type !== 'dataset' || !Array.isArray(o['variables'])) return false;
  return (o['variables'] as unknown[]).every((v) => isPObject(v) && Array.isArray(v['values']));
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
export function replyError(reply: readonly PObject[], fallback: string): string | null {
  const err = reply.find((r) => r.type === 'error');
  return err === undefined ? null : str(err['message'], fallback);
}

/** `v` when it is a string, else `fallback` (for reading loosely typed wire fields). */
export function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}
