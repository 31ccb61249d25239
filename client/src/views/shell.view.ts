// The logged-in screen: menu bar, breadcrumbs (Workspace > Dataset > Variable), the
// current view, the outputs list and the login menu in the corner.
import type { App } from '../app.ts';
import { ANALYSES } from '../analyses.ts';
import { h, replace, toast } from '../dom.ts';
import type { Route } from '../route.ts';
import { openAnalysisDialog } from './analysis.dialog.ts';
import { createCorner } from './corner.view.ts';
import { renderDataset } from './dataset.view.ts';
import { openFormulaDialog } from './formula.dialog.ts';
import { openImportDialog } from './import.dialog.ts';
import { sendUndo } from '../undo.keys.ts';
import { applyWidth } from './outputs-layout.ts';
import { renderOutputs } from './outputs.view.ts';
import { addNote, exportItems } from './output-tools.ts';
import { openPrefsDialog } from './prefs.dialog.ts';
import { openPasswordDialog } from './password.dialog.ts';
import { openTokensDialog } from './tokens.dialog.ts';
import { openGroupsDialog } from './sharing.dialog.ts';
import { renderVariable } from './variable.view.ts';
import { renderWorkspace } from './workspace.view.ts';
import { openWorkspacesDialog } from './workspaces.dialog.ts';

/** A menu entry, or a string: the heading of the entries that follow it. */
type Item = [label: string, run: () => void] | string;

function menu(label: string, items: Item[]): HTMLElement {
  const d = h('details', { class: 'menu' });
  const list = h(
    'div',
    { class: 'menu-items', role: 'menu' },
    items.map((item) =>
      typeof item === 'string'
        ? h('div', { class: 'menu-heading', role: 'presentation' }, item)
        : menuItem(d, item),
    ),
  );
  d.append(h('summary', {}, label), list);
  d.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      d.open = false;
      d.querySelector('summary')?.focus();
    }
  });
  return d;
}

function menuItem(d: HTMLDetailsElement, [l, run]: [string, () => void]): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      role: 'menuitem',
      on: {
        click: () => {
          d.open = false;
          run();
        },
      },
    },
    l,
  );
}

/** The Analyze menu: the entries under the heading of their group. */
function analyzeItems(analyze: (id: string) => () => void): Item[] {
  const items: Item[] = [];
  let group: string | undefined;
  for (const a of ANALYSES.filter((x) => x.kind !== 'graph')) {
    if (a.group !== undefined && a.group !== group) items.push(a.group);
    group = a.group;
    items.push([`${a.label}…`, analyze(a.id)]);
  }
  return items;
}

/** What the views say while the workspace is on its way (API.md: the first `data`). */
const LOADING_TEXT = 'The workspace is still loading…';

function loadingView(): HTMLElement {
  return h(
    'section',
    { class: 'view loading-view', 'aria-busy': 'true' },
    h('p', { class: 'hint', role: 'status' }, h('span', { class: 'spinner' }), ` ${LOADING_TEXT}`),
  );
}

function currentDataset(app: App): string | undefined {
  const r = app.route;
  return r.view === 'workspace' ? app.model.datasets()[0]?.name : r.dataset;
}

