/**
 * The formula deparser (formula syntax tree -> R source for r_code) and the r_code set-up
 * lines: strings only through rQuote, names only through rSymbol, R's precedence kept.
 */
import assert from 'node:assert/strict';
import {
  formulaToSource,
  parseFormula,
  rCodeContext,
  rQuote,
  rSymbol,
  type PanthrDataset,
} from '../../converters/index.ts';

function source(text: string): string {
  const p = parseFormula(text);
  assert.ok(p.ok, `does not parse: ${text}`);
  return formulaToSource(p.ast).code;
}

/** A formula string literal for `s` (the formula language's own escapes). */
function formulaString(s: string): string {
  return JSON.stringify(s);
}

const HOSTILE = [
  'a"b',
  'back\\slash',
  'line\nbreak\r\t',
  '")); system("x',
  '`r system("x")`',
  "it's",
  '\\"); unlink("/")',
  'é ☃ \u{1F600}',
  '\u0001\u007f',
];

describe('formula deparser (r_code)', () => {
  it('writes columns as bare names and only needed parentheses', () => {
    assert.equal(source('x > 3 & g == "a"'), 'x > 3 & g == "a"');
    assert.equal(source('(a + b) * c'), '(a + b) * c');
    assert.equal(source('a - (b - c)'), 'a - (b - c)');
    assert.equal(source('a - b - c'), 'a - b - c');
    assert.equal(source('(a ^ b) ^ c'), '(a ^ b) ^ c');
    assert.equal(source('a ^ b ^ c'), 'a ^ b ^ c');
    assert.equal(source('-2 ^ 2'), '-2 ^ 2');
    assert.equal(source('(-2) ^ 2'), '(-2) ^ 2');
    assert.equal(source('2 ^ -1'), '2 ^ (-1)');
    assert.equal(source('!(x == 1) | y < -1'), '!(x == 1) | y < -1');
    assert.equal(source('!is.na(x)'), '!is.na(x)');
    assert.equal(source('(a | b) & c'), '(a | b) & c');
    assert.equal(source('- -x'), '-(-x)');
    assert.equal(source('(x < 1) == (y < 2)'), '(x < 1) == (y < 2)');
  });

  it('keeps the server’s handling of missing values in the aggregates', () => {
    assert.equal(source('x > mean(x) + sd(x)'), 'x > mean(x, na.rm = TRUE) + sd(x, na.rm = TRUE)');
    assert.equal(source('sum(x, y) > 0'), 'sum(x, y, na.rm = TRUE) > 0');
    const p = parseFormula('x < max(y) & x > min(y, 2)');
    assert.ok(p.ok);
    const s = formulaToSource(p.ast);
    assert.equal(s.code, 'x < .max_or_na(y) & x > .min_or_na(y, 2)');
    assert.equal(s.helpers.length, 2);
    assert.match(s.helpers[0] ?? '', /^\.max_or_na <- function/);
  });

  it('backticks reserved names and writes exact numbers', () => {
    assert.equal(
      source('if > 1 & TRUE == 2 & NA_real_ < 3'),
      '`if` > 1 & `TRUE` == 2 & `NA_real_` < 3',
    );
    assert.equal(source('x == 0.1'), 'x == 0.1');
    assert.equal(source('x == 1e300'), 'x == 1e+300');
    assert.equal(rSymbol('ok.name_2'), 'ok.name_2');
    assert.equal(rSymbol('function'), '`function`');
    assert.throws(() => rSymbol('a`b'), TypeError);
    assert.throws(() => rSymbol('x; system("y")'), TypeError);
  });

  it('quotes hostile strings only through rQuote: one literal, nothing else', () => {
    for (const s of HOSTILE) {
      const code = source(`g == ${formulaString(s)}`);
      assert.equal(code, `g == ${rQuote(s)}`, JSON.stringify(s));
      // The literal is pure printable ASCII with every " and \ escaped.
      const literal = code.slice('g == '.length);
      assert.ok(
        [...literal].every((ch) => ch >= ' ' && ch <= '~'),
        `not printable ASCII: ${literal}`,
      );
      assert.doesNotMatch(literal.slice(1, -1).replace(/\\./g, ''), /"/, 'an unescaped quote');
    }
  });
});

describe('r_code set-up lines', () => {
  const dataset: PanthrDataset = {
    type: 'dataset',
    name: 'if',
    variables: [
      {
        type: 'vector',
        name: 'x',
        variableType: 'scalar',
        values: [1, 2, 99, null],
        missing: [99],
      },
      {
        type: 'vector',
        name: 'g',
        variableType: 'nominal',
        values: ['b', 'a', 'b', '")); system("x'],
        labels: ['b', 'a', '")); system("x'],
      },
      {
        type: 'vector',
        name: 'TRUE',
        variableType: 'ordinal',
        values: [1, 2, 9, 1],
        labels: { '1': 'low', '2': 'high', '9': 'refused' },
        missing: [9],
      },
      { type: 'vector', name: 'code', variableType: 'nominal', values: [10, 2, 10, 100000] },
    ],
  };

  it('names the data, restores renamed columns, sets NA codes, levels and the filter', () => {
    const c = rCodeContext({
      dataset,
      variables: ['x', 'g'],
      filter: 'TRUE != "refused" & code > 0',
    });
    assert.equal(c.data, '`if`');
    assert.deepEqual(c.setup, [
      'names(`if`) <- c("x", "g", "TRUE", "code")',
      '`if`$x[`if`$x %in% c(99)] <- NA',
      `\`if\`$g <- factor(\`if\`$g, levels = c("b", "a", ${rQuote('")); system("x')}))`,
      '`if`$`TRUE`[`if`$`TRUE` %in% c("refused", "9")] <- NA',
      '`if`$`TRUE` <- factor(`if`$`TRUE`, levels = c("low", "high", "refused"), ordered = TRUE)',
      '`if`$code <- factor(`if`$code, levels = c(2, 10, 100000), labels = c("2", "10", "100000"))',
      '`if` <- subset(`if`, `TRUE` != "refused" & code > 0)',
    ]);
  });

  it('writes a lone surrogate in a level as U+FFFD, as R receives it', () => {
    const c = rCodeContext({
      dataset: {
        type: 'dataset',
        name: 'd',
        variables: [{ type: 'vector', name: 'g', variableType: 'nominal', values: ['a\uD800'] }],
      },
      variables: ['g'],
    });
    assert.deepEqual(c.setup, ['d$g <- factor(d$g, levels = c("a\\u{fffd}"))']);
  });

  it('writes each variable’s lines once, however often the request names it', () => {
    const c = rCodeContext({ dataset, variables: ['code', 'code'], filter: 'code == "10"' });
    assert.equal(c.setup.filter((l) => l.startsWith('`if`$code <- factor(')).length, 1);
  });

  it('needs no set-up for plain scalar variables without a filter', () => {
    const c = rCodeContext({
      dataset: { ...dataset, name: 'd', variables: [dataset.variables[3]!] },
      variables: [],
    });
    assert.deepEqual(c, { data: 'd', setup: [] });
  });
});
