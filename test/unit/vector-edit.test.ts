/**
 * The pure variable changes behind `edit`, `levels` and `settype` (converters/vector-edit),
 * in each form a nominal vector takes, and the API 1.1 command schemas.
 */
import assert from 'node:assert/strict';
import {
  ConversionError,
  currentLevels,
  editCells,
  jsonValues,
  renameLevels,
  reorderLevels,
  setType,
  validateObject,
  type PanthrVector,
} from '../../converters/index.ts';

const vec = (o: Partial<PanthrVector>): PanthrVector => ({
  type: 'vector',
  name: 'v',
  variableType: 'nominal',
  values: [],
  ...o,
});

/** SPSS-like: codes with labels, 9 user-missing (not a level). */
const coded = vec({ values: [1, 2, 9, 1], labels: { '1': 'male', '2': 'female' }, missing: [9] });

function refuses(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof ConversionError && re.test(e.message));
}

describe('vector edits (edit, levels, settype)', () => {
  it('knows the levels of every form', () => {
    assert.deepEqual(currentLevels(coded), ['male', 'female']);
    assert.deepEqual(currentLevels(vec({ values: ['b', 'a', 'b'] })), ['b', 'a']);
    assert.deepEqual(currentLevels(vec({ values: [2, 0.5, 1] })), ['0.5', '1', '2']);
    assert.deepEqual(currentLevels(vec({ values: [2, 1], labels: ['x', 'y'] })), ['x', 'y']);
  });

  it('edits coded cells by code or label, giving a new code its own label', () => {
    const v = editCells(coded, [1, 2, 4], ['female', 3, null]);
    assert.deepEqual(jsonValues(v.values), [2, 3, 9, null]);
    assert.deepEqual(v.labels, { '1': 'male', '2': 'female', '3': '3' });
    refuses(() => editCells(coded, [1], ['other']), /"other" is not a label or a code/);
  });

  it('edits text cells, a new text becoming the last level', () => {
    const v = editCells(vec({ values: ['b', 'a'], labels: ['b', 'a'] }), [2], ['c']);
    assert.deepEqual(
      [jsonValues(v.values), v.labels],
      [
        ['b', 'c'],
        ['b', 'a', 'c'],
      ],
    );
    const codes = editCells(vec({ values: [1, 2], labels: ['x', 'y'] }), [1], ['y']);
    assert.deepEqual(
      [jsonValues(codes.values), codes.labels],
      [
        ['y', 'y'],
        ['x', 'y'],
      ],
    );
  });

  it('checks cells against scalar, logical and datetime types', () => {
    const x = vec({ variableType: 'scalar', values: [1, 2] });
    assert.deepEqual(jsonValues(editCells(x, [1, 2], ['3.5', 'Inf']).values), [3.5, 'Inf']);
    refuses(() => editCells(x, [1], ['abc']), /row 1: "abc" is not a number/);
    refuses(() => editCells(x, [3], [1]), /past the last row \(2\)/);
    const t = vec({ variableType: 'datetime', values: [0] });
    assert.deepEqual(jsonValues(editCells(t, [1], ['2020-01-01']).values), [1577836800]);
    const b = vec({ variableType: 'logical', values: [true] });
    assert.deepEqual(jsonValues(editCells(b, [1], ['no']).values), [false]);
    refuses(() => editCells(b, [1], ['maybe']), /not true or false/);
    // A yes/no column (and R's T/F words) becomes logical; an empty text is missing.
    const yn = vec({ variableType: 'nominal', values: ['yes', 'No', 'T', 'False', ''] });
    assert.deepEqual(jsonValues(setType(yn, 'logical').values), [true, false, true, false, null]);
  });

  it('renames coded levels keeping the codes; reorders into text form keeping missing codes', () => {
    const renamed = renameLevels(coded, { male: 'm' });
    assert.deepEqual(
      [jsonValues(renamed.values), renamed.labels],
      [[1, 2, 9, 1], { '1': 'm', '2': 'female' }],
    );
    const reordered = reorderLevels(coded, ['female', 'male']);
    assert.deepEqual(
      [jsonValues(reordered.values), reordered.labels, reordered.missing],
      [['male', 'female', 9, 'male'], ['female', 'male'], [9]],
    );
    refuses(() => reorderLevels(coded, ['female', 'female']), /2 levels/);
    refuses(() => renameLevels(coded, { male: 'female' }), /already a level/);
  });

  it('changes types both ways, keeping codes as numbers and refusing what cannot convert', () => {
    assert.deepEqual(jsonValues(setType(coded, 'scalar').values), [1, 2, 9, 1]);
    const dose = setType(vec({ variableType: 'scalar', values: [0.5, 2, 1] }), 'nominal');
    assert.deepEqual(currentLevels(dose), ['0.5', '1', '2']);
    // Levels as R's as.character writes them (15 significant digits).
    const sum = setType(vec({ variableType: 'scalar', values: [0.1 + 0.2, 0.5] }), 'nominal');
    assert.deepEqual(
      [jsonValues(sum.values), sum.labels],
      [
        ['0.3', '0.5'],
        ['0.3', '0.5'],
      ],
    );
    const back = setType(reorderLevels(dose, ['2', '1', '0.5']), 'scalar');
    assert.deepEqual([back.variableType, jsonValues(back.values)], ['scalar', [0.5, 2, 1]]);
    assert.equal(setType(dose, 'ordinal').variableType, 'ordinal');
    refuses(
      () => setType(vec({ variableType: 'scalar', values: [1, 'Inf'] }), 'nominal'),
      /row 2: Inf cannot be a level/,
    );
    const m = setType(vec({ variableType: 'scalar', values: [1, 99] }), 'scalar', [99]);
    assert.deepEqual(m.missing, [99]);
    assert.equal(setType(m, 'scalar', []).missing, undefined);
  });

  it('reads texts with a decimal comma as numbers when told, as type.convert(dec = ",")', () => {
    const text = vec({ variableType: 'nominal', values: ['1,5', '-2', null, ',25', '3,0e2'] });
    const n = setType(text, 'scalar', undefined, ',');
    assert.deepEqual(jsonValues(n.values), [1.5, -2, null, 0.25, 300]);
    refuses(() => setType(text, 'scalar'), /row 1: "1,5" is not a number/);
    const dotted = vec({ variableType: 'nominal', values: ['1,5', '2.5'] });
    refuses(
      () => setType(dotted, 'scalar', undefined, ','),
      /row 2: "2.5" is not a number written with a decimal comma/,
    );
  });
});

