// Output tools (issue 15): the Export menu (zip, HTML report, Word report), "Copy table"
// (HTML and tab-separated text on the clipboard), "Show R code", and notes (Markdown shown
// as plain text, edited in place).
import type { App } from '../app.ts';
import { h, toast } from '../dom.ts';
import { replyError, type PObject } from '../types.ts';

/** The Export menu's entries: [label, action]. */
export function exportItems(app: App): [string, () => void][] {
  const open = (path: string, newTab: boolean) => (): void => {
    const id = app.workspace?.id;
    if (id === undefined) return;
    const url = `/api/v1/workspaces/${encodeURIComponent(id)}/${path}`;
    if (newTab) window.open(url, '_blank', 'noopener');
    else window.location.assign(url); // an attachment: the page stays
  };
  return [
    ['Workspace with R script (zip)', open('export?format=zip', false)],
    ['HTML report', open('report?format=html', true)],
    ['Word report', open('report?format=docx', false)],
  ];
}

/** A table as tab-separated text (cells' tabs and newlines become spaces). */
export function tableTsv(table: HTMLTableElement): string {
  return [...table.rows]
    .map((r) =>
      [...r.cells].map((c) => (c.textContent ?? '').replace(/[\t\r\n]+/g, ' ')).join('\t'),
    )
    .join('\n');
}

/** Copies every table of `el` to the clipboard as HTML and as tab-separated text. */
export async function copyTables(el: HTMLElement): Promise<void> {
  const tables = [...el.querySelectorAll('table')];
  if (tables.length === 0) {
    toast('This result has no table.', 'error');
    return;
  }
  const html = tables.map((t) => t.outerHTML).join('\n');
  const text = tables.map(tableTsv).join('\n\n');
  try {
    await navigator.clipboard.write([
      new ClipboardItem({
        'text/html': new Blob([html], { type: 'text/html' }),
        'text/plain': new Blob([text], { type: 'text/plain' }),
      }),
    ]);
    toast('Table copied.');
  } catch {
    toast('The browser refused the clipboard.', 'error');
  }
}

/** "Show R code": the result's r_code in a collapsed block, or null. */
export function rCodeBlock(result: unknown): HTMLElement | null {
  const code = (result as { r_code?: unknown } | undefined)?.r_code;
  if (typeof code !== 'string') return null;
  return h('details', { class: 'r-code' }, h('summary', {}, 'Show R code'), h('pre', {}, code));
}

/** Sends a note (new, or replacing the one of that name). */
export function saveNote(app: App, name: string, text: string): void {
  void app.request([{ type: 'note', name, text }]).then((reply) => {
    const err = replyError(reply, 'no reason given');
    if (err !== null) toast(`Could not save the note: ${err}`, 'error');
  });
}

/** Asks for a new note's text and adds it. */
export function addNote(app: App): void {
  const taken = new Set(app.model.outputs().map((o) => o.name));
  let i = 1;
  while (taken.has(`note${i}`)) i++;
  saveNote(app, `note${i}`, 'New note: click Edit to write.');
}

/** A note's body: its text as text (never HTML), with an editor behind "Edit". */
export function noteBody(app: App, o: PObject): HTMLElement {
  const text = o.type === 'note' ? o.text : '';
  const shown = h('div', { class: 'note-text' }, text);
  const box = h('div', { class: 'note' }, shown);
  const edit = h('button', { type: 'button', class: 'small' }, 'Edit');
  edit.addEventListener('click', () => {
    const area = h('textarea', { 'aria-label': `Text of ${o.name}`, rows: '6' });
    area.value = text;
    const save = h('button', { type: 'button', class: 'small' }, 'Save note');
    save.addEventListener('click', () => saveNote(app, o.name, area.value));
    box.replaceChildren(area, save);
    area.focus();
  });
  box.append(edit);
  return box;
}
