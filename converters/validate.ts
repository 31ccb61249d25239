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
import { datasetSchema, NUL_TEXT, TOO_LONG, vectorSchema } from './schema/vector.schema.ts';
import { LIMITS } from './limits.ts';
import { noteSchema } from './schema/note.schema.ts';
import type { PanthrObject } from './panthr.schema.ts';
// Types only: erased, so the browser bundle never loads r/index.ts's I/O.
import type { RegisteredKinds } from '../r/index.ts';

/**
 * Kinds registered by R extensions (built-in kinds take precedence): r/'s one
 * {@link RegisteredKinds}, any of them absent.
 */
export type ExtensionKinds = Partial<RegisteredKinds>;

/** The outcome of {@link validateObject}. */
export type ValidationResult =
  | { readonly ok: true; readonly object: PanthrObject }
  | {
      readonly ok: false;
      readonly code: 'invalid_object' | 'unknown_type' | 'too_large';
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

/**
 * The bounds of LIMITS on lengths (characters, elements): passing one is a size refusal.
 * Not the depths: a name's 64 characters (API.md's pattern, a bad name: `invalid_object`)
 * must not pass for the formula's depth of 64.
 */
const SIZE_LIMITS: ReadonlySet<number> = new Set(
  Object.entries(LIMITS)
    .filter(([key]) => key !== 'formulaDepth' && key !== 'jsonDepth')
    .map(([, bound]) => bound),
);

/**
 * Whether an issue is a size refusal (`too_large`): a string or array longer than one of
 * LIMITS' bounds, or a vector value longer than a string value may be. Shorter bounds of
 * the API itself (two variables for a t-test) stay `invalid_object`.
 */
function isSizeIssue(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'custom') return issue.message === TOO_LONG;
  return (
    issue.code === 'too_big' &&
    (issue.origin === 'string' || issue.origin === 'array') &&
    SIZE_LIMITS.has(Number(issue.maximum))
  );
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
 * The path (as `variables[0].values[3]`) of the first string, or object key, holding a NUL
 * character, else null. R's strings end at NUL (QAP1 sends them NUL-terminated), so such a
 * text could never reach R as sent. Iterative: a deeply nested option cannot overflow the
 * stack. Binary values (typed arrays) hold no text and are skipped, and so are a vector's
 * `values`: the vector schema checks them in its own pass over them.
 */
export function findNul(value: unknown): string | null {
  // Frames link to their parent: a path is built only for the text that holds a NUL.
  interface Frame {
    readonly value: unknown;
    readonly key: PropertyKey | null;
    readonly parent: Frame | null;
  }
  const pathOf = (frame: Frame | null, last?: PropertyKey): string => {
    const path: PropertyKey[] = last === undefined ? [] : [last];
    for (let f = frame; f !== null && f.key !== null; f = f.parent) path.push(f.key);
    return pathText(path.reverse());
  };
  const stack: Frame[] = [{ value, key: null, parent: null }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const v = frame.value;
    if (typeof v === 'string') {
      if (v.includes('\0')) return pathOf(frame);
    } else if (Array.isArray(v)) {
      const arr: readonly unknown[] = v;
      for (let i = arr.length - 1; i >= 0; i--) {
        const x = arr[i];
        // Most elements are numbers or short strings: no frame for them.
        if (typeof x === 'string') {
          if (x.includes('\0')) return pathOf(frame, i);
        } else if (typeof x === 'object' && x !== null) {
          stack.push({ value: x, key: i, parent: frame });
        }
      }
    } else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
      const vector = (v as { type?: unknown }).type === 'vector';
      for (const [key, x] of Object.entries(v)) {
        if (key.includes('\0')) return `${pathOf(frame) || 'the object'}: one of its keys`;
        if (!(vector && key === 'values')) stack.push({ value: x, key, parent: frame });
      }
    }
  }
  return null;
}

/** The message for a NUL character at `where`. */
export function nulMessage(where: string): string {
  const at = where.includes(': ') ? where : `"${where}"`;
  return `${at}: ${NUL_TEXT}`;
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
  const fail = (
    code: 'invalid_object' | 'unknown_type' | 'too_large',
    message: string,
  ): ValidationResult => ({
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
  if (parsed.success) {
    // CSV text is left to the CSV reader, which names the line and column of the cell.
    const csv = type === 'command' && rec['command'] === 'read';
    const nul = findNul(csv ? { ...parsed.data, text: undefined } : parsed.data);
    if (nul !== null) return fail('invalid_object', nulMessage(nul));
    return { ok: true, object: parsed.data };
  }
  const issues = parsed.error.issues;
  // Refused for size: the code says so, and the message names the limit (zod's own does).
  const size = issues.find(isSizeIssue);
  if (size !== undefined) return fail('too_large', `over a size limit: ${issueText(size)}`);
  const text = issues.slice(0, 3).map(issueText).join('; ');
  return fail(
    'invalid_object',
    issues.length > 3 ? `${text}; and ${issues.length - 3} more` : text,
  );
}
