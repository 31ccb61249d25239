/**
 * The content of a report, apart from its format: each output becomes a list of blocks
 * (headings, tables, pictures, text) that the HTML and the Word writers both lay out, so
 * the two reports hold the same tables. Results are walked generically: `{"columns","rows"}`
 * objects are tables, scalar keys a two-column table, nested objects their own tables.
 */
import { noteBlocks } from './markdown.ts';
import { resultOf, titleOf } from './outputs.ts';
import type { StoredObject } from '../store/index.ts';

/** One block of a report. */
export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'code'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly caption: string | null;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    }
  | { readonly kind: 'image'; readonly mime: string; readonly data: string; readonly alt: string };

/** A number as reports print it: up to 7 significant digits, no trailing zeros. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  const s = a !== 0 && (a < 1e-4 || a >= 1e15) ? x.toExponential(6) : x.toPrecision(7);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e') : s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A cell's text. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(cellText).join(', ');
  return JSON.stringify(v);
}

const SKIPPED = new Set(['r_code', 'warnings', 'format', 'mime', 'data']);

function isTable(v: unknown): v is { columns: unknown[]; rows: unknown[][] } {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as { columns?: unknown }).columns) &&
    Array.isArray((v as { rows?: unknown }).rows)
  );
}

function isPlain(v: unknown): boolean {
  return (
    v === null ||
    typeof v !== 'object' ||
    (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))
  );
}

/** A `{"variables", "r": [[...]], ...}` matrix (the `cor` test) as one table per key. */
function matrixBlocks(key: string, m: Record<string, unknown>): Block[] | null {
  const vars = m['variables'];
  if (!Array.isArray(vars)) return null;
  const out: Block[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'variables' || !Array.isArray(v)) continue;
    const rows = v.map((row, i) => [cellText(vars[i]), ...(row as unknown[]).map(cellText)]);
    out.push({
      kind: 'table',
      caption: `${key}: ${k}`,
      columns: ['', ...vars.map(cellText)],
      rows,
    });
  }
  return out;
}

/** A `{"columns","rows"}` value as a table block. */
function tableBlock(caption: string | null, v: { columns: unknown[]; rows: unknown[] }): Block {
  const rows = v.rows.map((r) => (Array.isArray(r) ? r.map(cellText) : [cellText(r)]));
  return { kind: 'table', caption, columns: v.columns.map(cellText), rows };
}

/** The blocks of a result object (or a nested part of one, captioned `caption`). */
function valueBlocks(caption: string | null, value: Record<string, unknown>): Block[] {
  const fields: string[][] = [];
  const nested: Block[] = [];
  // A result that is itself a table (descriptives: `{"columns","rows",...}`) is that table,
  // then its other keys.
  const whole = isTable(value) ? [tableBlock(caption, value)] : [];
  for (const [key, v] of Object.entries(value)) {
    if (caption === null && SKIPPED.has(key)) continue;
    if (whole.length > 0 && (key === 'columns' || key === 'rows')) continue;
    const name = caption === null ? key : `${caption}: ${key}`;
    if (isTable(v)) nested.push(tableBlock(name, v));
    else if (isPlain(v)) fields.push([key, cellText(v)]);
    else if (Array.isArray(v)) {
      const objs = v.filter(
        (x): x is Record<string, unknown> => typeof x === 'object' && x !== null,
      );
      const cols = [...new Set(objs.flatMap((x) => Object.keys(x)))];
      nested.push({
        kind: 'table',
        caption: name,
        columns: cols,
        rows: objs.map((x) => cols.map((c) => cellText(x[c]))),
      });
    } else {
      const obj = v as Record<string, unknown>;
      nested.push(...(matrixBlocks(name, obj) ?? valueBlocks(name, obj)));
    }
  }
  const head: Block[] =
    fields.length > 0 ? [{ kind: 'table', caption, columns: ['', 'value'], rows: fields }] : [];
  return [...whole, ...head, ...nested];
}

function graphBlocks(o: StoredObject, r: Readonly<Record<string, unknown>>): Block[] {
  const data = r['data'];
  const mime = r['mime'];
  if (typeof data !== 'string' || typeof mime !== 'string') return [];
  if (mime === 'image/svg+xml')
    return [
      { kind: 'image', mime, data: Buffer.from(data, 'utf8').toString('base64'), alt: titleOf(o) },
    ];
  if (mime === 'image/png') return [{ kind: 'image', mime, data, alt: titleOf(o) }];
  return [{ kind: 'paragraph', text: `(a ${String(r['format'])} graph: see the workspace)` }];
}

/** The blocks of one output: its heading, then its tables or picture, warnings, R code. */
export function outputBlocks(o: StoredObject): Block[] {
  const heading: Block = { kind: 'heading', level: 2, text: titleOf(o) };
  if (o['type'] === 'note') {
    // A note is text among the outputs: headed only when it was given a label.
    const labelled = typeof o['label'] === 'string' && o['label'].trim() !== '';
    return [...(labelled ? [heading] : []), ...noteBlocks(String(o['text']))];
  }
  const r = resultOf(o);
  const body = o['type'] === 'graph' ? graphBlocks(o, r) : valueBlocks(null, r);
  const warnings = Array.isArray(r['warnings']) ? r['warnings'].map(String) : [];
  const tail: Block[] =
    warnings.length > 0 ? [{ kind: 'list', items: warnings.map((w) => `Warning: ${w}`) }] : [];
  return [heading, ...body, ...tail];
}
