/**
 * Checking one client object: an unknown kind (`unknown_type`) is told apart from a
 * malformed object (`invalid_object`), and every message names the key at fault.
 */
import type { z } from 'zod';
import { NAME_RE } from './schema/common.schema.ts';
import {
  builtinGraphSchema,
  COMMAND_SCHEMAS,
  extensionGraphSchema,
  extensionReportSchema,
  extensionTestSchema,
  filterSchema,
  GRAPH_TYPES,
  REPORT_SCHEMAS,
  rSchema,
  TEST_SCHEMAS,
} from './schema/requests.schema.ts';
import { datasetSchema, vectorSchema } from './schema/vector.schema.ts';
import { noteSchema } from './schema/note.schema.ts';
import type { PanthrObject } from './panthr.schema.ts';

/** Report, test and graph kinds registered by R extensions (built-in kinds take precedence). */
export interface ExtensionKinds {
  readonly reports?: ReadonlySet<string>;
  readonly tests?: ReadonlySet<string>;
  readonly graphs?: ReadonlySet<string>;
}

/** The outcome of {@link validateObject}. */
export type ValidationResult =
  | { readonly ok: true; readonly object: PanthrObject }
  | {
      readonly ok: false;
      readonly code: 'invalid_object' | 'unknown_type';
      /** The object's `name` when it is a valid name, else null (for the error object). */
      readonly name: string | null;
      readonly message: string;
    };

type Schema = z.ZodType<PanthrObject>;
type Lookup = (kind: string, ext: ExtensionKinds) => Schema | undefined;

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const graphTypes: ReadonlySet<string> = new Set(GRAPH_TYPES);
/** Per `type`: the key that holds the kind, and how a kind finds its schema. */
const KINDS: Readonly<Record<string, { key: string; lookup: Lookup } | Schema>> = {
  vector: vectorSchema,
  dataset: datasetSchema,
  filter: filterSchema,
  r: rSchema,
  note: noteSchema,
  command: { key: 'command', lookup: (k) => own<Schema>(COMMAND_SCHEMAS, k) },
  report: {
    key: 'reportType',
    lookup: (k, ext) =>
      own<Schema>(REPORT_SCHEMAS, k) ?? (ext.reports?.has(k) ? extensionReportSchema : undefined),
  },
  test: {
    key: 'test',
    lookup: (k, ext) =>
      own<Schema>(TEST_SCHEMAS, k) ?? (ext.tests?.has(k) ? extensionTestSchema : undefined),
  },
  graph: {
    key: 'graphType',
    lookup: (k, ext) =>
      graphTypes.has(k)
        ? builtinGraphSchema
        : ext.graphs?.has(k)
          ? extensionGraphSchema
          : undefined,
  },
};

/** A value quoted for a message, cut short so that a hostile value cannot flood a log. */
function shown(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
}

/** A zod issue path as `variables[2].values[5]`. */
function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function issueText(issue: z.core.$ZodIssue): string {
  const where = pathText(issue.path);
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))
    return `missing key "${where}"`;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => pathText([...issue.path, k]));
    return `unknown key ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return where ? `"${where}": ${issue.message}` : issue.message;
}

/**
 * Checks one object of a client's `data` message against API.md §3. Never throws. The
 * accepted object has unknown keys dropped (options and graph settings are strict instead).
 * An `error` object is refused (`invalid_object`): only the server makes them.
 */
export function validateObject(raw: unknown, extensions: ExtensionKinds = {}): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      code: 'invalid_object',
      name: null,
      message: 'an object must be a JSON object',
    };
  }
  const rec = raw as Record<string, unknown>;
  const rawName = rec['name'];
  const name = typeof rawName === 'string' && NAME_RE.test(rawName) ? rawName : null;
  const fail = (code: 'invalid_object' | 'unknown_type', message: string): ValidationResult => ({
    ok: false,
    code,
    name,
    message,
  });
  const type = rec['type'];
  if (type === undefined) return fail('invalid_object', 'missing key "type"');
  if (typeof type !== 'string') return fail('invalid_object', '"type" must be a string');
  if (type === 'error') return fail('invalid_object', 'error objects are made by the server only');
  const entry = own(KINDS, type);
  if (entry === undefined) return fail('unknown_type', `unknown type ${shown(type)}`);
  let schema: Schema | undefined;
  if ('key' in entry) {
    const kind = rec[entry.key];
    if (kind === undefined) return fail('invalid_object', `missing key "${entry.key}"`);
    if (typeof kind !== 'string') return fail('invalid_object', `"${entry.key}" must be a string`);
    schema = entry.lookup(kind, extensions);
    if (schema === undefined) return fail('unknown_type', `unknown ${entry.key} ${shown(kind)}`);
  } else {
    schema = entry;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, object: parsed.data };
  const issues = parsed.error.issues;
  const text = issues.slice(0, 3).map(issueText).join('; ');
  return fail(
    'invalid_object',
    issues.length > 3 ? `${text}; and ${issues.length - 3} more` : text,
  );
}
