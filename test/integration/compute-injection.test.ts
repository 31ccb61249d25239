/**
 * No user text reaches R as code: R code that would create a file is sent through every
 * string field of every object kind (names where the schema lets it through, labels,
 * descriptions, values, labels of levels, missing codes, formulas, CSV text and headers,
 * graph titles, axis labels and settings, test options, extension options). Each request
 * must either work or fail with a proper error code, and the file must never appear. A
 * control shows that the same probe does create the file when full R is allowed, so the
 * test can fail.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { makeDataset } from '../fixtures/compute/datasets.ts';
import { PANTHR_R, startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';

const NORMALITY = path.resolve(path.dirname(PANTHR_R), '../../extensions/normality.R');
// Its test "pid" takes any options: extension options must reach R as values too.
const TEST_EXTENSION = path.resolve(import.meta.dirname, '../fixtures/r/test-extension.R');
const TAG = `panthr-pwned-${process.pid}-${Date.now()}`;
const target = (i: number): string => path.join(os.tmpdir(), `${TAG}-${i}`);

/** Ways of smuggling `file.create(target)` (or system()) into R source. */
function payloads(file: string): string[] {
  return [
    `"); file.create("${file}"); ("`,
    `'); file.create('${file}'); ('`,
    `\`); file.create("${file}"); (\``,
    `\`a\` <- file.create("${file}")`,
    `x\n file.create("${file}")\n`,
    `"]]); file.create("${file}"); .d[["`,
    `\\"); system("touch ${file}"); #`,
    `${file}"); system('touch ${file}'); eval(parse(text="1`,
    `file.create("${file}")`,
  ];
}

type Builder = (p: string) => Record<string, unknown>;
const vector = (p: string): Record<string, unknown> => ({
  type: 'vector',
  name: 'g',
  variableType: 'nominal',
  values: [p, 'b', p, null, 'b'],
  label: p,
  description: p,
  missing: [p],
});
const dataset = (p: string): Record<string, unknown> => ({
  type: 'dataset',
  name: 'inj',
  label: p,
  description: p,
  variables: [
    { type: 'vector', name: 'y', variableType: 'scalar', values: [1, 2, 3, 4.5, 5], label: p },
    { ...vector(p), missing: [] },
    {
      type: 'vector',
      name: 'o',
      variableType: 'ordinal',
      values: [1, 2, 1, 2, 2],
      labels: [p, `${p}2`],
    },
  ],
});

/** Every object kind, with the payload in each of its string fields. */
const BUILDERS: Record<string, Builder> = {
  'vector values, label, description, missing': vector,
  'vector name': (p) => ({ ...vector('a'), name: p }),
  'dataset labels, values, level labels': dataset,
  'dataset variable name': (p) => ({
    ...dataset('a'),
    variables: [{ type: 'vector', name: p, variableType: 'scalar', values: [1] }],
  }),
  'filter formula (as text)': (p) => ({ type: 'filter', name: 'f', dataset: 'inj', formula: p }),
  'filter formula (in a string literal)': (p) => ({
    type: 'filter',
    name: 'f',
    dataset: 'inj',
    formula: `g == "${p.replace(/["\\]/g, '')}" | g != ${JSON.stringify(p)}`,
    label: p,
  }),
  'filter dataset name': (p) => ({ type: 'filter', name: 'f', dataset: p, formula: 'y > 1' }),
  'newvar formula': (p) => ({
    type: 'command',
    name: 'n',
    command: 'newvar',
    dataset: 'inj',
    variable: 'w',
    formula: p,
  }),
  'newvar string value': (p) => ({
    type: 'command',
    name: 'n',
    command: 'newvar',
    dataset: 'inj',
    variable: 'w',
    formula: `g == ${JSON.stringify(p)}`,
    description: p,
  }),
  'newvar variable name': (p) => ({
    type: 'command',
    name: 'n',
    command: 'newvar',
    dataset: 'inj',
    variable: p,
    formula: 'y',
  }),
  'read CSV cells and headers': (p) => ({
    type: 'command',
    name: 'csv',
    command: 'read',
    format: 'csv',
    text: `${JSON.stringify(p)},b\n${JSON.stringify(p)},1\nx,2\n`,
  }),
  'read CSV raw text': (p) => ({
    type: 'command',
    name: 'csv',
    command: 'read',
    format: 'csv',
    text: `a,b\n${p},1\n`,
  }),
  'delete target': (p) => ({ type: 'command', name: 'del', command: 'delete', target: p }),
  'report label': (p) => ({
    type: 'report',
    name: 'r',
    reportType: 'frequency',
    dataset: 'inj',
    variables: ['g', 'o'],
    label: p,
  }),
  'report variables and by': (p) => ({
    type: 'report',
    name: 'r',
    reportType: 'descriptives',
    dataset: 'inj',
    variables: [p],
    by: p,
  }),
  'report type': (p) => ({
    type: 'report',
    name: 'r',
    reportType: p,
    dataset: 'inj',
    variables: ['y'],
  }),
  'test options': (p) => ({
    type: 'test',
    name: 't',
    test: 't.test',
    dataset: 'inj',
    variables: ['y'],
    options: { alternative: p },
  }),
  'extension test options': (p) => ({
    type: 'test',
    name: 't',
    test: 'pid',
    dataset: 'inj',
    variables: ['y'],
    options: { [p.slice(0, 100)]: p },
  }),
  'test kind': (p) => ({ type: 'test', name: 't', test: p, dataset: 'inj', variables: ['y'] }),
  'graph title and axis labels': (p) => ({
    type: 'graph',
    name: 'gr',
    graphType: 'box',
    dataset: 'inj',
    variables: ['y', 'g'],
    label: p,
    xaxis: { label: p },
    yaxis: { label: p },
  }),
  'graph settings': (p) => ({
    type: 'graph',
    name: 'gr',
    graphType: 'bar',
    dataset: 'inj',
    variables: ['g'],
    settings: { colors: [p], text: { family: p } },
  }),
  'graph format': (p) => ({
    type: 'graph',
    name: 'gr',
    graphType: 'hist',
    dataset: 'inj',
    variables: ['y'],
    format: p,
  }),
  'r code (not allowed)': (p) => ({ type: 'r', name: 'code', code: p }),
  type: (p) => ({ type: p, name: 'x' }),
};

