// Graph settings of a preference set, as the server's schema defines them
// (converters/schema/graph-settings.schema.ts, strict): colors, point {size, symbol},
// line {width, style}, text {size, family}, bar {fill, border, width}, background-color.
// Sizes are relative to R's defaults (1 = R's default); a symbol is R's `pch`. DOM-free.

import {
  FONT_FAMILIES,
  isColor,
  LINE_STYLES,
  normalizeColor,
  type GraphSettings as SchemaSettings,
} from '../../converters/client.ts';

export { FONT_FAMILIES, LINE_STYLES };
/** A line style. */
export type LineStyle = (typeof LINE_STYLES)[number];
/** A font family. */
export type FontFamily = (typeof FONT_FAMILIES)[number];

/** The point symbols offered, by R's `pch` number. */
export const POINT_SYMBOLS: readonly { pch: number; label: string }[] = [
  { pch: 1, label: 'circle' },
  { pch: 16, label: 'filled circle' },
  { pch: 0, label: 'square' },
  { pch: 15, label: 'filled square' },
  { pch: 2, label: 'triangle' },
  { pch: 17, label: 'filled triangle' },
  { pch: 5, label: 'diamond' },
  { pch: 18, label: 'filled diamond' },
  { pch: 3, label: 'plus' },
  { pch: 4, label: 'cross' },
];

/**
 * The graph settings the client edits, stores and sends with each graph: the schema's,
 * with every key present (the editor always has a value for each).
 */
export type GraphSettings = {
  [K in keyof SchemaSettings]-?: Required<NonNullable<SchemaSettings[K]>>;
};

/** The settings of a new preference set (R's defaults, a readable palette). */
export function defaultSettings(): GraphSettings {
  return {
    colors: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'],
    point: { size: 1, symbol: 1 },
    line: { width: 1, style: 'solid' },
    text: { size: 1, family: 'sans' },
    bar: { fill: '#8fb8de', border: '#333333', width: 0.8 },
    'background-color': '#ffffff',
  };
}

/**
 * A stored color in the editor's `#rrggbb` form: every color the server accepts (names,
 * `#rgb`, `#rrggbbaa`; converters' own rule) is kept, with its opacity dropped; anything
 * else is null. Without this a set stored with `"red"` showed the defaults and the next save
 * overwrote it.
 */
function editorColor(x: unknown): string | null {
  return typeof x === 'string' && isColor(x) ? normalizeColor(x).slice(0, 7).toLowerCase() : null;
}
const color = (x: unknown, fallback: string): string => editorColor(x) ?? fallback;
const inRange =
  (lo: number, hi: number) =>
  (x: unknown): x is number =>
    typeof x === 'number' && x >= lo && x <= hi;
const oneOf =
  <T extends string>(list: readonly T[]) =>
  (x: unknown): x is T =>
    typeof x === 'string' && (list as readonly string[]).includes(x);
const rec = (x: unknown): Record<string, unknown> =>
  typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};

function pick<T>(v: unknown, ok: (x: unknown) => x is T, fallback: T): T {
  return ok(v) ? v : fallback;
}

/**
 * Reads stored settings, keeping valid fields and filling the rest with defaults; colors
 * come in the editor's `#rrggbb` form (see {@link editorColor}).
 */
export function normalizeSettings(raw: unknown): GraphSettings {
  const d = defaultSettings();
  const r = rec(raw);
  const p = rec(r['point']);
  const l = rec(r['line']);
  const t = rec(r['text']);
  const b = rec(r['bar']);
  const colors = Array.isArray(r['colors'])
    ? (r['colors'] as unknown[])
        .map(editorColor)
        .filter((c): c is string => c !== null)
        .slice(0, 32)
    : [];
  const isPch = (x: unknown): x is number => Number.isInteger(x) && inRange(0, 25)(x);
  return {
    colors: colors.length > 0 ? colors : d.colors,
    point: {
      size: pick(p['size'], inRange(0.1, 10), d.point.size),
      symbol: pick(p['symbol'], isPch, d.point.symbol),
    },
    line: {
      width: pick(l['width'], inRange(0.1, 10), d.line.width),
      style: pick(l['style'], oneOf(LINE_STYLES), d.line.style),
    },
    text: {
      size: pick(t['size'], inRange(0.1, 10), d.text.size),
      family: pick(t['family'], oneOf(FONT_FAMILIES), d.text.family),
    },
    bar: {
      fill: color(b['fill'], d.bar.fill),
      border: color(b['border'], d.bar.border),
      width: pick(b['width'], inRange(0.05, 1), d.bar.width),
    },
    'background-color': color(r['background-color'], d['background-color']),
  };
}

/** CSS font-family for a settings family, for the live preview. */
export function cssFamily(f: FontFamily): string {
  return f === 'sans' ? 'sans-serif' : f === 'mono' ? 'monospace' : 'serif';
}

/** SVG stroke-dasharray for a line style at `width` pixels (R's lty patterns). */
export function dashArray(style: LineStyle, width: number): string {
  const u = (ns: number[]): string => ns.map((n) => n * width).join(' ');
  switch (style) {
    case 'dashed':
      return u([4, 4]);
    case 'dotted':
      return u([1, 3]);
    case 'dotdash':
      return u([1, 3, 4, 3]);
    case 'longdash':
      return u([7, 3]);
    case 'twodash':
      return u([2, 2, 6, 2]);
    case 'solid':
      return 'none';
  }
}
