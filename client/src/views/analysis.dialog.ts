// The dialog behind each Analyze and Graph menu entry: pick the dataset, the variables by
// role (only those that fit each slot are offered), options and a filter, then run it.
// Reopened from a result, it shows that result's choices and runs again under its name.
import type { App } from '../app.ts';
import {
  analysisById,
  buildRequest,
  graphSize,
  validateChoices,
  type Analysis,
  type Choices,
} from '../analyses.ts';
import { analysisOf, choicesOf } from '../analysis-reopen.ts';
import { field, h, openDialog, replace, toast } from '../dom.ts';
import { freshName } from '../names.ts';
import { typeWord } from '../var-setup.ts';
import {
  isAnalysisRequest,
  isErrorObject,
  replyError,
  str,
  type AnalysisRequest,
  type AnalysisSpec,
  type PObject,
} from '../types.ts';
import { optionControl, readChoices, slotControl, type Control } from './analysis-controls.ts';

/** The dialog's help: what the analysis answers, then its assumptions and how to read it. */
function helpText(a: Analysis): HTMLElement | null {
  if (a.help === undefined) return null;
  return h(
    'div',
    { class: 'help' },
    h('p', {}, a.help.answers),
    h(
      'details',
      {},
      h('summary', {}, 'Assumptions and how to read the result'),
      h('p', {}, h('strong', {}, 'Assumptions: '), a.help.assumptions),
      h('p', {}, h('strong', {}, 'Reading it: '), a.help.reading),
    ),
  );
}

function slotHint(s: Analysis['slots'][number]): string {
  if (s.count === 'many' || s.count === 'any')
    return `Ctrl-click or Shift-click to choose several${s.min ? ` (at least ${s.min})` : ''}.`;
  return `Only ${s.accepts.map(typeWord).join(' or ')} variables fit${s.levels ? ` (with ${s.levels} levels)` : ''}.`;
}

/** A name for a new output: free among stored objects, pending requests and failed ones. */
function newName(app: App, a: Analysis): string {
  return freshName(
    a.id.replace(/\./g, ''),
    (n) => app.model.has(n) || app.pending.has(n) || app.model.errorFor(n) !== undefined,
  );
}

/** Errors that say what is wrong with the request itself: the dialog can mend it. */
const REQUEST_ERRORS = new Set(['invalid_object', 'not_found', 'unknown_type']);

/**
 * Sends the request. When the server refuses the request itself (an option's value, a
 * variable gone), the dialog opens again with the same choices and the server's words;
 * any other failure (R's error, a timeout) is said in a toast.
 */
function send(app: App, a: Analysis, req: AnalysisSpec): void {
  void app.request([req]).then((reply) => {
    const err = replyError(reply, 'no reason given');
    if (err === null) return;
    const refusal = reply.find(isErrorObject);
    if (refusal !== undefined && REQUEST_ERRORS.has(str(refusal.code)) && !dialogOpen())
      openAnalysisDialog(app, a.id, req.dataset, req, err);
    else toast(`${a.label} failed: ${err}`, 'error');
  });
}

/** Whether a dialog is open (one is not stacked on another the analyst is busy with). */
const dialogOpen = (): boolean => document.querySelector('dialog[open]') !== null;

/**
 * Opens the dialog for analysis `id` on dataset `dsName` (or the first dataset); with
 * `from`, the stored request of a result, its choices are shown and Run replaces it.
 */
