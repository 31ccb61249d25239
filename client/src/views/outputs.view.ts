// The outputs list: every report, test, graph and note of the workspace in workspace order
// (the order of the reports; the user moves them, output-order.ts), then the requests still
// computing and the failed ones with the server's words, where the new result will appear.
import { columnReader, describeOutput } from '../../../converters/client.ts';
import type { App } from '../app.ts';
import { download, h, openDialog, toast } from '../dom.ts';
import { derivedName } from '../names.ts';
import {
  isErrorObject,
  isGraphResult,
  isTable,
  replyError,
  type ObjectOf,
  type PanthrObject,
  type PObject,
} from '../types.ts';
import { reopenAnalysis } from './analysis.dialog.ts';
import { dragHandle, dropTarget, moveButtons, restoreFocus } from './output-order.ts';
import { copyTables, noteBody, rCodeBlock } from './output-tools.ts';
import { graphAlt, isWide, widenButton } from './outputs-layout.ts';
import { renderAnalysis } from './render-analysis.ts';
import {
  drawnSize,
  graphBlob,
  graphImage,
  renderResult,
  renderTable,
  warningsOf,
} from './render-result.ts';
import { columnTitle } from '../format.ts';
import { withValidPercent } from '../frequency.ts';

const KIND: Record<string, string> = {
  report: 'Report',
  test: 'Test',
  graph: 'Graph',
  r: 'R',
  note: 'Note',
};

function describe(o: PanthrObject): string {
  return describeOutput(o) ?? o.type;
}

/** Asks the server for the same graph in another format and downloads it. */
async function exportGraph(
  app: App,
  o: ObjectOf<'graph'>,
  format: 'svg' | 'png' | 'pdf',
): Promise<void> {
  const current = o.result;
  if (format === 'svg' && isGraphResult(current) && current.format === 'svg') {
    download(graphBlob(current), `${o.name}.svg`);
    return;
  }
  const name = derivedName('view.export', o.name, format);
  // Exported at R's default size (640 x 480), whatever size the card drew it at.
  const { width: _w, height: _h, ...request } = o;
  const req: ObjectOf<'graph'> = {
    ...request,
    name,
    format,
    ...(format === 'png' ? { scale: 2 } : {}),
  };
  delete req.result;
  delete req.hash;
  const reply = await app.request([req]);
  const got = reply.find((r) => r.name === name);
  const result = got === undefined || isErrorObject(got) ? undefined : got.result;
  if (!isGraphResult(result)) {
    const why = got !== undefined && isErrorObject(got) ? got.message : 'no result';
    toast(`The ${format.toUpperCase()} export failed: ${why}`, 'error');
    return;
  }
  download(graphBlob(result), `${o.name}.${format}`);
  // The export copy is not part of the user's work: remove it from the workspace.
  void app.request([
    { type: 'command', name: derivedName('view.delete', name), command: 'delete', target: name },
  ]);
}

function deleteOutput(app: App, name: string): void {
  void app
    .request([
      { type: 'command', name: derivedName('view.delete', name), command: 'delete', target: name },
    ])
    .then((reply) => {
      const err = replyError(reply, 'no reason given');
      if (err !== null) toast(`Could not delete ${name}: ${err}`, 'error');
    });
}

/** A graph that opens large in a dialog on click, with alt text that describes it. */
function graphFigure(o: PObject, title: string): HTMLElement {
  if (!isGraphResult(o.result)) return h('p', {}, 'No graph.');
  const g = o.result;
  const alt = graphAlt(o);
  const img = graphImage(`${o.name}:${o.hash ?? ''}`, g, alt, drawnSize(o));
  const open = (): void => {
    const large = graphImage(`${o.name}:${o.hash ?? ''}`, g, alt);
    // At most twice the size it was drawn at: a closer look, not giant letters.
    const drawn = o.type === 'graph' && typeof o.width === 'number' ? o.width : 640;
    large.style.maxWidth = `${2 * drawn}px`;
    openDialog(title, h('div', { class: 'graph-large' }, large), { wide: true });
  };
  return h(
    'button',
    {
      type: 'button',
      class: 'graph-open',
      title: 'Open large',
      'aria-label': `Open large: ${alt}`,
      on: { click: open },
    },
    img,
  );
}

/** Sends an output's request again (a stale one then comes back current). */
function rerun(app: App, o: PObject): void {
  const req: PObject = { ...o };
  delete req.result;
  delete req.hash;
  delete req.stale;
  void app.request([req]).then((reply) => {
    const err = replyError(reply, 'no reason given');
    if (err !== null) toast(`Could not run ${o.name} again: ${err}`, 'error');
  });
}

/** A card's header: the drag handle, the title and the kind. */
function cardHeader(o: PObject, title: string): HTMLElement {
  return h(
    'header',
    {},
    dragHandle(o.name),
    h('h3', {}, title),
    h('span', { class: 'kind' }, KIND[o.type] ?? o.type),
  );
}

/** A card with its move buttons, and a place to drop another card. */
function placed(app: App, o: PObject, index: number, count: number): HTMLElement {
  const el = card(app, o);
  el.querySelector(':scope > .actions')?.append(...moveButtons(app, o.name, index, count));
  dropTarget(app, el, o.name);
  return el;
}

