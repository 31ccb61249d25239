// A dataset: its size, actions on it, and the spreadsheet. The grid is kept between
// renders as long as the dataset itself did not change, so scrolling and sorting stay; a
// grid built again for a changed dataset (a cell edit) starts where the old one was.
import type { App } from '../app.ts';
import { deleteObject, sendEdit } from '../data-actions.ts';
import { h, toast } from '../dom.ts';
import type { Dataset } from '../types.ts';
import { confirmDialog } from './confirm.dialog.ts';
import { createGrid, newGridState, type GridState } from './grid.ts';

let cached: { ds: Dataset; grid: HTMLElement } | null = null;
/** Each dataset's place in its grid, by dataset name (this tab only). */
const places = new Map<string, GridState>();

/** Actions offered on a dataset. */
export interface DatasetActions {
  newVariable(ds: string): void;
  newFilter(ds: string): void;
  analyze(id: string, ds: string): void;
}

/** Asks, then deletes dataset `name` and goes back to the workspace. */
async function deleteDataset(app: App, ds: Dataset): Promise<void> {
  const rows = ds.variables[0]?.values.length ?? 0;
  const ok = await confirmDialog(
    'Delete dataset',
    `Delete the dataset "${ds.name}" (${rows.toLocaleString()} rows × ${ds.variables.length} variables)?`,
    'Its filters stop working and results computed from it say so. Ctrl+Z brings it back.',
    'Delete dataset',
  );
  if (!ok) return;
  const err = await deleteObject(app, ds.name);
  if (err !== null) toast(err, 'error');
  else {
    toast(`Deleted ${ds.name}. Press Ctrl+Z to undo.`);
    app.navigate({ view: 'workspace' });
  }
}

function grid(app: App, ds: Dataset): HTMLElement {
  let state = places.get(ds.name);
  if (state === undefined) places.set(ds.name, (state = newGridState()));
  return createGrid(
    ds,
    {
      onOpenVariable: (v) => app.navigate({ view: 'variable', dataset: ds.name, variable: v }),
      onEdit: (row, variable, value) => sendEdit(app, ds.name, variable, row, value),
    },
    state,
  );
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
  if (cached?.ds !== ds) cached = { ds, grid: grid(app, ds) };
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
      h(
        'button',
        {
          type: 'button',
          class: 'danger-outline',
          on: { click: () => void deleteDataset(app, ds) },
        },
        'Delete dataset',
      ),
    ),
    h(
      'p',
      { class: 'hint grid-help' },
      'Double-click a cell (or choose it and press Enter) to change it; Ctrl+Z undoes.',
    ),
    cached.grid,
  );
}