describe('API 1.1 data command schemas', () => {
  const ok = (o: Record<string, unknown>) => validateObject({ type: 'command', name: 'c', ...o });
  const message = (o: Record<string, unknown>) => {
    const r = ok(o);
    assert.equal(r.ok, false, JSON.stringify(o));
    return r.ok ? '' : r.message;
  };

  it('takes read of each format with its own keys only', () => {
    assert.ok(
      ok({ command: 'read', format: 'csv', text: 'a\n1', separator: ';', decimal: ',' }).ok,
    );
    assert.ok(ok({ command: 'read', format: 'csv', data: 'YQoxCg==', encoding: 'latin1' }).ok);
    assert.ok(ok({ command: 'read', format: 'xlsx', data: Buffer.from('x'), sheet: 2 }).ok);
    assert.ok(ok({ command: 'read', format: 'sav', data: new Uint8Array(3) }).ok);
    assert.match(message({ command: 'read', format: 'csv' }), /exactly one of "text" and "data"/);
    // The same mark for both: quoted numbers ("1,5") read as numbers.
    assert.ok(ok({ command: 'read', format: 'csv', text: 'a', separator: ',', decimal: ',' }).ok);
    assert.match(message({ command: 'read', format: 'csv', text: 'a', sheet: 1 }), /only for xlsx/);
    assert.match(message({ command: 'read', format: 'dta', text: 'a' }), /as bytes in "data"/);
    assert.match(message({ command: 'read', format: 'sav', data: 'not base64!' }), /base64/);
    assert.equal(
      (ok({ command: 'read', format: 'ods', data: 'AA==' }) as { ok: false; code: string }).code,
      'invalid_object',
    );
  });

  it('takes edit, levels and settype, refusing malformed ones', () => {
    const base = { dataset: 'd', variable: 'v' };
    assert.ok(ok({ command: 'edit', ...base, rows: [1, 2], values: [1, null] }).ok);
    assert.match(
      message({ command: 'edit', ...base, rows: [1, 2], values: [1] }),
      /1 values for 2 rows/,
    );
    assert.match(message({ command: 'edit', ...base, rows: [0], values: [1] }), /rows/);
    assert.ok(ok({ command: 'levels', ...base, labels: ['b', 'a'] }).ok);
    assert.ok(ok({ command: 'levels', ...base, rename: { a: 'A' } }).ok);
    assert.match(message({ command: 'levels', ...base }), /exactly one of "labels"/);
    assert.ok(ok({ command: 'settype', ...base, variableType: 'nominal', missing: [9] }).ok);
    assert.match(message({ command: 'settype', ...base, variableType: 'text' }), /variableType/);
  });
});
