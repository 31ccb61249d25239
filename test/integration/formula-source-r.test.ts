/**
 * The r_code deparser and set-up lines as R reads them (Rscript, no server): a hostile string
 * in a filter parses back to exactly that string, and hostile levels become exactly those
 * levels; a filter written by the deparser keeps the rows the server's compiled formula
 * keeps, NA rows dropped.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  compileFormula,
  formulaToSource,
  parseFormula,
  rCodeContext,
  rQuote,
} from '../../converters/index.ts';

const execFileP = promisify(execFile);

const HOSTILE = [
  'a"b',
  'back\\slash',
  'line\nbreak\r\t',
  '")); system("touch MARKER',
  '`r system("x")`',
  "it's",
  '\\"); unlink("/")',
  'é ☃ \u{1F600}',
  '\u0001\u007f',
];

/** Runs `code` in Rscript (in `dir`) and parses the JSON it prints last. */
async function rJson(dir: string, code: string): Promise<unknown> {
  const file = join(dir, 'code.R');
  writeFileSync(file, code);
  const { stdout } = await execFileP('Rscript', ['--vanilla', file], {
    cwd: dir,
    env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null');
}

describe('r_code deparser and set-up as R reads them', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-source-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses each hostile string literal back to exactly that string, running nothing', async () => {
    const exprs = HOSTILE.map((s) => {
      const p = parseFormula(`g == ${JSON.stringify(s)}`);
      assert.ok(p.ok);
      return formulaToSource(p.ast).code;
    });
    const code = [
      `e <- parse(text = ${rQuote(exprs.join('\n'))}, keep.source = FALSE)`,
      'cat(jsonlite::toJSON(vapply(e, function(x) x[[3L]], ""), auto_unbox = FALSE))',
    ].join('\n');
    assert.deepEqual(await rJson(dir, code), HOSTILE);
  });

  it('makes hostile labels exactly the factor levels, in the workspace order', async () => {
    const labels = [...HOSTILE].reverse();
    const ctx = rCodeContext({
      dataset: {
        type: 'dataset',
        name: 'd',
        variables: [
          {
            type: 'vector',
            name: 'g',
            variableType: 'ordinal',
            values: [...HOSTILE, null],
            labels,
          },
        ],
      },
      variables: ['g'],
    });
    const code = [
      `d <- data.frame(g = c(${HOSTILE.map(rQuote).join(', ')}, ""))`,
      ...ctx.setup,
      'cat(jsonlite::toJSON(list(levels = levels(d$g), ordered = is.ordered(d$g),',
      '  na = sum(is.na(d$g)), same = identical(as.character(d$g[1:9]), d0))))',
    ];
    code.splice(1, 0, 'd0 <- d$g[1:9]');
    const out = (await rJson(dir, code.join('\n'))) as Record<string, unknown>;
    assert.deepEqual(out, { levels: labels, ordered: [true], na: [1], same: [true] });
  });

  it('keeps the rows the server’s compiled formula keeps, NA rows left out', async () => {
    const formulas = [
      'x > 2 | is.na(y)',
      'y >= mean(y) - sd(y) & !(g == "b")',
      'x * 2 ^ -1 > min(x) & y < max(y, 10)',
      'abs(x - 3) <= 1 | g != "a"',
      'max(z) > 0 | x == 1',
    ];
    const names = new Set(['x', 'y', 'g', 'z']);
    const lines = ['d <- data.frame(x = c(1, 2, 3, NA, 5, 6), y = c(2, NA, 8, 1, 4, 9),'];
    lines.push('  g = c("a", "b", NA, "a", "b", "a"), z = NA_real_)');
    lines.push('server <- list(); mine <- list()');
    for (const f of formulas) {
      const compiled = compileFormula(f, names, { dataVar: 'd', mode: 'filter' });
      assert.ok(compiled.ok, f);
      const p = parseFormula(f);
      assert.ok(p.ok);
      const src = formulaToSource(p.ast);
      lines.push(...src.helpers);
      // The server's own code evaluated with base R (its namespaces are explicit).
      lines.push(`server[[${rQuote(f)}]] <- which(${compiled.code})`);
      lines.push(`mine[[${rQuote(f)}]] <- as.integer(rownames(subset(d, ${src.code})))`);
    }
    lines.push('cat(jsonlite::toJSON(list(server = server, mine = mine)))');
    const out = (await rJson(dir, lines.join('\n'))) as {
      server: Record<string, number[]>;
      mine: Record<string, number[]>;
    };
    assert.deepEqual(out.mine, out.server);
    assert.ok(Object.values(out.server).some((rows) => rows.length > 0));
    assert.deepEqual(out.server['max(z) > 0 | x == 1'], [1]);
  });

  it('keeps the rows PanthR.r keeps for the data-work functions of API 1.1', async () => {
    const formulas = [
      'rowsum(x, y) > 6',
      'z(x) > 0',
      'rowmean(x, y) > 3',
      'recode(g, "a", "w") == "w"',
      'reverse(y, 1, 9) > 3',
      'cut(x, 0, 2.5, 20) == "(0,2.5]"',
      'rank(y) <= 3',
      'ifelse(x > 2, g, "none") == "a"',
      'ifelse(is.na(y), 0, y) + rowsum(x) >= 5',
    ];
    const names = new Set(['x', 'y', 'g']);
    const lines = [
      'source(file.path(ROOT, "r/R/panthr.R"))',
      'd <- data.frame(x = c(1, 2, 3, NA, 5, 6, 0.5), y = c(2, NA, 8, 1, 4, 9, 3))',
      'd$g <- factor(c("a", "b", NA, "a", "b", "a", "b"))',
      'server <- list(); mine <- list()',
    ];
    for (const f of formulas) {
      const compiled = compileFormula(f, names, { dataVar: '.d', mode: 'filter' });
      assert.ok(compiled.ok, f);
      const p = parseFormula(f);
      assert.ok(p.ok);
      const src = formulaToSource(p.ast);
      lines.push(...src.helpers);
      lines.push(
        `server[[${rQuote(f)}]] <- which(suppressWarnings(panthr_eval_formula(d, ${rQuote(compiled.code)})))`,
      );
      lines.push(`mine[[${rQuote(f)}]] <- as.integer(rownames(subset(d, ${src.code})))`);
    }
    lines.push('cat(jsonlite::toJSON(list(server = server, mine = mine)))');
    const root = new URL('../../', import.meta.url).pathname;
    const out = (await rJson(dir, [`ROOT <- ${rQuote(root)}`, ...lines].join('\n'))) as {
      server: Record<string, number[]>;
      mine: Record<string, number[]>;
    };
    assert.deepEqual(out.mine, out.server);
    for (const f of formulas) assert.ok((out.server[f] ?? []).length > 0, f);
  });
});
