// The client's other DOM-free logic: the workspace model, which variables fit which
// analysis, the requests built from dialogs, sorting, value formatting, settings, routes.
import assert from 'node:assert/strict';
import {
  analysisById,
  buildRequest,
  fittingVariables,
  isApplicable,
  validateChoices,
} from '../../client/src/analyses.ts';
import {
  ApiError,
  failureOf,
  messageFor,
  normalizePrefNames,
  normalizeWorkspaces,
} from '../../client/src/api.ts';
import { WorkspaceModel } from '../../client/src/model.ts';
import { checkName, derivedName, freshName } from '../../client/src/names.ts';
import { hashToRoute, routeToHash } from '../../client/src/route.ts';
import { defaultSettings, normalizeSettings } from '../../client/src/settings.ts';
import { sortOrder } from '../../client/src/sort.ts';
import { isPObject, replyError, type Dataset, type Vector } from '../../client/src/types.ts';
import { graph, report, tTest } from '../fixtures/client-objects.ts';
import { dateSummary, formatCell, formatValue, toNumber } from '../../client/src/values.ts';

const vec = (
  name: string,
  variableType: Vector['variableType'],
  values: Vector['values'],
  extra: Partial<Vector> = {},
): Vector => ({ type: 'vector', name, variableType, values, ...extra });
const ds: Dataset = {
  type: 'dataset',
  name: 'd',
  variables: [
    vec('score', 'scalar', [3, null, 1, 'NaN', 2]),
    vec('grp', 'nominal', ['a', 'b', 'a', 'b', null]),
    vec('three', 'nominal', ['x', 'y', 'z', 'x', 'y']),
    vec('flag', 'logical', [true, false, true, null, false]),
  ],
};

describe('client workspace model', () => {
  it('replaces everything on reset, applies results, commands and errors', () => {
    const m = new WorkspaceModel();
    let changes = 0;
    m.subscribe(() => changes++);
    m.reset([ds, report('r1', { hash: 1, result: { columns: [], rows: [] } })]);
    assert.deepEqual(
      m.datasets().map((d) => d.name),
      ['d'],
    );
    m.apply([
      {
        type: 'command',
        name: 'n',
        command: 'newvar',
        dataset: 'd',
        variable: 'z',
        formula: 'score*2',
        result: { variable: vec('z', 'scalar', [6, null, 2, 'NaN', 4]) },
      },
    ]);
    assert.deepEqual(
      m.dataset('d')?.variables.map((v) => v.name),
      ['score', 'grp', 'three', 'flag', 'z'],
    );
    m.apply([
      {
        type: 'command',
        name: 'e',
        command: 'read',
        format: 'csv',
        text: 'a\n1',
        result: { dataset: { type: 'dataset', name: 'e', variables: [vec('a', 'scalar', [1])] } },
      },
    ]);
    assert.ok(m.dataset('e'));
    m.apply([
      graph('g1', { hash: 5, result: {} }),
      { type: 'error', name: 'bad', code: 'r_error', message: 'boom' },
    ]);
    // Workspace order (the reports' order): the workspace as sent, then new ones last.
    assert.deepEqual(
      m.outputs().map((o) => o.name),
      ['r1', 'g1'],
    );
    assert.deepEqual(
      m.failedOutputs().map((e) => e.message),
      ['boom'],
    );
    m.apply([{ type: 'command', name: 'del', command: 'delete', target: 'g1' }]);
    assert.deepEqual(
      m.outputs().map((o) => o.name),
      ['r1'],
    );
    m.apply([report('view.sum.d.score', { hash: 9 })]);
    assert.deepEqual(
      m.outputs().map((o) => o.name),
      ['r1'],
      'helper objects of the views are not outputs',
    );
    m.reset([]);
    assert.equal(m.datasets().length, 0);
    assert.equal(changes, 7);
  });
});

