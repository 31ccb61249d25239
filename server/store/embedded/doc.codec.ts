/**
 * How the embedded store writes documents as text: relaxed Extended JSON (EJSON from
 * `bson`), so Dates and other BSON values survive. EJSON is several times slower than
 * JSON on large plain documents (workspace objects), so plain JSON is used whenever it
 * gives the very same text: on writing, when the document holds only JSON values; on
 * reading, when the text holds no `"$` (every EJSON wrapper is a `$`-key).
 */
import { EJSON } from 'bson';

/** True when JSON.stringify would not write `value` exactly as relaxed EJSON does. */
function needsEjson(value: unknown, depth = 0): boolean {
  if (depth > 200) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return false;
    case 'number':
      return !Number.isFinite(value);
    case 'object': {
      if (value === null) return false;
      if (Array.isArray(value)) return value.some((item) => needsEjson(item, depth + 1));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return true;
      for (const key in value) {
        if (needsEjson((value as Record<string, unknown>)[key], depth + 1)) return true;
      }
      return false;
    }
    case 'undefined': // MongoDB stores null; EJSON writes null, JSON would drop the key
    case 'bigint':
    case 'function':
    case 'symbol':
      return true;
  }
}

/** The text stored for `doc`. */
export function encodeDoc(doc: Record<string, unknown>): string {
  return needsEjson(doc) ? EJSON.stringify(doc, { relaxed: true }) : JSON.stringify(doc);
}

/** The document stored as `text`. */
export function decodeDoc(text: string): Record<string, unknown> {
  return (text.includes('"$') ? EJSON.parse(text, { relaxed: true }) : JSON.parse(text)) as Record<
    string,
    unknown
  >;
}
