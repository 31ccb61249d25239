// The logic of the variable setup panel (API 1.1 `settype`, `levels`, `missing`): the
// levels in their order, moving one, the renames a set of edited labels makes, and the
// missing-value codes typed as a list. DOM-free, so that test/unit can check it.
import type { Cell, MissingCode, VariableType, Vector } from './types.ts';

/** The types a variable can be set to, with the words the panel shows. */
export const TYPE_CHOICES: readonly { type: VariableType; label: string }[] = [
  { type: 'scalar', label: 'Continuous (numbers)' },
  { type: 'nominal', label: 'Nominal (groups)' },
  { type: 'ordinal', label: 'Ordinal (ordered groups)' },
  { type: 'logical', label: 'Logical (TRUE/FALSE)' },
  { type: 'datetime', label: 'Date-time' },
];

/**
 * A type as the browser names it: `scalar` is "continuous", as the setup panel offers it
 * (the wire keeps API.md's names); the others by their own names.
 */
export function typeWord(t: VariableType): string {
  return t === 'scalar' ? 'continuous' : t;
}

/** True for the types that have levels. */
export function hasLevels(t: VariableType): boolean {
  return t === 'nominal' || t === 'ordinal';
}

/** A number written with a decimal comma ("1,5", "-0,25", ",5", "3,0e2"). */
const COMMA_NUMBER = /^\s*[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?\s*$/;
/** A number without a decimal mark ("12", "-3"), which reads alike with either mark. */
const WHOLE_NUMBER = /^\s*[+-]?\d+([eE][+-]?\d+)?\s*$/;

/**
 * The decimal mark to turn `v`'s texts into numbers with: "," when each level (missing codes
 * aside) is a number written with a decimal comma or a whole number and one has a comma
 * (texts from a CSV read with the wrong mark); else ".", R's.
 */
export function decimalMarkOf(v: Vector): '.' | ',' {
  if (!hasLevels(v.variableType) || v.labels !== undefined) return '.';
  // An empty level becomes a missing value, whichever the mark.
  const levels = levelList(v).filter((l) => l.trim() !== '');
  const comma = levels.some((l) => COMMA_NUMBER.test(l));
  return comma && levels.every((l) => COMMA_NUMBER.test(l) || WHOLE_NUMBER.test(l)) ? ',' : '.';
}

/**
 * The levels of a nominal or ordinal variable in their order, as the server counts them
 * (converters/vector-edit.ts `currentLevels`, which the bundle cannot import: it needs
 * zod): labels as an array; code labels by code; else the distinct values, numbers
 * ascending, texts as they first occur.
 */
export function levelList(v: Vector): string[] {
  if (Array.isArray(v.labels)) return [...v.labels];
  const map = v.labels;
  if (map !== undefined)
    return Object.keys(map)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => map[k] ?? k);
  const missing = new Set<Cell>(v.missing ?? []);
  const seen = new Set<Cell>();
  for (const x of v.values) if (x !== null && !missing.has(x)) seen.add(x);
  const list = [...seen];
  if (typeof list[0] === 'number') (list as number[]).sort((a, b) => a - b);
  return list.map(String);
}

/** `levels` with the one at `from` moved to `to` (both 0-based, clamped). */
export function moveLevel(levels: readonly string[], from: number, to: number): string[] {
  const out = [...levels];
  const [item] = out.splice(from, 1);
  if (item === undefined) return out;
  out.splice(Math.min(Math.max(to, 0), out.length), 0, item);
  return out;
}

/**
 * The `rename` map of edited labels (`names[i]` is the new text of `levels[i]`), or a
 * message when a new name is empty or the same as another level.
 */
export function renames(
  levels: readonly string[],
  names: readonly string[],
): { ok: true; rename: Record<string, string> } | { ok: false; message: string } {
  const rename: Record<string, string> = {};
  const after = levels.map((l, i) => (names[i] ?? l).trim());
  for (const [i, l] of levels.entries()) {
    const n = after[i] ?? l;
    if (n === '') return { ok: false, message: `The new name of "${l}" is empty: type a name.` };
    if (n !== l) rename[l] = n;
  }
  const dup = after.find((n, i) => after.indexOf(n) !== i);
  if (dup !== undefined)
    return { ok: false, message: `Two levels would be called "${dup}": give each its own name.` };
  return { ok: true, rename };
}

/**
 * Missing-value codes typed as a list (`-99, 999` or `n/a; refused`): numbers for a
 * continuous, coded or numeric-valued variable (anything else is refused with what to type), texts for
 * others. An empty field removes every code.
 */
export function parseMissing(
  v: Pick<Vector, 'variableType' | 'labels' | 'values'>,
  text: string,
): { ok: true; codes: MissingCode[] } | { ok: false; message: string } {
  const parts = text
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const numeric =
    v.variableType === 'scalar' ||
    (v.labels !== undefined && !Array.isArray(v.labels)) ||
    (v.labels === undefined && typeof v.values.find((x) => x !== null) === 'number');
  if (!numeric) return { ok: true, codes: [...new Set(parts)] };
  const codes: MissingCode[] = [];
  for (const p of parts) {
    const x = Number(p);
    if (!Number.isFinite(x) || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(p))
      return {
        ok: false,
        message: `"${p}" is not a number: this variable's missing codes are numbers, such as -99, 999.`,
      };
    if (!codes.includes(x)) codes.push(x);
  }
  return { ok: true, codes };
}

/** Missing-value codes as the field shows them. */
export function missingText(v: Pick<Vector, 'missing'>): string {
  return (v.missing ?? []).map((c) => String(c)).join(', ');
}
