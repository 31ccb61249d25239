// New variables and filters, written in the formula language. The formula is highlighted
// as it is typed and checked in the browser; an error (ours or the server's) is shown
// under the formula, pointing at its position.
import { messageOf } from '../api.ts';
import type { App } from '../app.ts';
import { field, h, openDialog, replace, toast } from '../dom.ts';
import { checkFormula, errorOffset, tokenize, FUNCTIONS, type FormulaError } from '../formula.ts';
import { checkName, derivedName } from '../names.ts';
import { replyError, type PanthrObject } from '../types.ts';

/** What formulas do with missing values (docs/api.md "Missing values in formulas"). */
const MISSING_RULE =
  'Missing values: an operation on a missing value gives a missing value, as in R. ' +
  'mean, sd, min, max, sum, z, rowmean and rowsum leave missing values out ' +
  "(R's na.rm = TRUE); the result's warnings say how many were left out.";

/** The formula as highlighted spans, with the error's span marked. */
function highlight(src: string, err: FormulaError | null): HTMLElement {
  const out = h('div', { class: 'formula-view', 'aria-hidden': 'true' });
  for (const t of tokenize(src)) {
    const bad = err !== null && t.start < Math.max(err.end, err.start + 1) && t.end > err.start;
    out.append(h('span', { class: `tok-${t.kind}${bad ? ' tok-error' : ''}` }, t.text));
  }
  if (err !== null && err.start >= src.length)
    out.append(h('span', { class: 'tok-error tok-end' }, ' '));
  return out;
}

/**
 * A new variable is computed from the data as it is now (as `x <- f(y)` in R): a later
 * edit of what it was computed from leaves it as it is (filters, in contrast, follow).
 */
const COMPUTED_ONCE =
  'The new variable is computed from the data as it is now: after you change the variables it uses, make it again (same name, Replace) to follow them.';

/** The question asked before a new variable replaces one of the same name. */
export function replaceQuestion(dataset: string, variable: string): string {
  return (
    `Dataset "${dataset}" already has a variable "${variable}". Replace it? ` +
    'Results that use it are computed again with its new values.'
  );
}

/** Opens the dialog for a new variable (`kind: 'newvar'`) or filter on dataset `dsName`. */
/** The warnings in the result of the reply's first object, if any. */
function resultWarnings(reply: readonly unknown[]): string[] {
  const result = (reply[0] as { result?: { warnings?: unknown } } | undefined)?.result;
  const w = result?.warnings;
  return Array.isArray(w) ? w.filter((x): x is string => typeof x === 'string') : [];
}

export function openFormulaDialog(app: App, kind: 'newvar' | 'filter', dsName: string): void {
  const ds = app.model.dataset(dsName);
  if (ds === undefined) return;
  const varNames = ds.variables.map((v) => v.name);
  const name = h('input', {
    type: 'text',
    name: 'name',
    required: true,
    autocomplete: 'off',
    spellcheck: false,
  });
  const formula = h('input', {
    type: 'text',
    name: 'formula',
    required: true,
    autocomplete: 'off',
    spellcheck: false,
    class: 'mono',
  });
  const nameF = field(kind === 'newvar' ? 'Variable name' : 'Filter name', name);
  const formF = field(
    'Formula',
    formula,
    kind === 'filter'
      ? 'Rows where the formula is true are kept, e.g. age >= 18 & !is.na(score)'
      : 'e.g. log(income) or (score - mean(score)) / sd(score)',
  );
  const preview = h('div', { class: 'formula-preview' });
  const message = h('p', { class: 'formula-error', role: 'alert', 'aria-live': 'polite' });
  const insert = (text: string): void => {
    const at = formula.selectionStart ?? formula.value.length;
    formula.setRangeText(text, at, formula.selectionEnd ?? at, 'end');
    formula.focus();
    update(null);
  };
  const chips = h(
    'div',
    { class: 'chips', 'aria-label': 'Insert a variable or function' },
    varNames.map((v) =>
      h('button', { type: 'button', class: 'chip', on: { click: () => insert(v) } }, v),
    ),
    FUNCTIONS.map((f) =>
      h(
        'button',
        { type: 'button', class: 'chip fn', on: { click: () => insert(`${f}(`) } },
        `${f}()`,
      ),
    ),
  );
  const update = (serverErr: FormulaError | null): FormulaError | null => {
    const err =
      serverErr ?? (formula.value.trim() === '' ? null : checkFormula(formula.value, varNames));
    replace(preview, highlight(formula.value, err));
    // Most messages name the position themselves ("... at 9"); the others get it here.
    const at = /\bat \d+\b/.test(err?.message ?? '')
      ? ''
      : ` (at character ${(err?.start ?? 0) + 1})`;
    message.textContent = err === null ? '' : `${err.message}${at}`;
    formula.setAttribute('aria-invalid', String(err !== null));
    return err;
  };
  formula.addEventListener('input', () => update(null));
  const submit = h(
    'button',
    { type: 'submit', class: 'primary' },
    kind === 'newvar' ? 'Create variable' : 'Create filter',
  );
  const form = h(
    'form',
    { class: 'dialog-form', noValidate: true },
    h('p', { class: 'hint' }, `Dataset: ${ds.name}`),
    nameF.row,
    formF.row,
    preview,
    message,
    chips,
    h('p', { class: 'hint' }, MISSING_RULE),
    kind === 'newvar' ? h('p', { class: 'hint' }, COMPUTED_ONCE) : null,
    h('div', { class: 'actions' }, submit),
  );
  const { close } = openDialog(kind === 'newvar' ? 'New variable' : 'New filter', form, {
    wide: true,
  });
  name.focus();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!checkName(name.value, nameF.error)) return;
    if (update(null) !== null || formula.value.trim() === '') {
      if (formula.value.trim() === '') message.textContent = 'Write a formula.';
      return;
    }
    // The server replaces a variable only when told to (API 1.1): ask first.
    const replacing = kind === 'newvar' && varNames.includes(name.value);
    if (replacing && !confirm(replaceQuestion(ds.name, name.value))) return;
    const obj: PanthrObject =
      kind === 'newvar'
        ? {
            type: 'command',
            name: derivedName('cmd.newvar', ds.name, name.value),
            command: 'newvar',
            dataset: ds.name,
            variable: name.value,
            formula: formula.value,
            ...(replacing ? { replace: true } : {}),
          }
        : { type: 'filter', name: name.value, dataset: ds.name, formula: formula.value };
    submit.disabled = true;
    app
      .request([obj])
      .then((reply) => {
        const msg = replyError(reply, 'The server refused the formula.');
        if (msg === null) {
          close();
          toast(
            kind === 'filter'
              ? `Filter ${name.value} created.`
              : `Variable ${name.value} ${replacing ? 'replaced' : 'created'}.`,
          );
          // R's warnings (NaNs produced, missing values a summary left out) say what the
          // values hold: the analyst sees them, not only the grid's empty cells.
          // R's warnings and notes (values left out): worth reading, no failure.
          for (const w of resultWarnings(reply)) toast(`${name.value}: ${w}`, 'info');
          return;
        }
        const at = errorOffset(msg);
        if (at !== null) update({ message: msg, start: at, end: at + 1 });
        else message.textContent = msg;
      })
      .catch((e: unknown) => (message.textContent = messageOf(e)))
      .finally(() => (submit.disabled = false));
  });
}
