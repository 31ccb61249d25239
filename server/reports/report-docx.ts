/**
 * The Word report (API.md "Workspaces in API 1.1"): the same blocks as the HTML report
 * (blocks.ts), laid out by the npm `docx` package: Word headings, real Word tables whose
 * header row repeats on each page, notes as paragraphs, bullet lists and code, graphs as
 * PNG pictures (SVG through rsvg-convert, svg-png.ts). Built from the stored results, with
 * no R session (docs/api.md says why not r-cran-officer).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IBorderOptions,
} from 'docx';
import { outputBlocks, type Block } from './blocks.ts';
import type { WorkspaceContent } from './outputs.ts';
import { pngSize, svgToPng } from './svg-png.ts';
import { startWorker, workerFile } from '../worker-thread.ts';

type TableBlock = Extract<Block, { kind: 'table' }>;
type ImageBlock = Extract<Block, { kind: 'image' }>;

/** `s` without the characters XML 1.0 forbids (docx escapes the rest, not these). */
function xmlSafe(s: string): string {
  return s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

/** Text runs of `text`, its line breaks kept as Word line breaks. */
function runs(text: string, bold = false): TextRun[] {
  return xmlSafe(text)
    .split('\n')
    .map((line, i) => new TextRun({ text: line, bold, ...(i > 0 ? { break: 1 } : {}) }));
}

const HEADINGS = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
} as const;

const RULE: IBorderOptions = { style: BorderStyle.SINGLE, size: 8, color: '000000' };
const THIN: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: 'BBBBBB' };
const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

/**
 * A cell: its paragraph's spacing and alignment come from a style and its margins from the
 * table, because docx builds and serialises an object per XML element (a report of 100
 * results has thousands of cells, and each element less is felt).
 */
function cell(text: string, header: boolean, first: boolean): TableCell {
  return new TableCell({
    children: [
      new Paragraph({ style: first ? 'CellLeft' : 'CellRight', children: runs(text, header) }),
    ],
    ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F3F3F3' } } : {}),
  });
}

/** A Word table: the header row repeats on each page; rules above, below, between rows. */
function table(b: TableBlock): (Paragraph | Table)[] {
  const row = (cells: readonly string[], header: boolean) =>
    new TableRow({
      tableHeader: header,
      cantSplit: true,
      children: cells.map((c, i) => cell(c, header, i === 0)),
    });
  const caption =
    b.caption === null ? [] : [new Paragraph({ style: 'Caption', children: runs(b.caption) })];
  const width = Math.max(b.columns.length, ...b.rows.map((r) => r.length), 1);
  const pad = (r: readonly string[]) => [...r, ...Array<string>(width - r.length).fill('')];
  return [
    ...caption,
    new Table({
      width: { size: 0, type: WidthType.AUTO },
      margins: { left: 80, right: 80 },
      borders: {
        top: RULE,
        bottom: RULE,
        insideHorizontal: THIN,
        left: NONE,
        right: NONE,
        insideVertical: NONE,
      },
      rows: [row(pad(b.columns), true), ...b.rows.map((r) => row(pad(r), false))],
    }),
    new Paragraph({}),
  ];
}

/** At most 6 inches wide (96 px an inch); pictures are rendered at twice their size. */
function picture(png: Buffer, alt: string): Paragraph {
  const size = pngSize(png) ?? { width: 1280, height: 960 };
  let width = size.width / 2;
  let height = size.height / 2;
  if (width > 576) {
    height = (height * 576) / width;
    width = 576;
  }
  const text = xmlSafe(alt);
  return new Paragraph({
    children: [
      new ImageRun({
        type: 'png',
        data: png,
        transformation: { width: Math.round(width), height: Math.round(height) },
        altText: { name: text, description: text, title: text },
      }),
    ],
  });
}

/** Renders at most this many SVGs at once (each is a short rsvg-convert process). */
const RENDER_CONCURRENCY = 4;

/** The PNG of every picture block (null where rendering failed). */
async function picturesOf(blocks: readonly Block[]): Promise<Map<Block, Buffer | null>> {
  const images = blocks.filter((b): b is ImageBlock => b.kind === 'image');
  const out = new Map<Block, Buffer | null>();
  let next = 0;
  const worker = async () => {
    while (next < images.length) {
      const b = images[next++] as ImageBlock;
      const bytes = Buffer.from(b.data, 'base64');
      out.set(b, b.mime === 'image/png' ? bytes : await svgToPng(bytes.toString('utf8')));
    }
  };
  await Promise.all(Array.from({ length: RENDER_CONCURRENCY }, worker));
  return out;
}

