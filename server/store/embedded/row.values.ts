/**
 * Column values of the embedded repositories' plain tables: dates as INTEGER milliseconds,
 * and the conversions of values found in old collection documents (legacy.ts) into them.
 */

/** Milliseconds of a Date (or of a number or date string an old document held); NaN if none. */
export function msOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Date.parse(value);
  return NaN;
}

/** {@link msOf}, or null for a missing or unreadable date. */
export function msOrNull(value: unknown): number | null {
  const ms = msOf(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A string of an old document, or null when it held none. */
export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The Date of a millisecond column that may be NULL. */
export function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
