// Graph settings of a preference set, after the PanthR design's Settings page: colors,
// point (size, symbol), line (width, style), text (size, family), bar, background-color.
// A preference set's JSON object is these settings. DOM-free.

/** The graph settings the client edits and sends with each graph. */
export interface GraphSettings {
  colors: string[];
  point: { size: number; symbol: PointSymbol; color: string };
  line: { width: number; style: LineStyle; color: string };
  text: { size: number; family: FontFamily };
  bar: { color: string; fill: string; width: number };
  'background-color': string;
}

/** Point symbols offered. */
export const POINT_SYMBOLS = ['circle', 'square', 'triangle', 'diamond', 'plus', 'cross'] as const;
/** A point symbol. */
export type PointSymbol = (typeof POINT_SYMBOLS)[number];
/** Line styles offered. */
export const LINE_STYLES = ['solid', 'dashed', 'dotted'] as const;
/** A line style. */
export type LineStyle = (typeof LINE_STYLES)[number];
/** Font families offered (generic families: present on every server). */
export const FONT_FAMILIES = ['sans', 'serif', 'mono'] as const;
/** A font family. */
export type FontFamily = (typeof FONT_FAMILIES)[number];

/** The settings of a new preference set. */
export function defaultSettings(): GraphSettings {
  return {
    colors: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'],
    point: { size: 3, symbol: 'circle', color: '#1f77b4' },
    line: { width: 1, style: 'solid', color: '#333333' },
    text: { size: 12, family: 'sans' },
    bar: { color: '#333333', fill: '#8fb8de', width: 1 },
    'background-color': '#ffffff',
  };
}

const HEX = /^#[0-9a-fA-F]{6}$/;

function pick<T>(v: unknown, ok: (x: unknown) => x is T, fallback: T): T {
  return ok(v) ? v : fallback;
}
const isHex = (x: unknown): x is string => typeof x === 'string' && HEX.test(x);
const isNum =
  (lo: number, hi: number) =>
  (x: unknown): x is number =>
    typeof x === 'number' && x >= lo && x <= hi;
const oneOf =
  <T extends string>(list: readonly T[]) =>
  (x: unknown): x is T =>
    typeof x === 'string' && (list as readonly string[]).includes(x);
const rec = (x: unknown): Record<string, unknown> =>
  typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};

/** Reads stored settings, keeping valid fields and filling the rest with defaults. */
export function normalizeSettings(raw: unknown): GraphSettings {
  const d = defaultSettings();
  const r = rec(raw);
  const p = rec(r['point']);
  const l = rec(r['line']);
  const t = rec(r['text']);
  const b = rec(r['bar']);
  const colors = Array.isArray(r['colors'])
    ? (r['colors'] as unknown[]).filter(isHex).slice(0, 12)
    : [];
  return {
    colors: colors.length > 0 ? colors : d.colors,
    point: {
      size: pick(p['size'], isNum(0.5, 20), d.point.size),
      symbol: pick(p['symbol'], oneOf(POINT_SYMBOLS), d.point.symbol),
      color: pick(p['color'], isHex, d.point.color),
    },
    line: {
      width: pick(l['width'], isNum(0.25, 10), d.line.width),
      style: pick(l['style'], oneOf(LINE_STYLES), d.line.style),
      color: pick(l['color'], isHex, d.line.color),
    },
    text: {
      size: pick(t['size'], isNum(6, 32), d.text.size),
      family: pick(t['family'], oneOf(FONT_FAMILIES), d.text.family),
    },
    bar: {
      color: pick(b['color'], isHex, d.bar.color),
      fill: pick(b['fill'], isHex, d.bar.fill),
      width: pick(b['width'], isNum(0, 10), d.bar.width),
    },
    'background-color': pick(r['background-color'], isHex, d['background-color']),
  };
}

/** CSS font-family for a settings family, for the live preview. */
export function cssFamily(f: FontFamily): string {
  return f === 'sans' ? 'sans-serif' : f === 'mono' ? 'monospace' : 'serif';
}

/** SVG stroke-dasharray for a line style at `width`. */
export function dashArray(style: LineStyle, width: number): string {
  if (style === 'dashed') return `${4 * width + 2} ${3 * width + 1}`;
  if (style === 'dotted') return `${width} ${2 * width + 1}`;
  return 'none';
}