function blockParts(b: Block, pictures: Map<Block, Buffer | null>): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'heading':
      return [
        new Paragraph({ heading: HEADINGS[b.level], keepNext: true, children: runs(b.text) }),
      ];
    case 'paragraph':
      return [new Paragraph({ children: runs(b.text) })];
    case 'list':
      return b.items.map((i) => new Paragraph({ bullet: { level: 0 }, children: runs(i) }));
    case 'code':
      return [new Paragraph({ style: 'Code', children: runs(b.text) })];
    case 'table':
      return table(b);
    case 'image': {
      const png = pictures.get(b) ?? null;
      if (png === null)
        return [new Paragraph({ children: runs(`(the graph "${b.alt}" could not be rendered)`) })];
      return [picture(png, b.alt)];
    }
  }
}

/** Styles the blocks use beyond docx's built-in headings, title and list paragraph. */
const STYLES = {
  default: {
    document: { run: { font: 'Calibri', size: 21 }, paragraph: { spacing: { after: 120 } } },
  },
  paragraphStyles: [
    {
      id: 'Caption',
      name: 'Caption',
      basedOn: 'Normal',
      next: 'Normal',
      run: { bold: true, size: 19 },
      paragraph: { keepNext: true, spacing: { after: 40 } },
    },
    {
      id: 'CellLeft',
      name: 'Table cell',
      basedOn: 'Normal',
      paragraph: { spacing: { before: 0, after: 0 } },
    },
    {
      id: 'CellRight',
      name: 'Table cell, right',
      basedOn: 'CellLeft',
      paragraph: { alignment: AlignmentType.RIGHT },
    },
    {
      id: 'Code',
      name: 'Code',
      basedOn: 'Normal',
      run: { font: 'Consolas', size: 18 },
    },
  ],
};

/** What the worker (docx.worker.ts) lays out: plain data, copied across threads. */
export interface DocxJob {
  readonly name: string;
  readonly blocks: readonly Block[];
  /** The PNG of each picture block, in the blocks' order (null: it could not be rendered). */
  readonly pictures: readonly (Uint8Array | null)[];
  /** When the report was made, ISO 8601. */
  readonly when: string;
}

/**
 * The .docx bytes of `job`. docx builds an object per XML element and serialises them on
 * the thread that calls it: seconds for a report of 100 results, so the server calls this
 * only in a worker thread ({@link reportDocx}).
 */
export async function buildDocx(job: DocxJob): Promise<Buffer> {
  const images = job.blocks.filter((b) => b.kind === 'image');
  const pictures = new Map<Block, Buffer | null>(
    images.map((b, i) => {
      const png = job.pictures[i] ?? null;
      return [b, png === null ? null : Buffer.from(png.buffer, png.byteOffset, png.byteLength)];
    }),
  );
  const stamp = `PanthR report, ${job.when.slice(0, 16).replace('T', ' ')} UTC`;
  const doc = new Document({
    title: xmlSafe(job.name),
    creator: 'PanthR server',
    styles: STYLES,
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 1134, right: 1134, bottom: 1134, left: 1134 },
          },
        },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: runs(job.name) }),
          new Paragraph({ children: runs(stamp) }),
          ...job.blocks.flatMap((b) => blockParts(b, pictures)),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/**
 * The Word document (.docx bytes) of `w`: graphs rendered to PNG here (rsvg-convert runs in
 * child processes), the document laid out in a worker thread, so that one user's report
 * never holds the event loop that serves the others.
 */
export async function reportDocx(w: WorkspaceContent, when = new Date()): Promise<Buffer> {
  const blocks = w.outputs.flatMap(outputBlocks);
  const rendered = await picturesOf(blocks);
  const pictures = blocks.filter((b) => b.kind === 'image').map((b) => rendered.get(b) ?? null);
  return inWorker({ name: w.name, blocks, pictures, when: when.toISOString() });
}

/** The answer of docx.worker.ts. */
export type DocxAnswer = { readonly docx: Uint8Array } | { readonly failed: string };

/** Word reports laid out at once; more wait their turn (each worker holds a report's copy). */
const DOCX_WORKERS = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs {@link buildDocx} in a worker of its own, which ends with the job. */
async function inWorker(job: DocxJob): Promise<Buffer> {
  if (running >= DOCX_WORKERS) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    return await oneWorker(job);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function oneWorker(job: DocxJob): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const worker = startWorker(workerFile(import.meta.url, 'docx.worker'));
    let answered = false;
    const fail = (err: Error): void => {
      if (answered) return;
      answered = true;
      reject(err);
      void worker.terminate();
    };
    worker.once('message', (a: DocxAnswer) => {
      if (answered) return;
      answered = true;
      if ('docx' in a) resolve(Buffer.from(a.docx.buffer, a.docx.byteOffset, a.docx.byteLength));
      else reject(new Error(`the Word report could not be made: ${a.failed}`));
      void worker.terminate();
    });
    worker.once('error', fail);
    worker.once('messageerror', fail);
    worker.once('exit', (code) => fail(new Error(`the Word report worker exited (${code})`)));
    worker.postMessage(job);
  });
}