function card(app: App, o: PObject): HTMLElement {
  const title = o.label ?? o.name;
  const actions = h('div', { class: 'actions' });
  if (o.type === 'graph' && isGraphResult(o.result))
    for (const f of ['svg', 'png', 'pdf'] as const)
      actions.append(
        h(
          'button',
          { type: 'button', class: 'small', on: { click: () => void exportGraph(app, o, f) } },
          `Export ${f.toUpperCase()}`,
        ),
      );
  actions.append(
    h(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-label': `Delete ${o.name}`,
        on: { click: () => deleteOutput(app, o.name) },
      },
      'Delete',
    ),
  );
  if (o.type !== 'r' && o.type !== 'note')
    actions.prepend(
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          'aria-label': `Edit ${o.name}`,
          on: {
            click: () => {
              if (!reopenAnalysis(app, o)) toast('This output was not made from a menu.', 'error');
            },
          },
        },
        'Edit',
      ),
    );
  if (o.type === 'note')
    return h(
      'article',
      { class: 'output note', 'data-name': o.name },
      cardHeader(o, title),
      noteBody(app, o),
      actions,
    );
  // The server marks a result whose data changed under it (docs/api.md, stale results).
  const stale = o.stale ?? null;
  if (stale !== null)
    actions.prepend(
      h(
        'button',
        { type: 'button', class: 'small', on: { click: () => rerun(app, o) } },
        'Run again',
      ),
    );
  const warnings = warningsOf(o.result, o);
  const err = app.model.errorFor(o.name);
  const isTest = o.type === 'test' && typeof o.result === 'object' && o.result !== null;
  const body =
    o.result === undefined
      ? h('p', { class: 'hint' }, 'No result yet.')
      : o.type === 'test' && typeof o.result === 'object' && o.result !== null
        ? renderAnalysis(
            o.test,
            o.result as Record<string, unknown>,
            warnings,
            o.name,
            'options' in o ? o.options : undefined,
          )
        : isGraphResult(o.result)
          ? graphFigure(o, title)
          : o.type === 'report' && o.reportType === 'frequency' && isTable(o.result)
            ? renderTable(withValidPercent(o.result), o.name, columnReader, columnTitle)
            : renderResult(`${o.name}:${o.hash ?? ''}`, title, o.result, o.name);
  if (o.type !== 'graph')
    actions.prepend(
      h(
        'button',
        { type: 'button', class: 'small', on: { click: () => void copyTables(body) } },
        'Copy table',
      ),
    );
  return h(
    'article',
    { class: `output ${o.type}`, 'data-name': o.name },
    cardHeader(o, title),
    h('p', { class: 'hint' }, describe(o)),
    err ? h('p', { class: 'error' }, `The last update failed: ${err.message}`) : null,
    stale === null ? null : h('p', { class: 'stale', role: 'status' }, `Out of date: ${stale}.`),
    warnings.length > 0 && !isTest
      ? h(
          'ul',
          { class: 'warnings', 'aria-label': 'Warnings' },
          warnings.map((w) => h('li', {}, `Warning: ${w}`)),
        )
      : null,
    body,
    // A test's result shows its R code itself, after its warnings.
    isTest ? null : rCodeBlock(o.result),
    actions,
  );
}

/** The names shown by the last render, to bring a newly arrived output into view. */
let shown: ReadonlySet<string> | null = null;

/** Scrolls a single newly arrived output into view (it is last, maybe below the fold). */
function showArrival(list: HTMLElement, outs: readonly PObject[]): void {
  const before = shown;
  shown = new Set(outs.map((o) => o.name));
  const fresh = before === null ? [] : outs.filter((o) => !before.has(o.name));
  const [first] = fresh;
  if (fresh.length !== 1 || first === undefined) return;
  const name = first.name;
  queueMicrotask(() => {
    const el = [...list.querySelectorAll<HTMLElement>('article.output')].find(
      (c) => c.dataset['name'] === name,
    );
    el?.scrollIntoView({ block: 'nearest' });
  });
}

/** The outputs panel's content for the current state of `app`. */
export function renderOutputs(app: App): HTMLElement {
  const pending = [...app.pending.values()].filter(
    (o) => !o.name.startsWith('view.') && o.type !== 'command',
  );
  const failed = app.model.failedOutputs();
  const outs = app.model.outputs();
  const list = h(
    'section',
    { class: 'outputs', 'aria-label': 'Outputs' },
    h('header', { class: 'outputs-head' }, h('h2', {}, 'Outputs'), widenButton(isWide())),
    outs.length === 0 && pending.length === 0 && failed.length === 0
      ? h('p', { class: 'hint empty' }, 'Results of reports, tests and graphs appear here.')
      : null,
    outs.map((o, i) => placed(app, o, i, outs.length)),
    pending.map((o) =>
      h(
        'article',
        { class: 'output pending', 'aria-busy': 'true' },
        h(
          'header',
          {},
          h('h3', {}, o.name),
          h('span', { class: 'spinner', 'aria-label': 'Computing' }),
        ),
        h('p', { class: 'hint' }, `Computing ${describe(o)}…`),
      ),
    ),
    failed.map((e) =>
      h(
        'article',
        { class: 'output failed', role: 'alert' },
        h(
          'header',
          {},
          h('h3', {}, e.name),
          h(
            'button',
            { type: 'button', class: 'small', on: { click: () => app.model.dismissError(e.name) } },
            'Dismiss',
          ),
        ),
        h('p', { class: 'error' }, e.message),
      ),
    ),
  );
  restoreFocus(list);
  showArrival(list, outs);
  return list;
}
