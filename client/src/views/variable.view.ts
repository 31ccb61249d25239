// A variable: its type and counts, its summary (a descriptives or frequency report) and a
// small graph (histogram or bar chart), both computed by the server in R on first view.
import { columnReader } from '../../../converters/client.ts';
import type { App } from '../app.ts';
import { h } from '../dom.ts';
import { columnTitle } from '../format.ts';
import { derivedName } from '../names.ts';
import { isGraphResult, isTable, type PObject, type Vector } from '../types.ts';
import { withValidPercent } from '../frequency.ts';
import { dateSummary, isMissing } from '../values.ts';
import { levelList, typeWord } from '../var-setup.ts';
import { drawnSize, graphImage, renderTable } from './render-result.ts';
import { openVariableSetup } from './variable-setup.dialog.ts';

/** Requests already sent, as `workspace id/name`: each is asked for once per workspace. */
const requested = new Set<string>();

function summaryRequests(app: App, ds: string, v: Vector): PObject[] {
  const numeric = v.variableType === 'scalar';
  const categorical =
    v.variableType === 'nominal' || v.variableType === 'ordinal' || v.variableType === 'logical';
  if (!numeric && !categorical) return [];
  const of = { dataset: ds, variables: [v.name] };
  const sum: PObject = {
    type: 'report',
    name: derivedName('view.sum', ds, v.name),
    reportType: numeric ? 'descriptives' : 'frequency',
    ...of,
  };
  const graph: PObject = {
    type: 'graph',
    name: derivedName('view.graph', ds, v.name),
    graphType: numeric ? 'hist' : 'bar',
    ...of,
    format: 'svg',
    width: 420,
    height: 300,
    settings: app.prefs.settings,
  };
  return [sum, graph];
}

/** The variable view; asks the server for the summary and graph the first time. */
export function renderVariable(app: App, dsName: string, varName: string): HTMLElement {
  const ds = app.model.dataset(dsName);
  const v = ds?.variables.find((x) => x.name === varName);
  if (ds === undefined || v === undefined)
    return h(
      'section',
      { class: 'view' },
      h('p', {}, `There is no variable "${varName}" in "${dsName}".`),
      h('a', { href: '#/' }, 'Back to the workspace'),
    );
  const reqs = summaryRequests(app, dsName, v);
  // Results already in the workspace are reused; each missing one is asked for once.
  const key = (r: PObject): string => `${app.workspace?.id ?? ''}/${r.name}`;
  const missingReqs = reqs.filter(
    (r) => app.model.get(r.name) === undefined && !requested.has(key(r)),
  );
  if (missingReqs.length > 0 && app.connInfo.state === 'connected') {
    for (const r of missingReqs) requested.add(key(r));
    void app.request(missingReqs);
  }
  const missing = v.values.filter((c) => isMissing(v, c)).length;
  const sum = reqs[0] ? app.model.get(reqs[0].name) : undefined;
  const graph = reqs[1] ? app.model.get(reqs[1].name) : undefined;
  const errs = reqs.map((r) => app.model.errorFor(r.name)).filter((e) => e !== undefined);
  const levels = v.variableType === 'nominal' || v.variableType === 'ordinal' ? levelList(v) : null;
  return h(
    'section',
    { class: 'view variable-view' },
    h(
      'div',
      { class: 'toolbar' },
      h('h2', {}, v.name, v.label ? h('span', { class: 'hint' }, ` ${v.label}`) : null),
      h(
        'button',
        { type: 'button', on: { click: () => openVariableSetup(app, dsName, v.name) } },
        'Set up…',
      ),
    ),
    h(
      'dl',
      { class: 'stats' },
      h('dt', {}, 'Type'),
      h('dd', { class: 'var-type' }, typeWord(v.variableType)),
      h('dt', {}, 'Rows'),
      h('dd', {}, v.values.length.toLocaleString()),
      h('dt', {}, 'Missing'),
      h('dd', {}, missing.toLocaleString()),
      levels
        ? [
            h('dt', {}, 'Levels'),
            h(
              'dd',
              {},
              levels.length > 12
                ? `${levels.slice(0, 12).join(', ')}, … (${levels.length})`
                : levels.join(', '),
            ),
          ]
        : null,
    ),
    errs.map((e) => h('p', { class: 'error', role: 'alert' }, e.message)),
    h(
      'div',
      { class: 'variable-panels' },
      h(
        'div',
        { class: 'panel' },
        h('h3', {}, 'Summary'),
        v.variableType === 'datetime'
          ? renderTable(dateSummary(v), `${dsName}_${v.name}_summary`, columnReader, columnTitle)
          : isTable(sum?.result)
            ? renderTable(
                withValidPercent(sum.result),
                `${dsName}_${v.name}_summary`,
                columnReader,
                columnTitle,
              )
            : h('p', { class: 'hint' }, reqs.length ? 'Computing…' : 'No summary for this type.'),
      ),
      h(
        'div',
        { class: 'panel' },
        h('h3', {}, 'Graph'),
        graph && isGraphResult(graph.result)
          ? graphImage(
              `${graph.name}:${graph.hash ?? ''}`,
              graph.result,
              `Graph of ${v.name}`,
              drawnSize(graph),
            )
          : h('p', { class: 'hint' }, reqs.length ? 'Computing…' : 'No graph for this type.'),
      ),
    ),
  );
}
