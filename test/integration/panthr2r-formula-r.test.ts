/**
 * Compiled formulas and rQuote literals evaluated by a real R (Rscript, code on stdin, no
 * shell), compared with values computed here in JavaScript with R's NA rules.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { compileFormula, parseFormula, rQuote, type FormulaNode } from '../../converters/index.ts';
import { rscript as runR } from '../fixtures/compute/rscript.ts';

type Cell = number | boolean | string | null;
const DATA: Record<string, Cell[]> = {
  x: [1, null, 3, -2, 10, 0.5],
  y: [2, 5, null, 0, 4, 0.25],
  g: ['a', 'b', 'a', null, 'c', 'a'],
  flag: [true, false, null, true, false, true],
  none: [null, null, null, null, null, null],
};
const R_DATA =
  'd <- data.frame(x = c(1, NA, 3, -2, 10, 0.5), y = c(2, 5, NA, 0, 4, 0.25), ' +
  'g = factor(c("a", "b", "a", NA, "c", "a")), flag = c(TRUE, FALSE, NA, TRUE, FALSE, TRUE), ' +
  'none = as.numeric(rep(NA, 6)))\n';
const N = 6;

/** A small JavaScript evaluator of the syntax tree with R's NA semantics (null = NA). */
function evaluate(node: FormulaNode): Cell[] {
  const rep = (v: Cell[]): Cell[] => (v.length === 1 ? Array<Cell>(N).fill(v[0] ?? null) : v);
  const isNA = (c: Cell) => c === null || (typeof c === 'number' && Number.isNaN(c));
  const num = (c: Cell) => (c === true ? 1 : c === false ? 0 : (c as number));
  const map1 = (v: Cell[], f: (n: number) => number): Cell[] =>
    v.map((c) => (c === null ? null : f(num(c))));
  const present = (vs: Cell[][]) =>
    vs
      .flat()
      .filter((c) => !isNA(c))
      .map(num);
  switch (node.kind) {
    case 'number':
      return [node.value];
    case 'string':
      return [node.value];
    case 'variable':
      return DATA[node.name] as Cell[];
    case 'unary': {
      const v = evaluate(node.operand);
      if (node.op === '!') return v.map((c) => (c === null ? null : !c));
      return map1(v, (n) => (node.op === '-' ? -n : n));
    }
    case 'binary': {
      const [a, b] = [rep(evaluate(node.left)), rep(evaluate(node.right))];
      return a.map((p, i) => binary(node.op, p, b[i] ?? null));
    }
    case 'call': {
      const args = node.args.map(evaluate);
      const [a] = args as [Cell[]];
      const p = present(args);
      switch (node.fn) {
        case 'is.na':
          return a.map(isNA);
        case 'log':
          return map1(a, (n) =>
            args[1] ? Math.log(n) / Math.log(num(args[1][0] ?? null)) : Math.log(n),
          );
        case 'round':
          return map1(
            a,
            (n) => Math.round(n * 10 ** num(args[1]?.[0] ?? 0)) / 10 ** num(args[1]?.[0] ?? 0),
          );
        case 'mean':
          return [p.length ? p.reduce((s, n) => s + n, 0) / p.length : null];
        case 'sd': {
          if (p.length < 2) return [null];
          const m = p.reduce((s, n) => s + n, 0) / p.length;
          return [Math.sqrt(p.reduce((s, n) => s + (n - m) ** 2, 0) / (p.length - 1))];
        }
        case 'sum':
          return [p.reduce((s, n) => s + n, 0)];
        case 'min':
        case 'max':
          return [p.length ? Math[node.fn](...p) : null];
        default: {
          const f = {
            exp: Math.exp,
            sqrt: Math.sqrt,
            abs: Math.abs,
            floor: Math.floor,
            ceiling: Math.ceil,
          }[node.fn];
          assert.ok(f, node.fn);
          return map1(a, f);
        }
      }
    }
  }
}

