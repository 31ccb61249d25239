/**
 * The Word report (API.md "Workspaces in API 1.1"): the same blocks as the HTML report
 * (blocks.ts) written as WordprocessingML by hand and zipped (zip.ts): real Word tables,
 * graphs as PNG pictures (SVG through rsvg-convert, svg-png.ts). No docx package: the
 * document needs five kinds of paragraph and one table style, which fit in this file, and
 * the report is built from stored results without an R session (docs/api.md says why not
 * r-cran-officer).
 */
import { outputBlocks, type Block } from './blocks.ts';
import type { WorkspaceContent } from './outputs.ts';
import { pngSize, svgToPng } from './svg-png.ts';
import { zip, type ZipEntry } from './zip.ts';

/** `s` escaped for XML text and attributes; characters XML 1.0 forbids are dropped. */
function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(
      /[&<>"]/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string,
    );
}

const W_NS =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' +
  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ' +
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ' +
  'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"';

function run(text: string, props = ''): string {
  const lines = text.split('\n').map((l) => `<w:t xml:space="preserve">${xml(l)}</w:t>`);
  return `<w:r>${props === '' ? '' : `<w:rPr>${props}</w:rPr>`}${lines.join('<w:br/>')}</w:r>`;
}

function para(text: string, style?: string, props = ''): string {
  const pPr = style === undefined ? '' : `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>`;
  return `<w:p>${pPr}${run(text, props)}</w:p>`;
}

function cell(text: string, header: boolean, first: boolean): string {
  const jc = first ? '' : '<w:jc w:val="right"/>';
  return `<w:tc><w:p><w:pPr><w:spacing w:before="0" w:after="0"/>${jc}</w:pPr>${run(text, header ? '<w:b/>' : '')}</w:p></w:tc>`;
}

function table(b: Extract<Block, { kind: 'table' }>): string {
  const row = (cells: readonly string[], header: boolean) =>
    `<w:tr>${header ? '<w:trPr><w:tblHeader/></w:trPr>' : ''}${cells.map((c, i) => cell(c, header, i === 0)).join('')}</w:tr>`;
  const caption = b.caption === null ? '' : para(b.caption, 'Caption');
  return `${caption}<w:tbl><w:tblPr><w:tblStyle w:val="PanthrTable"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>${row(b.columns, true)}${b.rows.map((r) => row(r, false)).join('')}</w:tbl>${para('')}`;
}

/** At most 6 inches wide, in EMU (914400 an inch); pictures are rendered at 2x, 96 dpi. */
function picture(rid: string, id: number, png: Buffer, alt: string): string {
  const size = pngSize(png) ?? { width: 1280, height: 960 };
  let cx = Math.round((size.width / 2) * 9525);
  let cy = Math.round((size.height / 2) * 9525);
  if (cx > 5486400) {
    cy = Math.round((cy * 5486400) / cx);
    cx = 5486400;
  }
  return `<w:p><w:r><w:drawing><wp:inline><wp:extent cx="${cx}" cy="${cy}"/><wp:docPr id="${id}" name="Graph ${id}" descr="${xml(alt)}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="${id}" name="graph${id}.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="${rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
}

interface Media {
  readonly entries: ZipEntry[];
  readonly rels: string[];
}

/** Renders at most this many SVGs at once (each is a short rsvg-convert process). */
const RENDER_CONCURRENCY = 4;

/** The PNG of every picture block, in block order (null where rendering failed). */
async function picturesOf(blocks: readonly Block[]): Promise<Map<Block, Buffer | null>> {
  const images = blocks.filter((b): b is Extract<Block, { kind: 'image' }> => b.kind === 'image');
  const out = new Map<Block, Buffer | null>();
  let next = 0;
  const worker = async () => {
    while (next < images.length) {
      const b = images[next++] as Extract<Block, { kind: 'image' }>;
      const bytes = Buffer.from(b.data, 'base64');
      out.set(b, b.mime === 'image/png' ? bytes : await svgToPng(bytes.toString('utf8')));
    }
  };
  await Promise.all(Array.from({ length: RENDER_CONCURRENCY }, worker));
  return out;
}

function blockXml(b: Block, media: Media, pictures: Map<Block, Buffer | null>): string {
  switch (b.kind) {
    case 'heading':
      return para(b.text, `Heading${b.level}`);
    case 'paragraph':
      return para(b.text);
    case 'list':
      return b.items.map((i) => para(`\u2022 ${i}`, 'ListParagraph')).join('');
    case 'code':
      return para(b.text, 'Code');
    case 'table':
      return table(b);
    case 'image': {
      const png = pictures.get(b) ?? null;
      if (png === null) return para(`(the graph "${b.alt}" could not be rendered)`);
      const n = media.entries.length + 1;
      media.entries.push({ name: `word/media/graph${n}.png`, data: png });
      media.rels.push(
        `<Relationship Id="rIdG${n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/graph${n}.png"/>`,
      );
      return picture(`rIdG${n}`, n, png, b.alt);
    }
  }
}

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/><w:sz w:val="21"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="360"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:after="40"/></w:pPr><w:rPr><w:b/><w:sz w:val="19"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="360"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Code"><w:name w:val="Code"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/><w:sz w:val="18"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="PanthrTable"><w:name w:val="PanthR Table"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="BBBBBB"/></w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>`;

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

/** The Word document (.docx bytes) of `w`. */
export async function reportDocx(w: WorkspaceContent, when = new Date()): Promise<Buffer> {
  const media: Media = { entries: [], rels: [] };
  const parts = [
    para(w.name, 'Title'),
    para(`PanthR report, ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`),
  ];
  const blocks = w.outputs.flatMap(outputBlocks);
  const pictures = await picturesOf(blocks);
  for (const b of blocks) parts.push(blockXml(b, media, pictures));
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ${W_NS}><w:body>${parts.join('')}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>`;
  const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>${media.rels.join('')}</Relationships>`;
  return zip(
    [
      { name: '[Content_Types].xml', data: CONTENT_TYPES },
      { name: '_rels/.rels', data: ROOT_RELS },
      { name: 'word/document.xml', data: document },
      { name: 'word/_rels/document.xml.rels', data: docRels },
      { name: 'word/styles.xml', data: STYLES },
      ...media.entries,
    ],
    when,
  );
}
