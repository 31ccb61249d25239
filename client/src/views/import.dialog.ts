// Importing a data file: choose or drop a file, name the dataset, and send it as a `read`
// command. CSV: a preview with the inferred column types and the guessed separator and
// decimal mark, a large file in parts (upload.ts). Excel (.xlsx): a sheet chooser (the
// sheets listed from the workbook itself, xlsx-sheets.ts). SPSS (.sav) and Stata (.dta):
// sent as they are. Progress shows reading the file, then the server reading it.
import { messageOf } from '../api.ts';
import type { App } from '../app.ts';
import { previewCsv, type CsvPreview } from '../csv.ts';
import { guessCsvOptions, SEPARATORS, separatorName, validNameFrom } from '../csv-detect.ts';
import { field, h, onFileDrop, openDialog, replace, toast } from '../dom.ts';
import { checkName } from '../names.ts';
import { replyError } from '../types.ts';
import { sendCsv } from '../upload.ts';
import { formatOf, xlsxSheets } from '../xlsx-sheets.ts';
import { typeWord } from '../var-setup.ts';

/** What each binary format becomes, said under the file field once one is chosen. */
const BINARY_NOTE: Readonly<Record<'xlsx' | 'sav' | 'dta', string>> = {
  xlsx: 'Excel workbook: the first row of the sheet holds the names.',
  sav: 'SPSS file: value labels become levels, user-missing codes stay missing codes.',
  dta: 'Stata file: value labels become levels.',
};

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
              h(
                'span',
                { class: 'badge' },
                (p.types[j] === undefined ? '' : typeWord(p.types[j])).slice(0, 3),
              ),
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
  const input = h('input', {
    type: 'file',
    accept: '.csv,.txt,.tsv,.xlsx,.sav,.dta,text/csv,text/plain',
    name: 'file',
  });
  const fileF = field(
    'Data file',
    input,
    'CSV (with a header row), Excel .xlsx, SPSS .sav or Stata .dta.',
  );
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
  let bytes: { format: 'xlsx' | 'sav' | 'dta'; data: Uint8Array } | null = null;
  const sheetSel = h('select', { name: 'sheet' });
  const sheetF = field('Sheet', sheetSel);
  sheetF.row.hidden = true;
  // CSV options (API 1.1): guessed from the file, shown, and changeable.
  const sepSel = h(
    'select',
    { name: 'separator' },
    SEPARATORS.map((s) => h('option', { value: s }, separatorName(s))),
  );
  const decSel = h(
    'select',
    { name: 'decimal' },
    h('option', { value: '.' }, 'point (1.5)'),
    h('option', { value: ',' }, 'comma (1,5)'),
  );
  const sepF = field('Separator', sepSel);
  const decF = field('Decimal mark', decSel);
  const guessLine = h('p', { class: 'hint', 'data-role': 'csv-guess' });
  const showPreview = (): void => {
    if (text === null) return;
    const p = previewCsv(text, 10, { separator: sepSel.value, decimal: decSel.value });
    status.textContent = `${p.rowCount.toLocaleString()} rows, ${p.header.length} columns.`;
    replace(preview, p.header.length ? previewTable(p) : null);
    fileF.error.textContent = p.problem ?? '';
    submit.disabled = p.header.length === 0;
  };
  sepSel.addEventListener('change', showPreview);
  decSel.addEventListener('change', showPreview);

  const csvRow = h('div', { class: 'row-fields' }, sepF.row, decF.row);
  const loadBinary = (file: File, format: 'xlsx' | 'sav' | 'dta'): void => {
    status.textContent = `Reading ${file.name}…`;
    void file
      .arrayBuffer()
      .then(async (buf) => {
        const data = new Uint8Array(buf);
        bytes = { format, data };
        replace(sheetSel);
        sheetF.row.hidden = format !== 'xlsx';
        const sheets = format === 'xlsx' ? await xlsxSheets(data) : null;
        if (sheets !== null)
          sheetSel.append(...sheets.map((s, i) => h('option', { value: String(i + 1) }, s)));
        else if (format === 'xlsx') sheetSel.append(h('option', { value: '1' }, 'the first sheet'));
        const many = sheets !== null && sheets.length > 1 ? ` ${sheets.length} sheets.` : '';
        guessLine.textContent = `${BINARY_NOTE[format]}${many}`;
        status.textContent = `${file.name}: ${(data.length / 1024).toFixed(1)} KB.`;
        progress.value = 100;
        submit.disabled = false;
      })
      .catch(() => {
        fileF.error.textContent = 'The file could not be read. Choose it again.';
        status.textContent = '';
      });
  };

  const load = (file: File): void => {
    text = null;
    bytes = null;
    submit.disabled = true;
    fileF.error.textContent = '';
    replace(preview);
    if (!name.value) name.value = validNameFrom(file.name.replace(/\.[^.]*$/, ''));
    const format = formatOf(file.name);
    csvRow.hidden = format !== 'csv';
    sheetF.row.hidden = true;
    progress.hidden = false;
    progress.value = 0;
    if (format !== 'csv') return loadBinary(file, format);
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
      const guess = guessCsvOptions(text);
      sepSel.value = guess.separator;
      decSel.value = guess.decimal;
      guessLine.textContent = `Detected: ${separatorName(guess.separator)} separator, decimal ${
        guess.decimal === ',' ? 'comma' : 'point'
      }.`;
      showPreview();
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
    guessLine,
    csvRow,
    sheetF.row,
    nameF.row,
    progress,
    status,
    preview,
    h('div', { class: 'actions' }, submit),
  );
  const { close } = openDialog('Import a data file', form, { wide: true });
  if (initial) load(initial);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // Never a bare refusal: an invalid name becomes a valid one, shown before sending.
    if (!checkName(name.value, nameF.error)) {
      const derived = validNameFrom(name.value);
      nameF.error.textContent = `"${name.value}" is not a valid name; it will be "${derived}".`;
      name.value = derived;
      return;
    }
    if (text === null && bytes === null) return;
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
    const csv = { separator: sepSel.value, decimal: decSel.value === ',' ? ',' : '.' } as const;
    const b = bytes;
    const sent =
      b !== null
        ? app.request([
            {
              type: 'command',
              name: dataset,
              command: 'read',
              format: b.format,
              data: b.data,
              ...(b.format === 'xlsx' ? { sheet: Number(sheetSel.value) || 1 } : {}),
            },
          ])
        : sendCsv(
            (objects) => app.request(objects),
            dataset,
            text ?? '',
            showPart,
            csv,
            (d, c) => app.model.expectUpload(d, c),
          );
    sent
      .then((reply) => {
        const err = replyError(reply, 'The server could not read this file.');
        if (err !== null) {
          // Said here, in the dialog: not again as a failed output card.
          app.model.dismissError(dataset);
          return failed(err);
        }
        close();
        toast(`Imported ${dataset}.`);
        app.navigate({ view: 'dataset', dataset });
      })
      .catch((e: unknown) => failed(messageOf(e)))
      .finally(() => (submit.disabled = false));
  });
}