export function openAnalysisDialog(
  app: App,
  id: string,
  dsName?: string,
  from?: AnalysisRequest,
  problem?: string,
): void {
  const a = analysisById(id);
  const datasets = app.model.datasets();
  if (a === undefined) return;
  if (datasets.length === 0) {
    toast('Import a dataset first: Data > Import data.', 'error');
    return;
  }
  const dsSel = h(
    'select',
    { name: 'dataset' },
    datasets.map((d) => h('option', { value: d.name, selected: d.name === dsName }, d.name)),
  );
  let initial: Choices | undefined = from
    ? choicesOf(a, from, app.model.dataset(dsSel.value))
    : undefined;
  const body = h('div', { class: 'slots' });
  const error = h('p', { class: 'form-error', role: 'alert' }, problem ?? '');
  const run = h('button', { type: 'submit', class: 'primary' }, from ? 'Run again' : 'Run');
  let slotSels: [Analysis['slots'][number], HTMLSelectElement][] = [];
  let optCtls: [Analysis['options'][number], Control][] = [];
  let filterSel: HTMLSelectElement | null = null;
  const title = h('input', {
    type: 'text',
    name: 'title',
    autocomplete: 'off',
    maxLength: 200,
    value: initial?.label ?? '',
  });

  const build = (): void => {
    const ds = app.model.dataset(dsSel.value);
    if (ds === undefined) return;
    slotSels = a.slots.map((s) => [s, slotControl(ds, s, initial?.slots[s.key])]);
    optCtls = a.options.map((o) => [o, optionControl(ds, o, initial?.options[o.key])]);
    const filters = app.model.filters(ds.name);
    filterSel = filters.length
      ? h(
          'select',
          { name: 'filter' },
          h('option', { value: '' }, '(all rows)'),
          filters.map((f) =>
            h('option', { value: f.name, selected: f.name === initial?.filter }, f.name),
          ),
        )
      : null;
    initial = undefined;
    const empty = slotSels.filter(
      ([s, sel]) => (s.count === 'one' || s.count === 'many') && sel.options.length < (s.min ?? 1),
    );
    replace(
      body,
      slotSels.map(([s, sel]) => field(s.label, sel, slotHint(s)).row),
      optCtls.length ? h('h3', { class: 'options-title' }, 'Options') : null,
      optCtls.map(([o, c]) =>
        o.kind === 'boolean'
          ? h(
              'div',
              { class: 'field check' },
              c,
              h('label', { for: (c.id ||= `opt-${o.key}`) }, o.label),
            )
          : field(o.label, c, o.hint).row,
      ),
      filterSel ? field('Filter', filterSel).row : null,
      empty.length
        ? h(
            'p',
            { class: 'form-error' },
            `${ds.name} has no variable that fits "${empty[0]?.[0].label}".`,
          )
        : null,
    );
    run.disabled = empty.length > 0;
  };
  dsSel.addEventListener('change', build);

  const form = h(
    'form',
    { class: 'dialog-form' },
    helpText(a),
    field('Dataset', dsSel).row,
    body,
    a.kind === 'graph' ? field('Title', title).row : null,
    error,
    h('div', { class: 'actions' }, run),
  );
  const { close } = openDialog(from ? `${a.label}: ${from.name}` : a.label, form);
  build();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const choices = readChoices(slotSels, optCtls);
    if (filterSel?.value) choices.filter = filterSel.value;
    if (a.kind === 'graph') choices.settings = { ...app.prefs.settings };
    if (a.kind === 'graph' && title.value.trim()) choices.label = title.value.trim();
    if (a.kind === 'graph') choices.size = graphSize(cardInnerWidth());
    const problem = validateChoices(a, choices);
    if (problem !== null) {
      error.textContent = problem;
      return;
    }
    const req = buildRequest(a, dsSel.value, from?.name ?? newName(app, a), choices);
    if (from?.label !== undefined && a.kind !== 'graph') req.label = from.label;
    close();
    send(app, a, req);
  });
}

/**
 * The width inside an output card now, in CSS pixels: a card's content width when one is
 * shown, else the outputs panel's (or the window's, with no panel laid out) less a card's
 * padding and border as styles.css gives them.
 */
function cardInnerWidth(): number {
  const host = document.querySelector<HTMLElement>('.outputs-host');
  const sides = (el: Element): number => {
    const cs = getComputedStyle(el);
    return parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);
  };
  const card = host?.querySelector<HTMLElement>('.output');
  if (card && card.clientWidth > 0) return card.clientWidth - sides(card);
  const width = host && host.clientWidth > 0 ? host.clientWidth - sides(host) : window.innerWidth;
  // A card's 0.75rem padding and 1px border on each side (styles.css, `.output`).
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return width - 1.5 * rem - 2;
}

/** Reopens the dialog that made the output `o`, when a menu entry made it; false if none. */
export function reopenAnalysis(app: App, o: PObject): boolean {
  const a = analysisOf(o);
  if (a === undefined || !isAnalysisRequest(o)) return false;
  openAnalysisDialog(app, a.id, o.dataset, o);
  return true;
}
