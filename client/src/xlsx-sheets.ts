// The sheet names of an Excel workbook (.xlsx), read in the browser from the file's own
// index (a zip holding xl/workbook.xml), in the workbook's order, which is readxl's
// (`excel_sheets`), so the import dialog lists the sheets without sending the file twice.
// DOM-free (needs only DecompressionStream, which browsers and Node 18+ have).

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const WORKBOOK = 'xl/workbook.xml';

/** Inflates raw deflate data (zip's method 8). */
async function inflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Where the central directory is and how many entries it has, or null for no zip. */
function endRecord(view: DataView): { offset: number; count: number } | null {
  // The end record is 22 bytes plus a comment of up to 65,535 bytes from the end.
  for (let i = view.byteLength - 22; i >= Math.max(0, view.byteLength - 65_557); i--)
    if (view.getUint32(i, true) === EOCD)
      return { count: view.getUint16(i + 10, true), offset: view.getUint32(i + 16, true) };
  return null;
}

/** The bytes of the zip entry called `wanted` (inflated), or null when absent. */
async function zipEntry(bytes: Uint8Array, wanted: string): Promise<Uint8Array | null> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endRecord(view);
  if (end === null) return null;
  const dec = new TextDecoder();
  let p = end.offset;
  for (let k = 0; k < end.count && p + 46 <= bytes.length; k++) {
    if (view.getUint32(p, true) !== CENTRAL) return null;
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (name !== wanted) continue;
    if (view.getUint32(local, true) !== LOCAL) return null;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + size);
    if (method === 0) return data;
    if (method === 8) return inflateRaw(data);
    return null;
  }
  return null;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** XML attribute text with its entities decoded. */
function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e.startsWith('#x') || e.startsWith('#X')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] ?? m),
  );
}

/** The sheet names in workbook.xml's text, in order. */
export function sheetNamesOf(workbookXml: string): string[] {
  const out: string[] = [];
  for (const m of workbookXml.matchAll(
    /<(?:\w+:)?sheet\b[^>]*?\bname\s*=\s*("([^"]*)"|'([^']*)')/g,
  ))
    out.push(unescapeXml(m[2] ?? m[3] ?? ''));
  return out;
}

/**
 * The sheet names of an .xlsx file's bytes, in order; null when the bytes are not a
 * workbook this can read (the server then says what is wrong when the file is sent).
 */
export async function xlsxSheets(bytes: Uint8Array): Promise<string[] | null> {
  try {
    const wb = await zipEntry(bytes, WORKBOOK);
    if (wb === null) return null;
    const names = sheetNamesOf(new TextDecoder().decode(wb));
    return names.length > 0 ? names : null;
  } catch {
    // A damaged zip: the dialog still offers the import, without a sheet list.
    return null;
  }
}

/** The `read` format of a file name: `xlsx`, `sav`, `dta`, else `csv`. */
export function formatOf(fileName: string): 'csv' | 'xlsx' | 'sav' | 'dta' {
  const ext = /\.([^.]+)$/.exec(fileName.toLowerCase())?.[1];
  return ext === 'xlsx' || ext === 'sav' || ext === 'dta' ? ext : 'csv';
}