function binary(op: string, a: Cell, b: Cell): Cell {
  if (op === '&')
    return a === false || b === false ? false : a === null || b === null ? null : true;
  if (op === '|') return a === true || b === true ? true : a === null || b === null ? null : false;
  if (a === null || b === null) return null;
  const [x, y] =
    typeof a === 'string' || typeof b === 'string'
      ? [String(a), String(b)]
      : [Number(a), Number(b)];
  if (
    typeof x === 'number' &&
    typeof y === 'number' &&
    (Number.isNaN(x) || Number.isNaN(y)) &&
    /[<>=]/.test(op)
  )
    return null;
  switch (op) {
    case '+':
      return (x as number) + (y as number);
    case '-':
      return (x as number) - (y as number);
    case '*':
      return (x as number) * (y as number);
    case '/':
      return (x as number) / (y as number);
    case '^':
      return (x as number) ** (y as number);
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
  throw new Error(op);
}

/** R prints each element as: NA, NaN, Inf, -Inf, TRUE, FALSE, a string, or %.17g. */
const R_SHOW =
  'show <- function(r) vapply(seq_along(r), function(i) { e <- r[[i]]; if (is.nan(e)) "NaN" else if (is.na(e)) "NA" ' +
  'else if (is.logical(e)) as.character(e) else if (is.character(e) || is.factor(e)) paste0("s:", as.character(e)) ' +
  'else if (is.infinite(e)) (if (e > 0) "Inf" else "-Inf") else sprintf("%.17g", e) }, "")\n';

function matches(got: string, want: Cell): boolean {
  if (want === null) return got === 'NA';
  if (typeof want === 'boolean') return got === String(want).toUpperCase();
  if (typeof want === 'string') return got === `s:${want}`;
  if (Number.isNaN(want)) return got === 'NaN';
  if (!Number.isFinite(want)) return got === (want > 0 ? 'Inf' : '-Inf');
  const g = Number(got);
  return g === want || Math.abs(g - want) <= 1e-13 * Math.abs(want);
}

const VALUE_CASES = [
  'x + y * 2',
  '(x + y) * 2',
  'x - y - 1',
  'x / y',
  '-x^2',
  'x ^ 2 ^ 0.5',
  '2^-1 + x',
  'x * -y',
  'log(abs(x))',
  'log(x)',
  'log(y, 2)',
  'exp(y)',
  'sqrt(abs(x))',
  'round(x / 3, 2)',
  'floor(x / 3) + ceiling(y / 3)',
  'x - mean(x)',
  'sd(x)',
  'min(x, y)',
  'max(x)',
  'sum(x, y)',
  'mean(none)',
  'min(none)',
  'max(none)',
  'sum(none)',
  'sd(none)',
  'x > 1',
  'x >= 1 & y > 1',
  'x > 1 | y > 4',
  '!(x == 3) | is.na(y)',
  '!flag',
  'flag & x > 0',
  'is.na(x) | is.na(g)',
  'g == "a"',
  'g != "a" & !is.na(g)',
  'x > mean(x)',
  'x == 0.5 | y == 0.25',
  '0.1 + 0.2 + x * 0',
  '1e-300 * 1e300',
  '1.7976931348623157e308 + 0 * x',
  '5e-324 * 2',
];
const FILTER_CASES = [
  'x > 1',
  'x > 1 | y == 0',
  'g == "a"',
  '!flag',
  '1 < 2',
  'is.na(x)',
  'flag & y > 0.3',
];
const VARIABLES = new Set(Object.keys(DATA));

describe('formulas evaluated by R', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'formula-r-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('give the values R semantics predict, in value and filter mode', async () => {
    const cases = [
      ...VALUE_CASES.map((f) => [f, 'value'] as const),
      ...FILTER_CASES.map((f) => [f, 'filter'] as const),
    ];
    const lines = cases.map(([f, mode]) => {
      const c = compileFormula(f, VARIABLES, { dataVar: 'd', mode });
      assert.ok(c.ok, f);
      return `cat(show(rep_len(suppressWarnings(${c.code}), ${N})), sep = "\\t"); cat("\\n")`;
    });
    const out = (await runR(R_DATA + R_SHOW + lines.join('\n'))).trimEnd().split('\n');
    assert.equal(out.length, cases.length);
    cases.forEach(([f, mode], k) => {
      const parsed = parseFormula(f);
      assert.ok(parsed.ok);
      let want = evaluate(parsed.ast);
      if (want.length === 1) want = Array<Cell>(N).fill(want[0] ?? null);
      if (mode === 'filter') want = want.map((c) => c === true);
      const got = (out[k] ?? '').split('\t');
      assert.equal(got.length, N, f);
      got.forEach((g, i) =>
        assert.ok(
          matches(g, want[i] ?? null),
          `${mode} ${f} [${i}]: R ${g}, expected ${String(want[i])}`,
        ),
      );
    });
  });

  it('a filter that is not logical is an R error with a clear message', async () => {
    const c = compileFormula('x + 1', VARIABLES, { dataVar: 'd', mode: 'filter' });
    assert.ok(c.ok);
    const out = await runR(
      `${R_DATA}r <- tryCatch(${c.code}, error = function(e) conditionMessage(e)); cat(r)`,
    );
    assert.equal(out, 'the filter formula must give true or false');
  });

  it('strings holding R code stay data', async () => {
    const marker = path.join(dir, 'pwned');
    const evil = `"); file.create(${JSON.stringify(marker)}); ("`;
    const c = compileFormula(`g == ${JSON.stringify(evil)} | g == "\\\\\\""`, VARIABLES, {
      dataVar: 'd',
    });
    assert.ok(c.ok);
    const out = await runR(`${R_DATA}${R_SHOW}cat(show(${c.code}), sep = " ")`);
    assert.equal(out, 'FALSE FALSE FALSE NA FALSE FALSE');
    assert.equal(existsSync(marker), false);
  });

  it('rQuote literals parse in R to exactly the same string (property)', async () => {
    const strings = fc
      .sample(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 30 }),
          fc.string({ unit: 'grapheme', maxLength: 30 }),
          fc.string({ maxLength: 30 }),
        ),
        { numRuns: 400, seed: 42 },
      )
      .filter((s) => !s.includes('\0'));
    strings.push(
      '\\',
      '"',
      '\\"',
      '\x7f\x01\x1b',
      '\u2028\u2029',
      '\uFEFF',
      '\u{10FFFF}',
      "'`${}",
      '\\u{41}',
      'a\r\nb\tc',
    );
    const code = `s <- c(${strings.map(rQuote).join(',\n')})\ncat(vapply(s, function(e) paste(as.character(charToRaw(e)), collapse = ""), ""), sep = "\\n")`;
    const out = (await runR(code)).split('\n');
    strings.forEach((s, i) =>
      assert.equal(
        out[i],
        Buffer.from(s, 'utf8').toString('hex'),
        `string ${i}: ${JSON.stringify(s)}`,
      ),
    );
  });
});
