// A dataset: its size, actions on it, and the spreadsheet. The grid is kept between
// renders as long as the dataset itself did not change, so scrolling and sorting stay.
import type { App } from '../app.ts';
import { h } from '../dom.ts';
import type { Dataset } from '../types.ts';
import { createGrid } from './grid.ts';

let cached: { ds: Dataset; grid: HTMLElement } | null = null;

/** Actions offered on a dataset. */
export interface DatasetActions {
  newVariable(ds: string): void;
  newFilter(ds: string): void;
  analyze(id: string, ds: string): void;
}

/** The dataset view, or a plain message when the dataset does not exist (any more). */
export function renderDataset(app: App, name: string, actions: DatasetActions): HTMLElement {
  const ds = app.model.dataset(name);
  if (ds === undefined)
    return h(
      'section',
      { class: 'view' },
      h('p', {}, `There is no dataset called "${name}" in this workspace.`),
      h('a', { href: '#/' }, 'Back to the workspace'),
    );
  if (cached?.ds !== ds)
    cached = {
      ds,
      grid: createGrid(ds, (v) => app.navigate({ view: 'variable', dataset: name, variable: v })),
    };
  const rows = ds.variables[0]?.values.length ?? 0;
  return h(
    'section',
    { class: 'view dataset-view' },
    h(
      'div',
      { class: 'toolbar' },
      h('h2', {}, ds.name),
      h(
        'span',
        { class: 'hint' },
        `${rows.toLocaleString()} rows × ${ds.variables.length} variables`,
      ),
      h('span', { class: 'grow' }),
      h(
        'button',
        { type: 'button', on: { click: () => actions.analyze('descriptives', name) } },
        'Descriptives',
      ),
      h(
        'button',
        { type: 'button', on: { click: () => actions.newVariable(name) } },
        'New variable',
      ),
      h('button', { type: 'button', on: { click: () => actions.newFilter(name) } }, 'New filter'),
    ),
    cached.grid,
  );
}