/** Fields where the payload is valid data, so it must reach R (as data) and work. */
const REACH_R = new Set([
  'vector values, label, description, missing',
  'dataset labels, values, level labels',
  'filter formula (in a string literal)',
  'newvar string value',
  'read CSV cells and headers',
  'read CSV raw text',
  'report label',
  'graph title and axis labels',
]);

const CODES = new Set([
  'invalid_object',
  'unknown_type',
  'not_found',
  'too_large',
  'forbidden',
  'r_error',
]);

describe('compute: no user text reaches R as code', function () {
  this.timeout(120_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;
  let probes = 0;

  before(async () => {
    r = await startPanthrR([NORMALITY, TEST_EXTENSION]);
    rt = await r.runtime();
    const base = rt.validate(dataset('plain'));
    assert.ok(base.ok);
    assert.equal((await rt.run(base.object)).reply[0]?.type, 'dataset');
    await rt.run(makeDataset('d', 10, 1, false));
  });
  after(async () => {
    await r?.stop();
    for (let i = 0; i < probes; i++) rmSync(target(i), { force: true });
  });

  for (const [field, build] of Object.entries(BUILDERS)) {
    it(field, async () => {
      const outcomes = new Set<string>();
      for (let k = 0; k < payloads('').length; k++) {
        const i = probes++;
        const p = payloads(target(i))[k] as string;
        const v = rt.validate(build(p));
        if (!v.ok) {
          assert.ok(CODES.has(v.code), `${field}: ${v.code}`);
          outcomes.add(v.code);
        } else {
          const reply = (await rt.run(v.object)).reply[0] as Record<string, unknown>;
          const code = reply['type'] === 'error' ? String(reply['code']) : 'ok';
          assert.ok(
            code === 'ok' || CODES.has(code),
            `${field}: ${JSON.stringify(reply).slice(0, 300)}`,
          );
          outcomes.add(code);
        }
        assert.equal(
          existsSync(target(i)),
          false,
          `${field}: ${JSON.stringify(p)} created the file`,
        );
      }
      if (REACH_R.has(field))
        assert.ok(outcomes.has('ok'), `${field}: the payload reached R as data at least once`);
    });
  }

  it('values with the payload come back from R unchanged (data, not code)', async () => {
    const p = payloads(target(probes++))[0] as string;
    const v = rt.validate({ ...dataset(p), name: 'back' });
    assert.ok(v.ok);
    await rt.run(v.object);
    const out = await rt.run({
      type: 'report',
      name: 'fq',
      reportType: 'frequency',
      dataset: 'back',
      variables: ['g'],
    });
    const rows = (out.reply[0] as { result: { rows: unknown[][] } }).result.rows;
    assert.deepEqual(
      rows.map((row) => row[1]),
      [p, 'b', null],
    );
  });

  it('control: the probe does create the file when full R runs it', async () => {
    const i = probes++;
    const full = await r.runtime({ allowFullR: true });
    await full.run({
      type: 'r',
      name: 'control',
      code: `file.create(${JSON.stringify(target(i))})`,
    });
    assert.equal(existsSync(target(i)), true);
  });
});
