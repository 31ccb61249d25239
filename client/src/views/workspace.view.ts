// The top of the hierarchy: the workspace's datasets and filters, and a drop zone for CSV.
import type { App } from '../app.ts';
import { deleteObject } from '../data-actions.ts';
import { h, onFileDrop, toast } from '../dom.ts';
import type { ObjectOf } from '../types.ts';
import { confirmDialog } from './confirm.dialog.ts';

/** Asks, then deletes filter `f`. */
async function deleteFilter(app: App, f: ObjectOf<'filter'>): Promise<void> {
  const ok = await confirmDialog(
    'Delete filter',
    `Delete the filter "${f.name}" (${f.formula})?`,
    'Results computed with it say they cannot be computed again. Ctrl+Z brings it back.',
    'Delete filter',
  );
  if (!ok) return;
  const err = await deleteObject(app, f.name);
  toast(err ?? `Deleted ${f.name}. Press Ctrl+Z to undo.`, err === null ? 'info' : 'error');
}

/** The workspace view; `onImport` opens the import dialog (with a dropped file, if any). */
export function renderWorkspace(app: App, onImport: (file?: File) => void): HTMLElement {
  const datasets = app.model.datasets();
  const filters = app.model.filters();
  const drop = h(
    'div',
    { class: 'dropzone', tabIndex: 0, role: 'button', 'aria-label': 'Import a data file' },
    h('strong', {}, 'Import a data file'),
    h(
      'span',
      {},
      'CSV, Excel (.xlsx), SPSS (.sav) or Stata (.dta): drop it here, or press to choose a file.',
    ),
  );
  drop.addEventListener('click', () => onImport());
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onImport();
    }
  });
  onFileDrop(drop, onImport);
  return h(
    'section',
    { class: 'view workspace-view' },
    h('h2', {}, 'Datasets'),
    datasets.length === 0 ? h('p', { class: 'hint' }, 'This workspace has no dataset yet.') : null,
    h(
      'ul',
      { class: 'cards' },
      datasets.map((d) => {
        const rows = d.variables[0]?.values.length ?? 0;
        return h(
          'li',
          {},
          h(
            'a',
            { href: `#/d/${encodeURIComponent(d.name)}`, class: 'card' },
            h('strong', {}, d.name),
            h(
              'span',
              { class: 'hint' },
              `${rows.toLocaleString()} rows × ${d.variables.length} variables`,
            ),
          ),
        );
      }),
    ),
    drop,
    filters.length > 0 ? h('h2', {}, 'Filters') : null,
    filters.length > 0
      ? h(
          'ul',
          { class: 'plain' },
          filters.map((f) =>
            h(
              'li',
              {},
              h('strong', {}, f.name),
              ` on ${f.dataset}: `,
              h('code', {}, f.formula),
              ' ',
              h(
                'button',
                {
                  type: 'button',
                  class: 'small danger-outline',
                  'aria-label': `Delete filter ${f.name}`,
                  on: { click: () => void deleteFilter(app, f) },
                },
                'Delete',
              ),
            ),
          ),
        )
      : null,
  );
}