describe('client analyses catalogue', () => {
  it('offers only the variables that fit a slot', () => {
    const t = analysisById('t.test');
    assert.ok(t);
    const [y, group] = t.slots;
    assert.ok(y && group);
    assert.deepEqual(
      fittingVariables(ds, y).map((v) => v.name),
      ['score'],
    );
    assert.deepEqual(
      fittingVariables(ds, group).map((v) => v.name),
      ['grp', 'flag'],
      'a group needs two levels',
    );
    const bar = analysisById('bar');
    assert.ok(bar?.slots[0]);
    assert.deepEqual(
      fittingVariables(ds, bar.slots[0]).map((v) => v.name),
      ['grp', 'three', 'flag'],
    );
    assert.equal(
      isApplicable(analysisById('cor.test') ?? t, { ...ds, variables: ds.variables.slice(1) }),
      false,
    );
  });

  it('builds the request objects of API.md', () => {
    const t = analysisById('t.test');
    assert.ok(t);
    const choices = { slots: { y: ['score'], group: ['grp'] }, options: { mu: '1' }, filter: 'f1' };
    assert.equal(validateChoices(t, choices), null);
    assert.deepEqual(buildRequest(t, 'd', 'ttest1', choices), {
      type: 'test',
      name: 'ttest1',
      test: 't.test',
      dataset: 'd',
      variables: ['score', 'grp'],
      filter: 'f1',
      options: { mu: 1, alternative: 'two.sided', 'var.equal': false, 'conf.level': 0.95 },
    });
    const d = analysisById('descriptives');
    assert.ok(d);
    assert.deepEqual(
      buildRequest(d, 'd', 'desc1', { slots: { variables: ['score'], by: ['grp'] }, options: {} }),
      {
        type: 'report',
        name: 'desc1',
        reportType: 'descriptives',
        dataset: 'd',
        variables: ['score'],
        by: 'grp',
      },
    );
    const hist = analysisById('hist');
    assert.ok(hist);
    const settings = { ...defaultSettings() };
    assert.deepEqual(
      buildRequest(hist, 'd', 'h1', { slots: { x: ['score'] }, options: {}, settings }),
      {
        type: 'graph',
        name: 'h1',
        graphType: 'hist',
        dataset: 'd',
        variables: ['score'],
        format: 'svg',
        settings,
      },
    );
    assert.match(validateChoices(t, { slots: { y: [] }, options: {} }) ?? '', /Choose a variable/);
    assert.match(
      validateChoices(t, { slots: { y: ['score'] }, options: { mu: 'abc' } }) ?? '',
      /must be a number/,
    );
  });
});

describe('client sorting and values', () => {
  it('sorts stably with missing values last, both ways', () => {
    const v = ds.variables[0];
    assert.ok(v);
    assert.deepEqual([...sortOrder(v, 'asc')], [2, 4, 0, 3, 1]);
    assert.deepEqual([...sortOrder(v, 'desc')], [0, 4, 2, 3, 1]);
    const g = ds.variables[1];
    assert.ok(g);
    assert.deepEqual([...sortOrder(g, 'asc')], [0, 2, 1, 3, 4]);
  });

  it('sorts 100,000 rows', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
    const order = sortOrder(vec('big', 'scalar', values), 'asc');
    for (let i = 1; i < order.length; i++)
      assert.ok((values[order[i] ?? 0] ?? 0) >= (values[order[i - 1] ?? 0] ?? 0));
  });

  it('formats R values for people', () => {
    assert.equal(toNumber('-Inf'), -Infinity);
    assert.ok(Number.isNaN(toNumber('NaN')));
    assert.equal(formatCell(null), 'NA');
    assert.equal(formatCell(0.000012345678), '1.23457e-5');
    assert.equal(formatCell(3.14159265), '3.14159');
    assert.equal(formatValue(vec('l', 'nominal', [], { labels: ['low', 'high'] }), 2), 'high');
    assert.equal(formatValue(vec('t', 'datetime', []), 86400), '1970-01-02');
    // A date-time variable's summary, computed in the browser: a missing code left out.
    const days = vec('t', 'datetime', [86400 * 3, null, 86400, -1, 86400 * 10], { missing: [-1] });
    assert.deepEqual(dateSummary(days), {
      columns: ['variable', 'n', 'missing', 'earliest', 'latest', 'days'],
      rows: [['t', 3, 2, '1970-01-02', '1970-01-11', 9]],
    });
    assert.equal(formatValue(vec('t', 'datetime', []), 86401.5), '1970-01-02T00:00:01.500Z');
    assert.equal(formatValue(vec('m', 'scalar', [], { missing: [-9] }), -9), '');
  });
});

