/**
 * `read` (API 1.1) on real R: CSV with its options (separator, decimal comma, encoding,
 * `na`, bytes as binary or base64), Excel, SPSS and Stata files made by R itself in the
 * test (openxlsx, haven with value labels and user-missing codes); text levels in R's sorted
 * order, so a t-test agrees with R on the same file.
 */
import assert from 'node:assert/strict';
import { jsonValues, type PanthrDataset, type PanthrVector } from '../../converters/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { rFile, rscriptJson } from '../fixtures/compute/rscript.ts';
import { errorOf, resultOf } from '../fixtures/compute/run.ts';

function variable(d: PanthrDataset, name: string): PanthrVector {
  const v = d.variables.find((x) => x.name === name);
  assert.ok(v, `no variable ${name} in ${d.variables.map((x) => x.name).join(',')}`);
  return v;
}

async function read(rt: WorkspaceRuntime, o: Record<string, unknown>): Promise<PanthrDataset> {
  const res = await resultOf(rt, { type: 'command', command: 'read', ...o });
  return res['dataset'] as PanthrDataset;
}

describe('data: read files (API 1.1)', function () {
  this.timeout(120_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;

  before(async () => {
    r = await startPanthrR();
    rt = await r.runtime();
  });
  after(async () => r?.stop());

  it('reads a semicolon CSV with decimal commas, as bytes in latin1, with "n/a" as missing', async () => {
    const text = 'name;wert;gruppe\nMüller;1,5;b\nÖz;n/a;a\nZoë;-2,25;B\n';
    const data = Buffer.from(text, 'latin1');
    const d = await read(rt, {
      name: 'semi',
      format: 'csv',
      data,
      separator: ';',
      decimal: ',',
      encoding: 'latin1',
      na: ['n/a'],
    });
    assert.deepEqual(jsonValues(variable(d, 'wert').values), [1.5, null, -2.25]);
    assert.equal(variable(d, 'wert').variableType, 'scalar');
    assert.deepEqual(jsonValues(variable(d, 'name').values), ['Müller', 'Öz', 'Zoë']);
    const base64 = await read(rt, {
      name: 'semi64',
      format: 'csv',
      data: data.toString('base64'),
      separator: ';',
      decimal: ',',
      encoding: 'latin1',
      na: ['n/a'],
    });
    assert.deepEqual(base64.variables, d.variables);
  });

  it('reads quoted decimal commas in a comma-separated file, as text and as bytes', async () => {
    const text = 'id,weight,note\n1,"77,1",a\n2,"",b\n3,"68,0","c,d"\n';
    for (const body of [{ text }, { data: Buffer.from(text) }]) {
      const d = await read(rt, {
        name: 'qc',
        format: 'csv',
        separator: ',',
        decimal: ',',
        ...body,
      });
      assert.equal(variable(d, 'weight').variableType, 'scalar');
      assert.deepEqual(jsonValues(variable(d, 'weight').values), [77.1, null, 68]);
      assert.deepEqual(jsonValues(variable(d, 'note').values), ['a', 'b', 'c,d']);
    }
    // Unquoted, the mark splits the line: refused with the line named.
    const res = await errorOf(rt, {
      type: 'command',
      name: 'qc2',
      command: 'read',
      format: 'csv',
      separator: ',',
      decimal: ',',
      text: 'id,weight\n1,77,1\n',
    });
    assert.equal(res.code, 'invalid_object');
    assert.match(res.message, /line 2/);
  });

  it('gives text columns the levels factor() gives in the session, agreeing with R', async () => {
    const csv = 'g\nb\nB\na\nA\né\nZ\n_x\n10\n9\n';
    const d = await read(rt, { name: 'lv', format: 'csv', text: csv });
    const want = await rscriptJson<string[]>(
      `x <- read.csv(text = ${JSON.stringify(csv)}, stringsAsFactors = TRUE)$g\n` +
        'cat(jsonlite::toJSON(levels(x)))',
    );
    assert.deepEqual(variable(d, 'g').labels, want);
  });

  it('makes t.test(len ~ supp) on a CSV agree with R on the same file', async () => {
    const csv = (await rFile('write.csv(ToothGrowth, path, row.names = FALSE)', 'csv')).toString();
    const d = await read(rt, { name: 'tg', format: 'csv', text: csv });
    assert.deepEqual(variable(d, 'supp').labels, ['OJ', 'VC']);
    const res = await resultOf(rt, {
      type: 'test',
      name: 't1',
      test: 't.test',
      dataset: 'tg',
      variables: ['len', 'supp'],
    });
    const want = await rscriptJson<number[]>(
      `d <- read.csv(text = ${JSON.stringify(csv)}, stringsAsFactors = TRUE)\n` +
        't <- t.test(len ~ supp, data = d)\ncat(jsonlite::toJSON(c(t$statistic, t$p.value), digits = NA))',
    );
    assert.ok(Math.abs((res['statistic'] as number) - (want[0] as number)) < 1e-9);
    assert.ok(Math.abs((res['p_value'] as number) - (want[1] as number)) < 1e-12);
  });

  it('reads an xlsx sheet by name and by number (openxlsx-written, readxl-read)', async () => {
    const bytes = await rFile(
      'd <- data.frame(x = c(1.5, 2, NA), s = c("b", "a", NA), ok = c(TRUE, FALSE, TRUE),\n' +
        '  t = as.POSIXct(c("2020-01-01 10:00:00", "2021-05-05 00:00:00", NA), tz = "UTC"))\n' +
        'openxlsx::write.xlsx(list(first = d, second = data.frame(q = 1:3)), path)',
      'xlsx',
    );
    const d = await read(rt, { name: 'xl', format: 'xlsx', data: bytes, sheet: 'first' });
    assert.deepEqual(jsonValues(variable(d, 'x').values), [1.5, 2, null]);
    assert.deepEqual(variable(d, 's').labels, ['a', 'b']);
    assert.deepEqual(jsonValues(variable(d, 's').values), ['b', 'a', null]);
    assert.deepEqual(jsonValues(variable(d, 'ok').values), [true, false, true]);
    assert.equal(variable(d, 't').variableType, 'datetime');
    assert.deepEqual(jsonValues(variable(d, 't').values), [1577872800, 1620172800, null]);
    const second = await read(rt, { name: 'xl2', format: 'xlsx', data: bytes, sheet: 2 });
    assert.deepEqual(jsonValues(variable(second, 'q').values), [1, 2, 3]);
    const e = await errorOf(rt, {
      type: 'command',
      name: 'xl3',
      command: 'read',
      format: 'xlsx',
      data: bytes,
      sheet: 'third',
    });
    assert.equal(e.code, 'invalid_object');
    assert.match(e.message, /no sheet "third"/);
  });

  it('reads SPSS value labels as levels and user-missing codes as missing', async () => {
    const bytes = await rFile(
      'd <- data.frame(sex = haven::labelled_spss(c(1, 2, 9, 1, 3), c(male = 1, female = 2,\n' +
        '  refused = 9), na_values = 9, label = "Sex"), score = haven::labelled_spss(c(10, 99,\n' +
        '  12, 14, 11), na_values = 99), town = c("b", "a", "b", "c", "a"))\n' +
        'haven::write_sav(d, path)',
      'sav',
    );
    const d = await read(rt, { name: 'spss', format: 'sav', data: bytes.toString('base64') });
    const sex = variable(d, 'sex');
    assert.equal(sex.variableType, 'nominal');
    assert.deepEqual(jsonValues(sex.values), [1, 2, 9, 1, 3]);
    assert.deepEqual(sex.labels, { '1': 'male', '2': 'female', '9': 'refused', '3': '3' });
    assert.deepEqual(sex.missing, [9]);
    assert.equal(sex.label, 'Sex');
    const score = variable(d, 'score');
    assert.equal(score.variableType, 'scalar');
    assert.deepEqual(score.missing, [99]);
    assert.deepEqual(variable(d, 'town').labels, ['a', 'b', 'c']);
    // R's copy has the user-missing code as NA: its level is empty and 9 counts as missing.
    const freq = await resultOf(rt, {
      type: 'report',
      name: 'f1',
      reportType: 'frequency',
      dataset: 'spss',
      variables: ['sex'],
    });
    assert.deepEqual(
      freq.rows?.map((row) => [row[1], row[2]]),
      [
        ['male', 2],
        ['female', 1],
        ['3', 1],
        ['refused', 0],
        [null, 1],
      ],
    );
    const desc = await resultOf(rt, {
      type: 'report',
      name: 'f2',
      reportType: 'descriptives',
      dataset: 'spss',
      variables: ['score'],
    });
    assert.deepEqual(desc.rows?.[0]?.slice(1, 4), [4, 1, 11.75]);
  });

  it('reads Stata value labels as levels, and a tagged missing value (.a) as missing', async () => {
    const bytes = await rFile(
      'd <- data.frame(g = haven::labelled(c(1, 2, 1), c(lo = 1, hi = 2)), t = c("v", "u", "v"),\n' +
        '  x = c(0.5, haven::tagged_na("a"), 2))\nhaven::write_dta(d, path)',
      'dta',
    );
    const d = await read(rt, { name: 'stata', format: 'dta', data: bytes });
    assert.deepEqual(variable(d, 'g').labels, { '1': 'lo', '2': 'hi' });
    assert.deepEqual(variable(d, 't').labels, ['u', 'v']);
    assert.deepEqual(jsonValues(variable(d, 'x').values), [0.5, null, 2]);
  });

  it('answers a file that is not what it claims with invalid_object, and leaves no file behind', async () => {
    const e = await errorOf(rt, {
      type: 'command',
      name: 'bad',
      command: 'read',
      format: 'sav',
      data: Buffer.from('not an spss file'),
    });
    assert.equal(e.code, 'invalid_object');
    assert.match(e.message, /sav file cannot be read/);
    const x = await errorOf(rt, {
      type: 'command',
      name: 'bad',
      command: 'read',
      format: 'xlsx',
      data: Buffer.from('not a workbook'),
    });
    // The reader's message names the file as "the file", never the server's paths.
    assert.equal(x.message, "the xlsx file cannot be read: zip file 'the file' cannot be opened");
    const conn = await r.connect();
    const left = await conn.eval(
      'length(list.files(tempdir(), pattern = "^read-", recursive = TRUE))',
    );
    assert.deepEqual(left.kind === 'integer' ? [...left.values] : left, [0]);
  });

  it('refuses a file over max_data before it is held in R', async () => {
    const small = await r.runtime({ maxData: 5 });
    const bytes = await rFile('haven::write_dta(data.frame(a = 1:3, b = 4:6), path)', 'dta');
    const e = await errorOf(small, {
      type: 'command',
      name: 'big',
      command: 'read',
      format: 'dta',
      data: bytes,
    });
    assert.equal(e.code, 'too_large');
  });
});
