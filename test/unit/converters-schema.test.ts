import assert from 'node:assert/strict';
import {
  dataMessageSchema,
  graphSettingsSchema,
  isColor,
  normalizeColor,
  okMessageSchema,
  pingMessageSchema,
  validateObject,
  type ValidationResult,
} from '../../converters/index.ts';

const vec = (extra: Record<string, unknown>) => ({
  type: 'vector',
  name: 'x',
  variableType: 'scalar',
  values: [1, 2],
  ...extra,
});
/** A t.test request on `variables` with `options` (the options are what the cases vary). */
const tTest = (options: Record<string, unknown>, variables = ['y']) => ({
  type: 'test',
  name: 't',
  test: 't.test',
  dataset: 'd',
  variables,
  options,
});
const ds = {
  type: 'dataset',
  name: 'd',
  variables: [vec({}), vec({ name: 'y', variableType: 'logical', values: [true, null] })],
};

function fails(
  r: ValidationResult,
  code: 'invalid_object' | 'unknown_type' | 'too_large',
  pattern: RegExp,
): void {
  assert.equal(r.ok, false, 'expected a failure');
  if (r.ok) return;
  assert.equal(r.code, code, r.message);
  assert.match(r.message, pattern);
}

describe('converters: validateObject', () => {
  const valid: [string, unknown][] = [
    ['scalar vector', vec({ missing: [99], decimals: 2, label: 'X', description: 'd' })],
    ['scalar vector with NaN/Inf strings', vec({ values: [1, 'NaN', 'Inf', '-Inf', null] })],
    ['binary Buffer values', vec({ values: Buffer.alloc(24) })],
    ['binary Float64Array values', vec({ values: new Float64Array([1, NaN]) })],
    ['binary Uint8Array values', vec({ values: new Uint8Array(8) })],
    ['nominal strings', vec({ variableType: 'nominal', values: ['a', 'b', null] })],
    [
      'nominal strings with labels',
      vec({ variableType: 'ordinal', values: ['lo', 'hi'], labels: ['lo', 'mid', 'hi'] }),
    ],
    [
      'nominal codes with array labels',
      vec({ variableType: 'nominal', values: [1, 2, null], labels: ['m', 'f'] }),
    ],
    [
      'nominal codes with object labels',
      vec({ variableType: 'nominal', values: [10, 20], labels: { '10': 'a', '20': 'b' } }),
    ],
    [
      'missing code not in labels',
      vec({ variableType: 'nominal', values: [1, 9], labels: ['a'], missing: [9] }),
    ],
    ['datetime', vec({ variableType: 'datetime', values: [0, 1.5e9] })],
    ['dataset', ds],
    ['empty dataset', { type: 'dataset', name: 'd', variables: [] }],
    ['filter', { type: 'filter', name: 'f', dataset: 'd', formula: 'x > 1' }],
    [
      'newvar',
      {
        type: 'command',
        name: 'c',
        command: 'newvar',
        dataset: 'd',
        variable: 'z',
        formula: 'x*2',
      },
    ],
    ['read', { type: 'command', name: 'c', command: 'read', format: 'csv', text: 'a\n1' }],
    ['delete', { type: 'command', name: 'c', command: 'delete', target: 'd' }],
    [
      'descriptives',
      {
        type: 'report',
        name: 'r',
        reportType: 'descriptives',
        dataset: 'd',
        variables: ['x'],
        by: 'g',
        filter: 'f',
      },
    ],
    [
      'frequency',
      { type: 'report', name: 'r', reportType: 'frequency', dataset: 'd', variables: ['x', 'y'] },
    ],
    [
      't.test',
      {
        type: 'test',
        name: 't',
        test: 't.test',
        dataset: 'd',
        variables: ['x', 'g'],
        options: {
          mu: 0,
          alternative: 'less',
          paired: false,
          'var.equal': true,
          'conf.level': 0.9,
        },
      },
    ],
    [
      'chisq.test',
      {
        type: 'test',
        name: 't',
        test: 'chisq.test',
        dataset: 'd',
        variables: ['a', 'b'],
        options: { correct: false },
      },
    ],
    [
      'cor.test',
      {
        type: 'test',
        name: 't',
        test: 'cor.test',
        dataset: 'd',
        variables: ['a', 'b'],
        options: { method: 'kendall' },
      },
    ],
    ['lm', { type: 'test', name: 't', test: 'lm', dataset: 'd', variables: ['y', 'x1', 'x2'] }],
    [
      'aov',
      { type: 'test', name: 't', test: 'aov', dataset: 'd', variables: ['y', 'g'], options: {} },
    ],
    [
      'graph',
      {
        type: 'graph',
        name: 'g',
        graphType: 'scatter',
        dataset: 'd',
        variables: ['x', 'y', 'g'],
        format: 'png',
        width: 800,
        height: 600,
        scale: 2,
        label: 'T',
        xaxis: { label: 'x', limits: [0, 1] },
        settings: {
          colors: ['red', '#123'],
          point: { size: 1.5, symbol: 19 },
          'background-color': 'transparent',
        },
      },
    ],
    ['r', { type: 'r', name: 'r1', code: '1+1' }],
  ];
  for (const [what, obj] of valid) {
    it(`accepts ${what}`, () => {
      const r = validateObject(obj);
      assert.ok(r.ok, r.ok ? '' : r.message);
    });
  }

  it('drops unknown top-level keys', () => {
    const r = validateObject({ ...vec({}), hash: 3, extra: { deep: 1 } });
    assert.ok(r.ok);
    assert.equal('extra' in r.object, false);
  });

  it('tells unknown kinds from malformed objects', () => {
    fails(validateObject({ type: 'plot', name: 'p' }), 'unknown_type', /unknown type "plot"/);
    fails(
      validateObject({
        type: 'graph',
        name: 'g',
        graphType: 'pie',
        dataset: 'd',
        variables: ['x'],
      }),
      'unknown_type',
      /unknown graphType "pie"/,
    );
    fails(
      validateObject({
        type: 'report',
        name: 'r',
        reportType: 'x',
        dataset: 'd',
        variables: ['x'],
      }),
      'unknown_type',
      /reportType/,
    );
    fails(
      validateObject({ type: 'test', name: 't', test: 'wilcox', dataset: 'd', variables: ['x'] }),
      'unknown_type',
      /unknown test "wilcox"/,
    );
    fails(
      validateObject({ type: 'command', name: 'c', command: 'rm' }),
      'unknown_type',
      /unknown command "rm"/,
    );
    fails(validateObject({ type: 'toString', name: 'c' }), 'unknown_type', /toString/);
    fails(
      validateObject({ type: 'command', name: 'c', command: 'constructor' }),
      'unknown_type',
      /constructor/,
    );
    fails(validateObject({ name: 'p' }), 'invalid_object', /missing key "type"/);
    fails(validateObject({ type: 7, name: 'p' }), 'invalid_object', /"type" must be a string/);
    fails(
      validateObject({ type: 'graph', name: 'g' }),
      'invalid_object',
      /missing key "graphType"/,
    );
    fails(
      validateObject({ type: 'error', name: 'e', code: 'r_error', message: 'm' }),
      'invalid_object',
      /server only/,
    );
  });

  it('names the key at fault', () => {
    fails(
      validateObject(vec({ values: [1, 'a'] })),
      'invalid_object',
      /"values\[1\]": must be a number/,
    );
    fails(validateObject(vec({ name: '1x' })), 'invalid_object', /"name"/);
    fails(
      validateObject({ type: 'filter', name: 'f', formula: 'x' }),
      'invalid_object',
      /missing key "dataset"/,
    );
    fails(
      validateObject(vec({ variableType: 'nominal', values: ['a', 'z'], labels: ['a'] })),
      'invalid_object',
      /values\[1\].*not one of the labels/,
    );
    fails(
      validateObject(vec({ variableType: 'nominal', values: [1, 3], labels: ['a', 'b'] })),
      'invalid_object',
      /code 3/,
    );
    fails(
      validateObject(vec({ variableType: 'nominal', values: ['a', 1] })),
      'invalid_object',
      /mix/,
    );
    fails(
      validateObject(vec({ variableType: 'nominal', values: ['a'], labels: ['a', 'a'] })),
      'invalid_object',
      /distinct/,
    );
    fails(
      validateObject(vec({ variableType: 'logical', values: Buffer.alloc(8) })),
      'invalid_object',
      /binary/,
    );
    fails(validateObject(vec({ values: Buffer.alloc(7) })), 'invalid_object', /multiple of 8/);
    fails(
      validateObject(vec({ variableType: 'datetime', values: ['Inf'] })),
      'invalid_object',
      /values\[0\]/,
    );
    fails(
      validateObject({ ...ds, variables: [vec({}), vec({ values: [1] })] }),
      'invalid_object',
      /used twice.*first variable has 2/s,
    );
    fails(validateObject(tTest({ mu: 1, muu: 2 })), 'invalid_object', /unknown key "options.muu"/);
    fails(validateObject(tTest({ 'conf.level': 1 })), 'invalid_object', /options.conf.level/);
    fails(
      validateObject({
        type: 'test',
        name: 't',
        test: 'chisq.test',
        dataset: 'd',
        variables: ['a', 'b', 'c'],
      }),
      'invalid_object',
      /variables/,
    );
    fails(
      validateObject({
        type: 'graph',
        name: 'g',
        graphType: 'hist',
        dataset: 'd',
        variables: ['x'],
        settings: { colour: 'red' },
      }),
      'invalid_object',
      /unknown key "settings.colour"/,
    );
    fails(
      validateObject({
        type: 'graph',
        name: 'g',
        graphType: 'hist',
        dataset: 'd',
        variables: ['x'],
        format: 'gif',
      }),
      'invalid_object',
      /"format"/,
    );
  });

  it('returns the name only when it is a valid name', () => {
    const bad = validateObject({ type: 'nope', name: 'ok.name' });
    assert.equal(bad.ok ? '' : bad.name, 'ok.name');
    const worse = validateObject({ type: 'nope', name: '<script>' });
    assert.equal(worse.ok ? '' : worse.name, null);
    const notString = validateObject({ type: 'nope', name: { a: 1 } });
    assert.equal(notString.ok ? '' : notString.name, null);
  });

  it('accepts extension kinds only when registered, built-ins first', () => {
    const rep = {
      type: 'report',
      name: 'r',
      reportType: 'normality',
      dataset: 'd',
      variables: ['x'],
      options: { alpha: 0.05 },
    };
    fails(validateObject(rep), 'unknown_type', /normality/);
    assert.ok(validateObject(rep, { reports: new Set(['normality']) }).ok);
    const test = {
      type: 'test',
      name: 't',
      test: 'normality.check',
      dataset: 'd',
      variables: ['x'],
      options: { x: [1, 2] },
    };
    assert.ok(validateObject(test, { tests: new Set(['normality.check']) }).ok);
    const graph = { type: 'graph', name: 'g', graphType: 'qqline', dataset: 'd', variables: ['x'] };
    assert.ok(validateObject(graph, { graphs: new Set(['qqline']) }).ok);
    // A registered name that shadows a built-in still gets the built-in's strict options.
    const tt = tTest({ bogus: 1 }, ['x']);
    fails(validateObject(tt, { tests: new Set(['t.test']) }), 'invalid_object', /bogus/);
  });

  it('refuses hostile payloads cheaply', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const ext = {
      type: 'report',
      name: 'r',
      reportType: 'e',
      dataset: 'd',
      variables: ['x'],
      options: { deep },
    };
    fails(validateObject(ext, { reports: new Set(['e']) }), 'invalid_object', /options/);
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    fails(
      validateObject({ ...ext, options: wide }, { reports: new Set(['e']) }),
      'invalid_object',
      /options/,
    );
    // Refused for size: too_large, the limit in the message (issue 10, defect 6).
    fails(validateObject(vec({ label: 'x'.repeat(2000) })), 'too_large', /label.*<=1000/);
    // A name of 65 characters breaks API.md's pattern: a bad name, not a size.
    fails(validateObject(vec({ name: `a${'b'.repeat(64)}` })), 'invalid_object', /name/);
    fails(
      validateObject({
        type: 'report',
        name: 'r',
        reportType: 'descriptives',
        dataset: `d${'x'.repeat(64)}`,
        variables: ['x'],
      }),
      'invalid_object',
      /dataset/,
    );
    fails(
      validateObject({ type: 'filter', name: 'f', dataset: 'd', formula: 'x'.repeat(5000) }),
      'too_large',
      /formula.*<=4096/,
    );
    fails(
      validateObject(vec({ variableType: 'nominal', values: ['x'.repeat(70_000)] })),
      'too_large',
      /values\[0\]/,
    );
    // Too long, not of the wrong type: the message says so.
    fails(
      validateObject(vec({ variableType: 'ordinal', values: ['a', 'x'.repeat(3_000_000)] })),
      'too_large',
      /"values\[1\]": must be at most 65536 characters/,
    );
    fails(
      validateObject({
        type: 'report',
        name: 'r',
        reportType: 'frequency',
        dataset: 'd',
        variables: Array(20_000).fill('x'),
      }),
      'too_large',
      /variables.*<=10000/,
    );
    const proto = JSON.parse(
      '{"type":"vector","name":"x","variableType":"scalar","values":[1],"__proto__":{"polluted":1}}',
    ) as unknown;
    assert.ok(validateObject(proto).ok);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    for (const raw of [null, 1, 'x', [], undefined, true])
      fails(validateObject(raw), 'invalid_object', /JSON object/);
    const longType = validateObject({ type: 'y'.repeat(100_000), name: 'n' });
    assert.ok(!longType.ok && longType.message.length < 100);
  });
});