describe('client settings, names, routes and API envelopes', () => {
  it('keeps valid settings and replaces the rest with defaults', () => {
    const s = normalizeSettings({
      colors: ['#000000', 'red'],
      point: { size: 2, symbol: 99 },
      line: { style: 'dotdash' },
      'background-color': '#ffeecc',
    });
    // Every color the server accepts is kept (in the editor's #rrggbb form), so that a set
    // stored by another client is not overwritten with defaults at the next save.
    assert.deepEqual(s.colors, ['#000000', '#ff0000']);
    assert.equal(s.point.size, 2);
    assert.equal(s.point.symbol, defaultSettings().point.symbol);
    assert.equal(s.line.style, 'dotdash');
    assert.equal(s['background-color'], '#ffeecc');
  });

  it('reads every color form the server accepts, and drops what it refuses', () => {
    const s = normalizeSettings({
      colors: ['#abc', '#11223380', 'SteelBlue', 'not-a-color', 7],
      bar: { fill: 'tomato', border: '#FFF' },
      'background-color': 'transparent',
    });
    assert.deepEqual(s.colors, ['#aabbcc', '#112233', '#4682b4']);
    assert.equal(s.bar.fill, '#ff6347');
    assert.equal(s.bar.border, '#ffffff');
    assert.equal(s['background-color'], '#ffffff');
  });

  it("checks a typed name: the rule in the field's error slot, cleared once valid", () => {
    const error = { textContent: null as string | null };
    assert.equal(checkName('1abc', error), false);
    assert.match(error.textContent ?? '', /starts with a letter/);
    assert.equal(checkName('abc.1', error), true);
    assert.equal(error.textContent, '');
  });

  it('makes fresh and derived names that are valid', () => {
    assert.equal(
      freshName('ttest', (n) => n === 'ttest1'),
      'ttest2',
    );
    const long = derivedName('view.sum', 'd'.repeat(64), 'v'.repeat(64));
    assert.match(long, /^[A-Za-z][A-Za-z0-9_.]{0,63}$/);
    assert.notEqual(long, derivedName('view.sum', 'd'.repeat(64), `${'v'.repeat(63)}w`));
  });

  it('round-trips routes through the hash', () => {
    for (const r of [
      { view: 'workspace' },
      { view: 'dataset', dataset: 'a.b' },
      { view: 'variable', dataset: 'd', variable: 'x_1' },
    ] as const)
      assert.deepEqual(hashToRoute(routeToHash(r)), r);
    assert.deepEqual(hashToRoute('#/nonsense'), { view: 'workspace' });
  });

  it('places a failed account call by its code: the server one, or network', () => {
    const e = new ApiError('weak_password', 400, 'Too short');
    const f = failureOf(e);
    assert.deepEqual([f.code, f.message], ['weak_password', 'Too short']);
    assert.deepEqual(failureOf(new TypeError('Failed to fetch')), {
      code: 'network',
      message: messageFor('network'),
    });
  });

  it('reads the first error of a reply, with a fallback for one without a message', () => {
    assert.equal(replyError([report('a')], 'x'), null);
    const err = { type: 'error', name: 'b', code: 'too_large', message: 'Too large' } as const;
    assert.equal(replyError([report('a'), err], 'x'), 'Too large');
    // As it would come off the wire: only the shallow check of the protocol stands before it.
    const bare: unknown = JSON.parse('{"type": "error", "name": "c"}');
    assert.ok(isPObject(bare));
    assert.equal(replyError([bare], 'no reason given'), 'no reason given');
  });

  it("reads the server's list envelopes", () => {
    assert.deepEqual(
      normalizeWorkspaces({
        workspaces: [
          { id: 'a', name: 'A', current: false },
          { id: 'b', name: 'B', current: true },
        ],
      }),
      [
        { id: 'a', name: 'A', current: false },
        { id: 'b', name: 'B', current: true },
      ],
    );
    assert.deepEqual(
      normalizePrefNames({ preferences: [{ name: 'default', updatedAt: 'x' }, { name: 'print' }] }),
      ['default', 'print'],
    );
  });

  it('orders outputs as the server does: reorder, replaced in place, recreated last', () => {
    const m = new WorkspaceModel();
    const names = () => m.outputs().map((o) => o.name);
    m.reset([
      report('a', { hash: 3, result: {} }),
      { type: 'note', name: 'b', text: 'x' },
      tTest('c', { hash: 1, result: {} }),
      graph('d', { hash: 2, result: {} }),
    ]);
    assert.deepEqual(names(), ['a', 'b', 'c', 'd']);
    // The named ones take the places they held, in the new sequence (PUT .../order).
    m.reorder(['d', 'a']);
    assert.deepEqual(names(), ['d', 'b', 'c', 'a']);
    m.apply([tTest('c', { hash: 99, result: { p: 1 } })]);
    assert.deepEqual(names(), ['d', 'b', 'c', 'a'], 'a replaced output keeps its place');
    m.apply([{ type: 'command', name: 'x', command: 'delete', target: 'd' }]);
    m.apply([graph('d', { hash: 100, result: {} })]);
    assert.deepEqual(names(), ['b', 'c', 'a', 'd'], 'made again, it comes last');
  });
});
