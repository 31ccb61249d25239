/**
 * r_code of every report kind and every graph kind (API.md, "Analyses added in API 1.1"):
 * the server's computation runs on data read from CSV text, and each result's r_code is run
 * by Rscript on `read.csv` of the same CSV text (test/fixtures/rcode.ts): the numbers of
 * descriptives and frequency are reproduced, graphs draw. Descriptives' statistics are also
 * checked against R's own functions. The cases cover a filter (with a hostile string in it),
 * a nominal variable whose levels the workspace reordered, an ordinal one compared with `>=`,
 * and a dataset and a variable whose names R needs backticks for (`if`, `TRUE`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { datasetToR, rQuote, type PanthrDataset } from '../../converters/index.ts';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { datasetCsv } from '../../server/reports/index.ts';
import { assertClose, rNumbers } from '../fixtures/compute/compare.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { resultOf, runRaw, type Result } from '../fixtures/compute/run.ts';
import { assertRCode, runRCode } from '../fixtures/rcode.ts';

const execFileP = promisify(execFile);

const ALL_STATISTICS = [
  'n',
  'missing',
  'mean',
  'sd',
  'se',
  'variance',
  'min',
  'q1',
  'median',
  'q3',
  'max',
  'iqr',
  'range',
  'skewness',
  'kurtosis',
  'ci_low',
  'ci_high',
];

/** R's own statistics of a column `v` of `df`, in ALL_STATISTICS order. */
const R_STATISTICS = `function(v) { x <- v[!is.na(v)]; ci <- t.test(x)$conf.int
  c(length(x), sum(is.na(v)), mean(x), sd(x), sd(x) / sqrt(length(x)), var(x), min(x),
    quantile(x, c(0.25, 0.5, 0.75), names = FALSE), max(x), IQR(x), max(x) - min(x),
    psych::skew(x, type = 2), psych::kurtosi(x, type = 2), ci[1], ci[2]) }`;

/** ToothGrowth with holes, a logical and a three-level text column, as CSV (empty = NA). */
const MAKE_CSV = `tg <- ToothGrowth; tg$len[c(3, 17, 44)] <- NA; tg$ok <- tg$dose > 0.5; tg$ok[5] <- NA
tg$grp <- c("lo", "mid", "hi")[(seq_len(60) %% 3) + 1]; tg$grp[c(7, 31)] <- NA
write.csv(tg, row.names = FALSE, na = "")`;

/** Every finite number among a result's table cells. */
function tableNumbers(res: Result): number[] {
  return (res.rows ?? []).flat().filter((x): x is number => typeof x === 'number');
}