describe('converters: message payloads', () => {
  it('checks data, ok and ping', () => {
    assert.ok(dataMessageSchema.safeParse({ seq: 1, objects: [{}, 'x'] }).success);
    assert.ok(!dataMessageSchema.safeParse({ seq: 1.5, objects: [] }).success);
    assert.ok(!dataMessageSchema.safeParse({ seq: 1 }).success);
    assert.ok(!dataMessageSchema.safeParse({ seq: 1, objects: Array(1001).fill(0) }).success);
    // Any integer is a seq (API.md §2); not a fraction, not past the safe range.
    assert.ok(dataMessageSchema.safeParse({ seq: -5, objects: [] }).success);
    assert.ok(!dataMessageSchema.safeParse({ seq: 2 ** 60, objects: [] }).success);
    assert.ok(okMessageSchema.safeParse({ seq: 0 }).success);
    assert.ok(!okMessageSchema.safeParse({ seq: 0.5 }).success);
    for (const t of [1, 'x', null, { a: [1, 2] }, true])
      assert.ok(pingMessageSchema.safeParse({ t }).success);
    let deep: unknown = 0;
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.ok(!pingMessageSchema.safeParse({ t: deep }).success);
    assert.ok(!pingMessageSchema.safeParse({}).success);
  });
});