function breadcrumbs(app: App, r: Route): HTMLElement {
  const crumbs: HTMLElement[] = [
    h(
      'a',
      { href: '#/' },
      app.workspace?.name ?? 'Workspace',
      app.readOnly
        ? h(
            'span',
            { class: 'badge', title: 'Shared with you: you can look, not change' },
            'shared, read-only',
          )
        : null,
    ),
  ];
  if (r.view !== 'workspace')
    crumbs.push(h('a', { href: `#/d/${encodeURIComponent(r.dataset)}` }, r.dataset));
  if (r.view === 'variable') crumbs.push(h('span', {}, r.variable));
  const last = crumbs[crumbs.length - 1];
  last?.setAttribute('aria-current', 'page');
  return h(
    'nav',
    { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' },
    h(
      'ol',
      {},
      crumbs.map((c) => h('li', {}, c)),
    ),
  );
}

/** Mounts the application screen into `root` and keeps it up to date. */
export function mountShell(root: HTMLElement, app: App): void {
  const needDataset = (run: (ds: string) => void) => (): void => {
    const ds = currentDataset(app);
    if (app.loading) toast(LOADING_TEXT, 'info');
    else if (ds === undefined) toast('Import a dataset first: Data > Import data.', 'error');
    else run(ds);
  };
  const analyze = (id: string) => (): void => {
    if (app.loading) toast(LOADING_TEXT, 'info');
    else openAnalysisDialog(app, id, currentDataset(app));
  };
  const corner = createCorner(app, {
    workspaces: () => openWorkspacesDialog(app),
    preferences: () => openPrefsDialog(app),
    password: () => openPasswordDialog(),
    tokens: () => openTokensDialog(),
    groups: () => openGroupsDialog(),
  });
  const bar = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' }, 'PanthR'),
    h(
      'nav',
      { class: 'menubar', 'aria-label': 'Main menu' },
      menu('Data', [
        ['Undo last change (Ctrl+Z)', () => void sendUndo(app, 'undo')],
        ['Redo (Ctrl+Shift+Z)', () => void sendUndo(app, 'redo')],
        ['Import data…', () => openImportDialog(app)],
        ['New variable…', needDataset((ds) => openFormulaDialog(app, 'newvar', ds))],
        ['New filter…', needDataset((ds) => openFormulaDialog(app, 'filter', ds))],
        ['Add note', () => addNote(app)],
      ]),
      menu('Analyze', analyzeItems(analyze)),
      menu(
        'Graph',
        ANALYSES.filter((a) => a.kind === 'graph').map((a): Item => [`${a.label}…`, analyze(a.id)]),
      ),
      menu('Export', exportItems(app)),
      menu('Settings', [
        ['Preferences…', () => openPrefsDialog(app)],
        ['Workspaces…', () => openWorkspacesDialog(app)],
      ]),
    ),
    h('span', { class: 'grow' }),
    corner.el,
  );
  const crumbsHost = h('div', { class: 'crumbs-host' });
  const viewHost = h('div', { class: 'view-host' });
  const outputsHost = h('aside', { class: 'outputs-host' });
  const layout = h(
    'div',
    { class: 'layout' },
    h('main', { class: 'main', id: 'main' }, viewHost),
    outputsHost,
  );
  applyWidth(layout);
  replace(root, bar, crumbsHost, layout);

  const actions = {
    newVariable: (ds: string) => openFormulaDialog(app, 'newvar', ds),
    newFilter: (ds: string) => openFormulaDialog(app, 'filter', ds),
    analyze: (id: string, ds: string) => openAnalysisDialog(app, id, ds),
  };
  let seen = { version: -1, route: '', ws: '' };
  const render = (): void => {
    corner.update();
    const key = {
      version: app.version,
      route: JSON.stringify(app.route),
      ws: `${app.workspace?.name ?? ''}${app.loading ? ' (loading)' : ''}`,
    };
    if (key.version === seen.version && key.route === seen.route && key.ws === seen.ws) return;
    seen = key;
    const r = app.route;
    replace(crumbsHost, breadcrumbs(app, r));
    if (app.loading) {
      // Nothing is known yet: neither "no dataset" nor "no such dataset" would be true.
      replace(viewHost, loadingView());
      replace(outputsHost);
      return;
    }
    replace(
      viewHost,
      r.view === 'workspace'
        ? renderWorkspace(app, (f) => openImportDialog(app, f))
        : r.view === 'dataset'
          ? renderDataset(app, r.dataset, actions)
          : renderVariable(app, r.dataset, r.variable),
    );
    const scroll = outputsHost.scrollTop;
    replace(outputsHost, renderOutputs(app));
    outputsHost.scrollTop = scroll;
  };
  app.subscribe(render);
  render();
  // Menus (and the account corner) are <details>: close any open one when the user clicks
  // elsewhere. Only those: a result's "Show R code" stays as its reader left it.
  document.addEventListener('click', (e) => {
    for (const d of root.querySelectorAll<HTMLDetailsElement>(
      'details.menu[open], details.corner[open]',
    ))
      if (!d.contains(e.target as Node)) d.open = false;
  });
}
