// Importing a CSV file: choose or drop a file, see a preview with the inferred column
// types, name the dataset, and send it as a `read` command, or a large file in parts
// (upload.ts). Progress shows reading the file, then the server parsing it or the parts.
import { messageOf } from '../api.ts';
import type { App } from '../app.ts';
import { nameFromFile, previewCsv, type CsvPreview } from '../csv.ts';
import { field, h, onFileDrop, openDialog, replace, toast } from '../dom.ts';
import { checkName } from '../names.ts';
import { replyError } from '../types.ts';
import { sendCsv } from '../upload.ts';

function previewTable(p: CsvPreview): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap preview' },
    h(
      'table',
      { class: 'result' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          p.header.map((c, j) =>
            h(
              'th',
              { scope: 'col' },
              c,
              h('span', { class: 'badge' }, (p.types[j] ?? '').slice(0, 3)),
            ),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        p.rows.map((r) =>
          h(
            'tr',
            {},
            p.header.map((_, j) => h('td', {}, r[j] ?? '')),
          ),
        ),
      ),
    ),
  );
}

/** Opens the import dialog, optionally with a file already chosen (drag and drop). */
export function openImportDialog(app: App, initial?: File): void {
  const input = h('input', { type: 'file', accept: '.csv,text/csv,text/plain', name: 'file' });
  const fileF = field('CSV file', input, 'Comma separated, with a header row.');
  const drop = h('div', { class: 'dropzone small' }, 'or drop a file here');
  const name = h('input', {
    type: 'text',
    name: 'dataset',
    autocomplete: 'off',
    spellcheck: false,
  });
  const nameF = field('Dataset name', name);
  const progress = h('progress', {
    max: 100,
    value: 0,
    hidden: true,
    'aria-label': 'Import progress',
  });
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const preview = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Import');
  let text: string | null = null;

  const load = (file: File): void => {
    text = null;
    submit.disabled = true;
    fileF.error.textContent = '';
    if (!name.value) name.value = nameFromFile(file.name);
    const reader = new FileReader();
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `Reading ${file.name}…`;
    reader.onprogress = (e): void => {
      if (e.lengthComputable) progress.value = (100 * e.loaded) / e.total;
    };
    reader.onerror = (): void => {
      fileF.error.textContent = 'The file could not be read.';
      status.textContent = '';
    };
    reader.onload = (): void => {
      progress.value = 100;
      text = typeof reader.result === 'string' ? reader.result : '';
      const p = previewCsv(text);
      status.textContent = `${p.rowCount.toLocaleString()} rows, ${p.header.length} columns.`;
      replace(preview, p.header.length ? previewTable(p) : null);
      if (p.problem !== null) fileF.error.textContent = p.problem;
      submit.disabled = p.header.length === 0;
    };
    reader.readAsText(file);
  };
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) load(f);
  });
  onFileDrop(drop, load);

  const form = h(
    'form',
    { class: 'dialog-form', noValidate: true },
    fileF.row,
    drop,
    nameF.row,
    progress,
    status,
    preview,
    h('div', { class: 'actions' }, submit),
  );
  const { close } = openDialog('Import a CSV file', form, { wide: true });
  if (initial) load(initial);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!checkName(name.value, nameF.error)) return;
    if (text === null) return;
    if (app.model.has(name.value) && !confirm(`"${name.value}" already exists. Replace it?`))
      return;
    submit.disabled = true;
    progress.removeAttribute('value');
    status.textContent = 'Sending the file; the server reads it…';
    const dataset = name.value;
    // The dialog stays open with the file and the name as they were: only the status goes.
    const failed = (message: string): void => {
      status.textContent = '';
      progress.value = 0;
      fileF.error.textContent = message;
    };
    const showPart = (done: number, total: number): void => {
      progress.value = (100 * done) / total;
      status.textContent = `Sent part ${done} of ${total}…`;
    };
    sendCsv((objects) => app.request(objects), dataset, text, showPart)
      .then((reply) => {
        const err = replyError(reply, 'The server could not read this file.');
        if (err !== null) return failed(err);
        close();
        toast(`Imported ${dataset}.`);
        app.navigate({ view: 'dataset', dataset });
      })
      .catch((e: unknown) => failed(messageOf(e)))
      .finally(() => (submit.disabled = false));
  });
}