describe('converters: graph settings and colors', () => {
  it('accepts the documented settings and nothing else', () => {
    const ok = {
      colors: ['#abc', '#AABBCC', '#aabbcc80', 'RebeccaPurple', 'transparent'],
      point: { size: 2, symbol: 0 },
      line: { width: 1, style: 'dashed' },
      text: { size: 1.2, family: 'serif' },
      bar: { fill: 'navy', border: '#000', width: 0.8 },
      'background-color': 'white',
    };
    assert.ok(graphSettingsSchema.safeParse(ok).success);
    for (const bad of [
      { colors: [] },
      { colors: ['url(javascript:alert(1))'] },
      { colors: ['#abcd1'] },
      { point: { symbol: 26 } },
      { point: { size: 0 } },
      { line: { style: 'wavy' } },
      { text: { family: 'Comic Sans' } },
      { bar: { width: 2 } },
      { 'background-color': 'red; x' },
      { extra: 1 },
    ]) {
      assert.ok(!graphSettingsSchema.safeParse(bad).success, JSON.stringify(bad));
    }
  });

  it('normalizes colors to #RRGGBBAA', () => {
    assert.equal(normalizeColor('#abc'), '#AABBCCFF');
    assert.equal(normalizeColor('#A1B2C3'), '#A1B2C3FF');
    assert.equal(normalizeColor('#a1b2c380'), '#A1B2C380');
    assert.equal(normalizeColor('Aqua'), '#00FFFFFF');
    assert.equal(normalizeColor('transparent'), '#FFFFFF00');
    assert.throws(() => normalizeColor('bogus'), TypeError);
    assert.equal(isColor('constructor'), false);
    assert.equal(isColor('__proto__'), false);
  });
});
