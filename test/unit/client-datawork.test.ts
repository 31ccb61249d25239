/**
 * The browser client's data work (issue 14), DOM-free parts: a typed cell checked with the
 * server's own rule before an `edit`, the setup panel's levels, renames and missing codes,
 * the sheets of an Excel workbook made by R itself, and the model applying `edit`,
 * `levels` and `settype` replies in place.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkCell } from '../../client/src/cell-edit.ts';
import { withValidPercent } from '../../client/src/frequency.ts';
import { WorkspaceModel } from '../../client/src/model.ts';
import type { Dataset, Vector } from '../../client/src/types.ts';
import {
  decimalMarkOf,
  levelList,
  missingText,
  moveLevel,
  parseMissing,
  renames,
} from '../../client/src/var-setup.ts';
import { formatOf, sheetNamesOf, xlsxSheets } from '../../client/src/xlsx-sheets.ts';
import { editCells } from '../../converters/vector-edit.ts';

const num = (values: Vector['values'], missing?: Vector['missing']): Vector => ({
  type: 'vector',
  name: 'x',
  variableType: 'scalar',
  values,
  ...(missing ? { missing } : {}),
});
const nom: Vector = {
  type: 'vector',
  name: 'supp',
  variableType: 'nominal',
  values: ['VC', 'OJ', null],
  labels: ['OJ', 'VC'],
};
const coded: Vector = {
  type: 'vector',
  name: 'sex',
  variableType: 'nominal',
  values: [1, 2, 9],
  labels: { '1': 'male', '2': 'female', '9': 'refused' },
  missing: [9],
};

describe('client: a typed cell is checked before it is sent', () => {
  it('takes numbers (a decimal comma too), non-finite words, empty and NA as missing', () => {
    const v = num([1, 2]);
    assert.deepEqual(checkCell(v, ' 3.5 '), { ok: true, value: 3.5, newLevel: false });
    assert.deepEqual(checkCell(v, '1,5'), { ok: true, value: 1.5, newLevel: false });
    assert.deepEqual(checkCell(v, '-1e3'), { ok: true, value: -1000, newLevel: false });
    assert.deepEqual(checkCell(v, 'Inf'), { ok: true, value: 'Inf', newLevel: false });
    assert.deepEqual(checkCell(v, ''), { ok: true, value: null, newLevel: false });
    assert.deepEqual(checkCell(v, 'NA'), { ok: true, value: null, newLevel: false });
  });

  it('refuses what the type cannot hold and says what to type', () => {
    const r = checkCell(num([1]), 'abc');
    assert.equal(r.ok, false);
    assert.match(
      r.ok ? '' : r.message,
      /"abc" is not a number\. Type a number such as 3\.5.*Escape cancels/,
    );
    const d = checkCell({ ...num([0]), variableType: 'datetime' }, '2024-02-30');
    assert.match(d.ok ? '' : d.message, /not a date-time.*2024-03-31/);
    const l = checkCell({ ...num([true]), variableType: 'logical' }, 'maybe');
    assert.match(l.ok ? '' : l.message, /Type TRUE or FALSE/);
  });

  it('agrees with the server: every value it accepts, the server’s edit takes', () => {
    const cases: [Vector, string[]][] = [
      [num([1, 2]), ['3.5', '1,5', '-Inf', 'NaN', '', '0', '.5']],
      [{ ...num([true, false]), variableType: 'logical' }, ['T', 'false', '1', 'no', 'TRUE']],
      [{ ...num([0]), variableType: 'datetime' }, ['2024-03-31', '2024-03-31T14:05:00Z', '86400']],
      [nom, ['OJ', 'new level', '']],
      [coded, ['female', '2', '7', '9']],
    ];
    for (const [v, typed] of cases)
      for (const t of typed) {
        const c = checkCell(v, t);
        assert.ok(c.ok, `${v.variableType} accepts ${t}`);
        assert.doesNotThrow(() => editCells(v, [1], [c.value]), `server takes ${t}`);
      }
  });

  it('logical words, listed missing codes, new levels and code labels', () => {
    const lg = { ...num([true]), variableType: 'logical' as const };
    assert.deepEqual(checkCell(lg, 'yes'), { ok: true, value: true, newLevel: false });
    assert.deepEqual(checkCell(num([1], [-99]), '-99'), { ok: true, value: -99, newLevel: false });
    assert.deepEqual(checkCell(nom, 'VC'), { ok: true, value: 'VC', newLevel: false });
    assert.deepEqual(checkCell(nom, 'XX'), { ok: true, value: 'XX', newLevel: true });
    assert.deepEqual(checkCell(coded, 'female'), { ok: true, value: 2, newLevel: false });
    assert.deepEqual(checkCell(coded, '5'), { ok: true, value: 5, newLevel: true });
    const bad = checkCell(coded, 'other');
    assert.match(bad.ok ? '' : bad.message, /not a label of sex.*male, female/);
  });
});

describe('client: the variable setup panel', () => {
  it('turns levels written with a decimal comma into numbers with that mark', () => {
    const texts = (values: Vector['values']): Vector => ({
      ...num(values),
      variableType: 'nominal',
    });
    assert.equal(decimalMarkOf(texts(['1,5', '2', null, '-0,25'])), ',');
    assert.equal(decimalMarkOf(texts(['77,1', '', '68,0'])), ',', 'an empty level is missing');
    assert.equal(decimalMarkOf(texts(['1.5', '2'])), '.');
    assert.equal(decimalMarkOf(texts(['1,5', '2.5'])), '.');
    assert.equal(decimalMarkOf(texts(['1,5', 'high'])), '.');
    assert.equal(decimalMarkOf(texts(['1', '2'])), '.');
    assert.equal(decimalMarkOf(coded), '.');
    assert.equal(decimalMarkOf(num([1.5])), '.');
  });

  it('lists levels as the server counts them', () => {
    assert.deepEqual(levelList(nom), ['OJ', 'VC']);
    assert.deepEqual(levelList(coded), ['male', 'female', 'refused']);
    assert.deepEqual(levelList({ ...num([2, 0.5, 1, 2, null]), variableType: 'nominal' }), [
      '0.5',
      '1',
      '2',
    ]);
  });

  it('moves a level (buttons and drag), clamped at the ends', () => {
    assert.deepEqual(moveLevel(['a', 'b', 'c'], 2, 0), ['c', 'a', 'b']);
    assert.deepEqual(moveLevel(['a', 'b', 'c'], 0, 1), ['b', 'a', 'c']);
    assert.deepEqual(moveLevel(['a', 'b'], 1, 5), ['a', 'b']);
  });

  it('renames: only changed names, never empty or a duplicate', () => {
    assert.deepEqual(renames(['OJ', 'VC'], ['Orange juice', 'VC']), {
      ok: true,
      rename: { OJ: 'Orange juice' },
    });
    assert.match(JSON.stringify(renames(['a', 'b'], ['b', 'b'])), /Two levels would be called/);
    assert.match(JSON.stringify(renames(['a'], ['  '])), /is empty/);
  });

  it('missing codes: numbers for numeric variables, texts otherwise, empty removes', () => {
    assert.deepEqual(parseMissing(num([1]), '-99, 999; -99'), { ok: true, codes: [-99, 999] });
    assert.deepEqual(parseMissing(num([1]), ''), { ok: true, codes: [] });
    const bad = parseMissing(num([1]), '-99, n/a');
    assert.match(bad.ok ? '' : bad.message, /"n\/a" is not a number/);
    assert.deepEqual(parseMissing(nom, 'n/a, refused'), { ok: true, codes: ['n/a', 'refused'] });
    assert.deepEqual(parseMissing(coded, '9'), { ok: true, codes: [9] });
    assert.equal(missingText(coded), '9');
  });
});

describe('client: the sheets of an Excel workbook', function () {
  this.timeout(30_000);
  it('lists the sheets of a workbook R wrote, in readxl’s order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'panthr-xlsx-'));
    try {
      const file = path.join(dir, 'w.xlsx');
      const code = `wb <- openxlsx::createWorkbook()
        for (s in c("Data & more", "Zwei <b>", "drittes")) openxlsx::addWorksheet(wb, s)
        openxlsx::writeData(wb, 1, data.frame(a = 1:3))
        openxlsx::saveWorkbook(wb, commandArgs(TRUE)[1])
        cat(readxl::excel_sheets(commandArgs(TRUE)[1]), sep = "\\n")`;
      const fromR = execFileSync('Rscript', ['--vanilla', '-e', code, file], { encoding: 'utf8' });
      const sheets = await xlsxSheets(new Uint8Array(readFileSync(file)));
      assert.deepEqual(sheets, fromR.trim().split('\n'));
      assert.deepEqual(sheets, ['Data & more', 'Zwei <b>', 'drittes']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives null for bytes that are no workbook, and reads names from workbook.xml', async () => {
    assert.equal(await xlsxSheets(new Uint8Array([80, 75, 3, 4, 0, 0])), null);
    assert.deepEqual(
      sheetNamesOf(
        `<x:sheets><x:sheet name="A&amp;B" sheetId="1"/><sheet sheetId="2" name='&#228;'/></x:sheets>`,
      ),
      ['A&B', 'ä'],
    );
    assert.equal(formatOf('Daten.SAV'), 'sav');
    assert.equal(formatOf('a.b.dta'), 'dta');
    assert.equal(formatOf('x.txt'), 'csv');
  });
});

describe('client model: edit, levels and settype replies', () => {
  it('puts the variable of the reply in its place', () => {
    const ds: Dataset = { type: 'dataset', name: 'tg', variables: [num([4.2, 11.5]), nom] };
    const m = new WorkspaceModel();
    m.reset([ds]);
    const edited = { ...num([100, 11.5]) };
    m.apply([
      {
        type: 'command',
        name: 'view.edit1',
        command: 'edit',
        dataset: 'tg',
        variable: 'x',
        rows: [1],
        values: [100],
        result: { variable: edited },
      },
    ]);
    assert.deepEqual(
      m.dataset('tg')?.variables.map((v) => v.values),
      [[100, 11.5], nom.values],
    );
    const reordered = { ...nom, labels: ['VC', 'OJ'] };
    m.apply([
      {
        type: 'command',
        name: 'view.levels1',
        command: 'levels',
        dataset: 'tg',
        variable: 'supp',
        labels: ['VC', 'OJ'],
        result: { variable: reordered },
      },
    ]);
    assert.deepEqual(m.dataset('tg')?.variables[1]?.labels, ['VC', 'OJ']);
    assert.equal(m.has('view.levels1'), false, 'the command is not kept');
  });
});

describe('client: the valid % of a frequency table', () => {
  it('is the count over the non-missing count, per variable; null on the missing row', () => {
    const t = withValidPercent({
      columns: ['variable', 'value', 'count', 'percent'],
      rows: [
        ['g', 'a', 1, 25],
        ['g', 'b', 2, 50],
        ['g', null, 1, 25],
        ['h', 'x', 3, 100],
      ],
    });
    assert.deepEqual(t.columns, ['variable', 'value', 'count', 'percent', 'valid_percent']);
    assert.deepEqual(
      t.rows.map((r) => r[4]),
      [100 / 3, 200 / 3, null, 100],
    );
    // By a group: per variable and group.
    const g = withValidPercent({
      columns: ['variable', 'group', 'value', 'count', 'percent'],
      rows: [
        ['g', 'm', 'a', 1, 50],
        ['g', 'm', null, 1, 50],
        ['g', 'f', 'a', 3, 75],
        ['g', 'f', 'b', 1, 25],
      ],
    });
    assert.deepEqual(
      g.rows.map((r) => r[5]),
      [100, null, 75, 25],
    );
    // Any other table is left as it is.
    const d = { columns: ['variable', 'n'], rows: [['x', 3]] };
    assert.equal(withValidPercent(d), d);
  });
});