describe('r_code of reports and graphs reproduces the server’s results', function () {
  this.timeout(240_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;
  let ref: RConnection;
  let dir = '';
  const csv: Record<string, string> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-rcode-'));
    const { stdout } = await execFileP('Rscript', ['--vanilla', '-e', MAKE_CSV]);
    csv['tg'] = stdout;
    // The same data as dataset `if`, its `grp` column called `TRUE`: both need backticks in R.
    csv['if'] = stdout.replace(/"grp"/, '"TRUE"');
    r = await startPanthrR();
    rt = await r.runtime();
    ref = await r.connect();
    for (const name of ['tg', 'if']) {
      const out = await runRaw(rt, {
        type: 'command',
        name,
        command: 'read',
        format: 'csv',
        text: csv[name],
      });
      assert.notEqual(out.reply[0]?.type, 'error', JSON.stringify(out.reply[0]));
    }
    // The workspace reorders `supp` (VC first) and makes `TRUE` ordinal lo < mid < hi.
    const read = rt.list().find((o) => o.name === 'if') as unknown as PanthrDataset;
    const variables = read.variables.map((v) =>
      v.name === 'supp'
        ? { ...v, labels: ['VC', 'OJ'] }
        : v.name === 'TRUE'
          ? { ...v, variableType: 'ordinal' as const, labels: ['lo', 'mid', 'hi'] }
          : v,
    );
    const stored = await runRaw(rt, { type: 'dataset', name: 'if', variables });
    assert.notEqual(stored.reply[0]?.type, 'error', JSON.stringify(stored.reply[0]));
    const filters = {
      // A string that would end the literal and call system() if it were pasted as R code.
      hostile: { dataset: 'tg', formula: `dose > 0.5 | grp == "\\")); system(\\"touch ${dir}/x"` },
      ordinal: { dataset: 'if', formula: 'TRUE >= "mid" & len > mean(len) - sd(len)' },
    };
    for (const [name, f] of Object.entries(filters)) {
      const out = await runRaw(rt, { type: 'filter', name, ...f });
      assert.notEqual(out.reply[0]?.type, 'error', JSON.stringify(out.reply[0]));
    }
  });
  after(async () => {
    await r?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const report = (o: Record<string, unknown>): Promise<Result> =>
    resultOf(rt, { type: 'report', name: 'rep', ...o });

  /** The dataset as the server holds it, as `df` in the reference session. */
  async function useInR(name: string): Promise<void> {
    const d = rt.list().find((o) => o.name === name) as unknown as PanthrDataset;
    await ref.assign('df', datasetToR(d));
  }

  it('descriptives with every statistic equal R’s own, and its r_code prints them', async () => {
    const res = await report({
      reportType: 'descriptives',
      dataset: 'tg',
      variables: ['len', 'dose'],
      statistics: ALL_STATISTICS,
    });
    assert.deepEqual(res.columns, ['variable', ...ALL_STATISTICS]);
    await useInR('tg');
    const want = await rNumbers(
      ref,
      `lapply(c("len", "dose"), function(v) (${R_STATISTICS})(df[[v]]))`,
    );
    assertClose(
      (res.rows ?? []).flatMap((row) => row.slice(1)),
      want,
      'descriptives',
    );
    assert.equal(typeof res['r_code'], 'string');
    await assertRCode({ tg: csv['tg']! }, res['r_code'] as string, tableNumbers(res), 'r_code');
  });

  it('descriptives statistics follow the order asked; bad lists are invalid_object', async () => {
    const res = await report({
      reportType: 'descriptives',
      dataset: 'tg',
      variables: ['len'],
      statistics: ['kurtosis', 'n'],
    });
    assert.deepEqual(res.columns, ['variable', 'kurtosis', 'n']);
    for (const statistics of [[], ['mean', 'mean'], ['mode']]) {
      const v = rt.validate({
        type: 'report',
        name: 'rep',
        reportType: 'descriptives',
        dataset: 'tg',
        variables: ['len'],
        statistics,
      });
      assert.equal(v.ok, false, JSON.stringify(statistics));
    }
  });

  it('descriptives leave out (null) what too few values or no spread cannot give', async () => {
    const g = ['one', 'two', 'two', 'three', 'three', 'three', 'flat', 'flat', 'flat', 'flat'];
    const x = [5, 1, 2, 1, 2, 4, 3, 3, 3, 3];
    const stored = await runRaw(rt, {
      type: 'dataset',
      name: 'small',
      variables: [
        { type: 'vector', name: 'x', variableType: 'scalar', values: x },
        {
          type: 'vector',
          name: 'g',
          variableType: 'nominal',
          values: g,
          labels: ['none', ...new Set(g)],
        },
      ],
    });
    assert.notEqual(stored.reply[0]?.type, 'error', JSON.stringify(stored.reply[0]));
    const res = await report({
      reportType: 'descriptives',
      dataset: 'small',
      variables: ['x'],
      by: 'g',
      statistics: ['n', 'sd', 'se', 'variance', 'skewness', 'kurtosis', 'ci_low', 'ci_high'],
    });
    const rows = (res.rows ?? []).map((row) => row.slice(1));
    assert.deepEqual(rows, [
      ['none', 0, null, null, null, null, null, null, null],
      ['one', 1, null, null, null, null, null, null, null],
      ['two', 2, Math.SQRT1_2, 0.5, 0.5, null, null, rows[2]?.[7], rows[2]?.[8]],
      [
        'three',
        3,
        rows[3]?.[2],
        rows[3]?.[3],
        rows[3]?.[4],
        rows[3]?.[5],
        null,
        rows[3]?.[7],
        rows[3]?.[8],
      ],
      ['flat', 4, 0, 0, 0, null, null, 3, 3],
    ]);
    assert.ok(typeof rows[3]?.[5] === 'number', 'skewness of three values');
    await assertRCode(
      { small: 'x,g\n' + x.map((v, i) => `${v},${g[i]}`).join('\n') },
      res['r_code'] as string,
      tableNumbers(res),
      'r_code',
    );
  });

  it('descriptives by a group with a hostile filter: R’s numbers, r_code reproduces them', async () => {
    const res = await report({
      reportType: 'descriptives',
      dataset: 'tg',
      variables: ['len', 'dose'],
      by: 'supp',
      filter: 'hostile',
    });
    await useInR('tg');
    const want = await rNumbers(
      ref,
      `{ d <- df[df$dose > 0.5, ]; lapply(c("len", "dose"), function(v) lapply(levels(df$supp),
        function(l) (${R_STATISTICS})(d[[v]][d$supp == l])[c(1:4, 7:11)])) }`,
    );
    assertClose(
      (res.rows ?? []).flatMap((row) => row.slice(2)),
      want,
      'by supp',
    );
    const code = res['r_code'] as string;
    assert.match(code, /subset\(tg, dose > 0\.5 \| grp == "\\"\)\); system\(\\"touch /);
    await assertRCode({ tg: csv['tg']! }, code, tableNumbers(res), 'r_code');
    assert.equal(existsSync(join(dir, 'x')), false, 'the hostile string ran');
  });

  it('descriptives of `if` by an ordinal `TRUE`, filtered with >=: r_code reproduces them', async () => {
    const res = await report({
      reportType: 'descriptives',
      dataset: 'if',
      variables: ['len'],
      by: 'TRUE',
      filter: 'ordinal',
      statistics: ['n', 'mean', 'median', 'skewness'],
    });
    assert.deepEqual(
      (res.rows ?? []).map((row) => row[1]),
      ['lo', 'mid', 'hi'],
    );
    assert.equal((res.rows ?? [])[0]?.[2], 0, 'no "lo" row passes the filter');
    const code = res['r_code'] as string;
    assert.match(code, /^names\(`if`\) <- /);
    assert.match(code, /ordered = TRUE/);
    await assertRCode({ if: csv['if']! }, code, tableNumbers(res), 'r_code');
  });

  it('frequency with a reordered, a logical and an ordinal variable: r_code reproduces it', async () => {
    for (const o of [
      { dataset: 'tg', variables: ['supp', 'ok', 'grp'] },
      { dataset: 'if', variables: ['supp', 'TRUE', 'ok'], filter: 'ordinal' },
    ]) {
      const res = await report({ reportType: 'frequency', ...o });
      if (o.dataset === 'if')
        assert.deepEqual(
          (res.rows ?? []).slice(0, 2).map((row) => row[1]),
          ['VC', 'OJ'],
        );
      await assertRCode(
        { [o.dataset]: csv[o.dataset]! },
        res['r_code'] as string,
        tableNumbers(res),
        `frequency of ${o.dataset}`,
      );
    }
  });

  it('frequency by a group: a table per group, percents of the group; r_code reproduces it', async () => {
    const res = await report({
      reportType: 'frequency',
      dataset: 'tg',
      variables: ['grp', 'ok'],
      by: 'supp',
    });
    assert.deepEqual(res.columns, ['variable', 'group', 'value', 'count', 'percent']);
    const rows = (res.rows ?? []) as [string, string, unknown, number, number][];
    // ToothGrowth: 30 rows of each supp; each group's counts add up to its rows.
    for (const v of ['grp', 'ok'])
      for (const g of ['OJ', 'VC']) {
        const mine = rows.filter((r) => r[0] === v && r[1] === g);
        assert.equal(
          mine.reduce((a, r) => a + r[3], 0),
          30,
          `${v} in ${g}`,
        );
        assert.ok(Math.abs(mine.reduce((a, r) => a + r[4], 0) - 100) < 1e-9);
      }
    // `ok` is missing in row 5, a VC row: that group alone has a row for missing values.
    for (const [g, values] of [
      ['VC', [false, true, null]],
      ['OJ', [false, true]],
    ] as const)
      assert.deepEqual(
        rows.filter((r) => r[0] === 'ok' && r[1] === g).map((r) => r[2]),
        values,
      );
    await assertRCode(
      { tg: csv['tg']! },
      res['r_code'] as string,
      tableNumbers(res),
      'frequency by supp',
    );
  });

  it('frequency of a text column of T and F, which read.csv reads as logical: r_code reproduces it', async () => {
    const text = '"ss","g"\n"T","a"\n"F","b"\n"T","a"\n"T","b"\n"F","a"\n"NA","b"\n';
    const out = await runRaw(rt, {
      type: 'command',
      name: 'tf',
      command: 'read',
      format: 'csv',
      text,
    });
    assert.notEqual(out.reply[0]?.type, 'error', JSON.stringify(out.reply[0]));
    const res = await report({ reportType: 'frequency', dataset: 'tf', variables: ['ss'] });
    // The server reads the column as text (levels in R's order), `NA` as missing, as read.csv.
    assert.deepEqual(
      (res.rows ?? []).map((row) => [row[1], row[2]]),
      [
        ['F', 2],
        ['T', 3],
        [null, 1],
      ],
    );
    await assertRCode({ tf: text }, res['r_code'] as string, tableNumbers(res), 'frequency of tf');
  });

  it('levels read.csv reads as numbers (hex, spaces, Inf), or as NA: r_code rebuilds them or says why not', async () => {
    const cases: [string, (string | null)[]][] = [
      ['lv1', [' 2', '3', ' 2', null, '3', '3']],
      ['lv2', ['0x10', '0x1p3', '0x10', '-inf', 'NaN']],
      ['lv3', ['1e400', '2', '1e', '2']],
      ['lv4', ['NA', 'x', 'NA', null, 'y', 'x']],
    ];
    for (const [name, values] of cases) {
      const dataset = {
        type: 'dataset' as const,
        name,
        // lv4 has a second column: alone, its missing values would be written NA too.
        variables: [
          { type: 'vector' as const, name: 'g', variableType: 'nominal' as const, values },
          ...(name === 'lv4'
            ? [
                {
                  type: 'vector' as const,
                  name: 'k',
                  variableType: 'scalar' as const,
                  values: values.map((_, i) => i),
                },
              ]
            : []),
        ],
      };
      const out = await runRaw(rt, dataset);
      assert.notEqual(out.reply[0]?.type, 'error', JSON.stringify(out.reply[0]));
      const res = await report({ reportType: 'frequency', dataset: name, variables: ['g'] });
      const counts = (res.rows ?? []).map((r) => r[2]);
      assert.equal(
        counts.reduce((a, b) => (a as number) + (b as number), 0),
        values.length,
      );
      await assertRCode(
        { [name]: datasetCsv(dataset) },
        res['r_code'] as string,
        tableNumbers(res),
        name,
      );
    }
    // Two levels read.csv reads as one number, or "NA" beside numbers: no numbers, a reason.
    for (const [name, values, why] of [
      ['lost1', ['1', '1.0', '2'], /levels "1" and "1.0" as one value/],
      ['lost2', ['NA', '1', '2'], /level "NA" as a missing value/],
      ['lost3', ['NA', 'x', null], /level "NA" and its missing values are both NA/],
    ] as const) {
      const dataset = {
        type: 'dataset' as const,
        name,
        variables: [
          {
            type: 'vector' as const,
            name: 'g',
            variableType: 'nominal' as const,
            values: [...values],
          },
        ],
      };
      await runRaw(rt, dataset);
      const res = await report({ reportType: 'frequency', dataset: name, variables: ['g'] });
      await assert.rejects(
        runRCode({ [name]: datasetCsv(dataset) }, res['r_code'] as string),
        (e: Error) => {
          assert.match(e.message, /variable "g" cannot be rebuilt from the CSV/);
          assert.match(e.message, why);
          return true;
        },
      );
    }
  });

  /** Runs a graph's r_code on an svglite device and returns the SVG it drew. */
  async function drawn(dataset: string, code: string): Promise<string> {
    const file = join(dir, `${dataset}-graph.svg`);
    const wrapped = [
      `svglite::svglite(${rQuote(file)})`,
      code,
      'invisible(dev.off())',
      `length(readLines(${rQuote(file)}))`,
    ].join('\n');
    await runRCode({ [dataset]: csv[dataset]! }, wrapped);
    return readFileSync(file, 'utf8');
  }

  const GRAPHS: Record<string, [string[], string[]]> = {
    hist: [['len'], ['len', 'supp']],
    box: [['len'], ['len', 'TRUE']],
    scatter: [
      ['len', 'dose'],
      ['len', 'dose', 'supp'],
    ],
    bar: [['supp'], ['TRUE', 'ok']],
    dot: [['len'], ['supp', 'TRUE']],
    quantile: [['len'], ['len', 'TRUE']],
  };
  /** The base R function each kind's r_code draws with. */
  const DRAWN_BY: Record<string, RegExp> = {
    hist: /\bhist\(/,
    box: /^boxplot\(/m,
    scatter: /^plot\(/m,
    bar: /^barplot\(/m,
    dot: /^(?:stripchart|dotchart)\(/m,
    quantile: /qqnorm/,
  };
  for (const [graphType, cases] of Object.entries(GRAPHS)) {
    it(`graph ${graphType}: r_code runs and draws, grouped or not, filtered`, async () => {
      for (const variables of cases) {
        const res = await resultOf(rt, {
          type: 'graph',
          name: 'g',
          graphType,
          dataset: 'if',
          variables,
          filter: 'ordinal',
          label: 'A "quoted" title',
        });
        const code = res['r_code'] as string;
        assert.equal(typeof code, 'string', `${graphType} has no r_code`);
        assert.match(code, DRAWN_BY[graphType]!);
        assert.match(code, /^`if` <- subset\(`if`, `TRUE` >= "mid" & /m);
        const svg = await drawn('if', code);
        const shapes = svg.match(/<(?:circle|rect|polyline|path|polygon|line) /g) ?? [];
        assert.ok(
          shapes.length > 5,
          `${graphType} ${variables.join(',')}: ${shapes.length} shapes`,
        );
        assert.match(svg, /A &quot;quoted&quot; title|A "quoted" title/);
      }
    });
  }

  it('the quantile graph is a normal Q-Q plot with its reference line', async () => {
    const res = await resultOf(rt, {
      type: 'graph',
      name: 'g',
      graphType: 'quantile',
      dataset: 'tg',
      variables: ['len'],
    });
    assert.match(res['data'] as string, />Normal Q-Q plot</);
    assert.match(res['data'] as string, />Theoretical normal quantiles</);
    const code = res['r_code'] as string;
    assert.match(code, /^qqnorm\(tg\$len, /m);
    assert.match(code, /^qqline\(tg\$len, /m);
    // The plotted points are qqnorm's: the r_code's SVG has as many points as non-missing values.
    const svg = await drawn('tg', code);
    assert.equal((svg.match(/<circle /g) ?? []).length, 57);
    assert.equal((res['data'] as string).match(/<circle /g)?.length, 57);
  });
});
