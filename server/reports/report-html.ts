/**
 * The HTML report (API.md "Workspaces in API 1.1"): one self-contained page, no request to
 * anywhere (inline CSS, graphs as `data:` pictures, no script), with print CSS so that the
 * browser's "Save as PDF" gives a clean document. Every text is escaped: a label or a note
 * never becomes markup. SVG graphs are shown through `<img>`, where SVG cannot run scripts
 * or load anything.
 */
import { outputBlocks, type Block } from './blocks.ts';
import { resultOf, type WorkspaceContent } from './outputs.ts';

/** `s` with the five HTML special characters escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
body { font: 15px/1.45 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2em auto; max-width: 58em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; }
.meta { color: #555; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.2em; }
th, td { border-top: 1px solid #ccc; border-bottom: 1px solid #ccc; padding: 0.15em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f3f3; }
img { max-width: 100%; height: auto; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
details summary { cursor: pointer; color: #333; }
.output { page-break-inside: avoid; break-inside: avoid; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  details { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, img { break-inside: avoid; page-break-inside: avoid; }
  @page { margin: 18mm; }
}`;

function tableHtml(b: Extract<Block, { kind: 'table' }>): string {
  const caption = b.caption === null ? '' : `<caption>${escapeHtml(b.caption)}</caption>`;
  const head = `<thead><tr>${b.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
  const body = b.rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>${caption}${head}<tbody>${body}</tbody></table>`;
}

/** One block as HTML. */
export function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'code':
      return `<pre>${escapeHtml(b.text)}</pre>`;
    case 'table':
      return tableHtml(b);
    case 'image':
      // Only the two picture types the blocks make; base64 text needs no escaping.
      return `<img src="data:${b.mime === 'image/png' ? 'image/png' : 'image/svg+xml'};base64,${b.data.replace(/[^A-Za-z0-9+/=]/g, '')}" alt="${escapeHtml(b.alt)}">`;
  }
}

function outputHtml(o: WorkspaceContent['outputs'][number]): string {
  const blocks = outputBlocks(o).map(blockHtml).join('\n');
  const code = resultOf(o)['r_code'];
  const rCode =
    typeof code === 'string'
      ? `\n<details><summary>R code</summary><pre>${escapeHtml(code)}</pre></details>`
      : '';
  return `<section class="output" id="${escapeHtml(o.name)}">\n${blocks}${rCode}\n</section>`;
}

/** The report page of `w` (see the module comment). */
export function reportHtml(w: WorkspaceContent, when = new Date()): string {
  const title = escapeHtml(w.name);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${title}</h1>
<p class="meta">PanthR report, ${escapeHtml(when.toISOString().slice(0, 16).replace('T', ' '))} UTC</p>
${w.outputs.map(outputHtml).join('\n')}
</body>
</html>
`;
}
