/**
 * Reading and validating `panthr_config.json`: a bad file is reported with one line per
 * bad key and never half-applied.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { clusterRules, configSchema, type Config } from './config.schema.ts';

/** A configuration that cannot be used; `problems` has one line per bad key. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function valueAt(input: unknown, keys: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of keys) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** One readable line per issue: `timeout: expected a number, got "soon"`. */
function formatIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const where = issue.path.map(String).join('.');
  const prefix = where === '' ? '' : `${where}.`;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${prefix}${k}: unknown key`);
  }
  // A bad key of a record (an extension's name): the key is what is wrong, not its value.
  if (issue.code === 'invalid_key') {
    const key = String(issue.path.at(-1));
    const parent = issue.path.slice(0, -1).map(String).join('.');
    const why = issue.issues[0]?.message ?? issue.message;
    return [`${parent || '(top level)'}: bad name ${describe(key)}: ${why}`];
  }
  const value = valueAt(input, issue.path);
  // JSON.parse reads 1e400 as Infinity (which JSON.stringify would write as null).
  if (typeof value === 'number' && !Number.isFinite(value))
    return [`${where || '(top level)'}: the number is too large`];
  const got = describe(value);
  let what: string;
  if (issue.code === 'invalid_type') {
    const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a';
    what = `expected ${article} ${issue.expected}`;
  } else {
    what = issue.message.replace(/^Invalid input: /, '');
  }
  return [`${where || '(top level)'}: ${what}, got ${got}`];
}

/**
 * A wrong type makes zod report the checks of the right type too (`location: []` is not a
 * string, and also too short): one line per key, the type's when there is one.
 */
function firstPerKey(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const typed = new Set(
    issues.filter((i) => i.code === 'invalid_type').map((i) => i.path.map(String).join('.')),
  );
  return issues.filter(
    (i) => i.code === 'invalid_type' || !typed.has(i.path.map(String).join('.')),
  );
}

/** Validates a parsed configuration object; throws ConfigError naming every bad key. */
export function parseConfig(input: unknown, file = '(inline)'): Config {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError(file, [`expected one JSON object, got ${describe(input)}`]);
  }
  const result = configSchema.superRefine(clusterRules).safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      file,
      firstPerKey(result.error.issues).flatMap((i) => formatIssue(i, input)),
    );
  }
  return deepFreeze(result.data);
}

/**
 * Reads and validates the configuration file. Relative paths inside it (data_dir,
 * user_validation, extensions, session_secret_file) are resolved against the file's folder.
 */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied'
          : String(code ?? err);
    throw new ConfigError(file, [`cannot read the file: ${why}`]);
  }
  let input: unknown;
  try {
    input = JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  const base = path.dirname(path.resolve(file));
  let config: Config;
  try {
    config = resolvePaths(parseConfig(input, file), base);
  } catch (err) {
    // Every bad key at once: the files the keys name are checked too where their values are
    // well-formed, so that fixing the other keys does not reveal a missing file next.
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(file, [...err.problems, ...filesProblems(namedFiles(input), base)]);
  }
  const problems = filesProblems(
    [
      ['user_validation', config.user_validation, 'run'],
      ...Object.entries(config.extensions).map(([name, rFile]): NamedFile => [
        `extensions.${name}`,
        rFile,
        'read',
      ]),
    ],
    base,
  );
  if (problems.length > 0) throw new ConfigError(file, problems);
  return config;
}

/** A file a configuration key names: the key, the file (null: none), how it is used. */
type NamedFile = [key: string, file: string | null, use: 'read' | 'run'];

/** The files a configuration that did not validate names with well-formed values. */
function namedFiles(input: unknown): NamedFile[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const o = input as Record<string, unknown>;
  const out: NamedFile[] = [];
  if (typeof o['user_validation'] === 'string' && o['user_validation'] !== '')
    out.push(['user_validation', o['user_validation'], 'run']);
  const ext = o['extensions'];
  if (typeof ext === 'object' && ext !== null && !Array.isArray(ext))
    for (const [name, f] of Object.entries(ext))
      if (typeof f === 'string' && f !== '') out.push([`extensions.${name}`, f, 'read']);
  return out;
}

/** One line per file that cannot be used ({@link fileProblem}), paths from `base`. */
function filesProblems(files: readonly NamedFile[], base: string): string[] {
  const problems: string[] = [];
  for (const [key, f, use] of files) {
    const why = f === null ? null : fileProblem(path.resolve(base, f), use);
    if (why !== null) problems.push(`${key}: ${f} ${why}`);
  }
  return problems;
}

/**
 * Why a file the configuration names cannot be used, or null when it can: read (an
 * extension's R file) or run (the user_validation script, which would otherwise refuse
 * every registration with only the server's log saying why). Checked with the other keys,
 * so that the message names the key.
 */
function fileProblem(file: string, use: 'read' | 'run'): string | null {
  try {
    if (!statSync(file).isFile()) return 'is not a file';
    accessSync(file, use === 'run' ? constants.X_OK : constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return "does not exist (a relative path is taken from the configuration file's folder)";
    if (code === 'EACCES')
      return use === 'run' ? 'is not executable (chmod +x)' : 'cannot be read (permission denied)';
    return `cannot be ${use === 'run' ? 'run' : 'read'} (${String(code ?? err)})`;
  }
}

function resolvePaths(config: Config, base: string): Config {
  const abs = (p: string): string => path.resolve(base, p);
  return deepFreeze({
    ...config,
    data_dir: abs(config.data_dir),
    user_validation: config.user_validation === null ? null : abs(config.user_validation),
    session_secret_file:
      config.session_secret_file === null ? null : abs(config.session_secret_file),
    extensions: Object.fromEntries(Object.entries(config.extensions).map(([k, v]) => [k, abs(v)])),
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
