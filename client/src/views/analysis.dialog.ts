// The dialog behind each Analyze and Graph menu entry: pick the dataset, the variables
// (only those that fit each slot are offered), options and a filter, then run it.
import type { App } from '../app.ts';
import {
  analysisById,
  buildRequest,
  fittingVariables,
  validateChoices,
  type Analysis,
  type Choices,
  type Slot,
} from '../analyses.ts';
import { field, h, openDialog, replace, toast } from '../dom.ts';
import { freshName } from '../names.ts';
import { replyError, type Dataset } from '../types.ts';

function slotControl(ds: Dataset, s: Slot): HTMLSelectElement {
  const vars = fittingVariables(ds, s);
  const sel = h('select', {
    name: s.key,
    multiple: s.count === 'many',
    size: s.count === 'many' ? Math.min(6, Math.max(3, vars.length)) : 0,
  });
  if (s.count === 'optional') sel.append(h('option', { value: '' }, '(none)'));
  for (const v of vars) sel.append(h('option', { value: v.name }, `${v.name} (${v.variableType})`));
  if (s.count === 'many' && vars[0]) (sel.options[0] as HTMLOptionElement).selected = true;
  return sel;
}

function optionControl(o: Analysis['options'][number]): HTMLInputElement | HTMLSelectElement {
  if (o.kind === 'select')
    return h(
      'select',
      { name: o.key },
      (o.choices ?? []).map((c) => h('option', { value: c, selected: c === o.default }, c)),
    );
  if (o.kind === 'boolean')
    return h('input', { type: 'checkbox', name: o.key, checked: o.default === true });
  return h('input', {
    type: 'number',
    name: o.key,
    value: String(o.default),
    step: 'any',
    inputMode: 'decimal',
  });
}

/** Opens the dialog for analysis `id` on dataset `dsName` (or the first dataset). */
export function openAnalysisDialog(app: App, id: string, dsName?: string): void {
  const a = analysisById(id);
  const datasets = app.model.datasets();
  if (a === undefined) return;
  if (datasets.length === 0) {
    toast('Import a dataset first: Data > Import CSV.', 'error');
    return;
  }
  const dsSel = h(
    'select',
    { name: 'dataset' },
    datasets.map((d) => h('option', { value: d.name, selected: d.name === dsName }, d.name)),
  );
  const body = h('div', { class: 'slots' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const run = h('button', { type: 'submit', class: 'primary' }, 'Run');
  let slotSels: [Slot, HTMLSelectElement][] = [];
  let optCtls: [Analysis['options'][number], HTMLInputElement | HTMLSelectElement][] = [];
  let filterSel: HTMLSelectElement | null = null;
  const title = h('input', { type: 'text', name: 'title', autocomplete: 'off', maxLength: 200 });

  const build = (): void => {
    const ds = app.model.dataset(dsSel.value);
    if (ds === undefined) return;
    slotSels = a.slots.map((s) => [s, slotControl(ds, s)]);
    optCtls = a.options.map((o) => [o, optionControl(o)]);
    const filters = app.model.filters(ds.name);
    filterSel = filters.length
      ? h(
          'select',
          { name: 'filter' },
          h('option', { value: '' }, '(all rows)'),
          filters.map((f) => h('option', { value: f.name }, f.name)),
        )
      : null;
    const empty = slotSels.filter(([s, sel]) => s.count !== 'optional' && sel.options.length === 0);
    replace(
      body,
      slotSels.map(
        ([s, sel]) =>
          field(
            s.label,
            sel,
            s.count === 'many'
              ? 'Ctrl-click or Shift-click to choose several.'
              : `Only ${s.accepts.join(' or ')} variables fit${s.levels ? ` (with ${s.levels} levels)` : ''}.`,
          ).row,
      ),
      optCtls.map(([o, c]) =>
        o.kind === 'boolean'
          ? h(
              'div',
              { class: 'field check' },
              c,
              h('label', { for: (c.id ||= `opt-${o.key}`) }, o.label),
            )
          : field(o.label, c).row,
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
    field('Dataset', dsSel).row,
    body,
    a.kind === 'graph' ? field('Title', title).row : null,
    error,
    h('div', { class: 'actions' }, run),
  );
  const { close } = openDialog(a.label, form);
  build();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const choices: Choices = { slots: {}, options: {} };
    for (const [s, sel] of slotSels)
      choices.slots[s.key] = [...sel.selectedOptions].map((o) => o.value).filter((v) => v !== '');
    for (const [o, c] of optCtls)
      choices.options[o.key] =
        c instanceof HTMLInputElement && c.type === 'checkbox' ? c.checked : c.value;
    if (filterSel?.value) choices.filter = filterSel.value;
    if (a.kind === 'graph') choices.settings = { ...app.prefs.settings };
    if (a.kind === 'graph' && title.value.trim()) choices.label = title.value.trim();
    const problem = validateChoices(a, choices);
    if (problem !== null) {
      error.textContent = problem;
      return;
    }
    const name = freshName(a.id.replace('.', ''), (n) => app.model.has(n) || app.pending.has(n));
    const req = buildRequest(a, dsSel.value, name, choices);
    close();
    void app.request([req]).then((reply) => {
      const err = replyError(reply, 'no reason given');
      if (err !== null) toast(`${a.label} failed: ${err}`, 'error');
    });
  });
}
