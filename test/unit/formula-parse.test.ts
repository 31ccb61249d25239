import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileFormula,
  parseFormula,
  rNumber,
  rQuote,
  type FormulaNode,
} from '../../converters/index.ts';

const VARS = new Set(['x', 'y', 'g', 'my.var', 'log', 'A_1']);
const code = (text: string, mode: 'value' | 'filter' = 'value'): string => {
  const r = compileFormula(text, VARS, { dataVar: 'd', mode });
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
  return r.code;
};
const X = 'd[["x"]]';
const Y = 'd[["y"]]';

describe('formula: translation and precedence', () => {
  const table: [string, string][] = [
    ['x', X],
    ['x + y * 2', `(${X} + (${Y} * 2))`],
    ['(x + y) * 2', `((${X} + ${Y}) * 2)`],
    ['x - y - 1', `((${X} - ${Y}) - 1)`],
    ['x / y / 2', `((${X} / ${Y}) / 2)`],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2^2', '(-(2 ^ 2))'],
    ['2^-1', '(2 ^ (-1))'],
    ['- -x', `(-(-${X}))`],
    ['+x', `(+${X})`],
    ['x * -y', `(${X} * (-${Y}))`],
    ['x > 1 & y <= 2 | !g == "a"', `(((${X} > 1) & (${Y} <= 2)) | (!(d[["g"]] == "a")))`],
    ['x == 1 | x != 2 & y >= 3', `((${X} == 1) | ((${X} != 2) & (${Y} >= 3)))`],
    ['x < y + 1', `(${X} < (${Y} + 1))`],
    ['!!x', `(!(!${X}))`],
    ['is.na(x)', `base::is.na(${X})`],
    ['log(x) + log(x, 10) + log', `((base::log(${X}) + base::log(${X}, 10)) + d[["log"]])`],
    ['exp(sqrt(abs(x)))', `base::exp(base::sqrt(base::abs(${X})))`],
    [
      'round(x, 2) + floor(x) + ceiling(x)',
      `((base::round(${X}, 2) + base::floor(${X})) + base::ceiling(${X}))`,
    ],
    ['sum(x, y)', `base::sum(${X}, ${Y}, na.rm = TRUE)`],
    ['sd(x)', `stats::sd(${X}, na.rm = TRUE)`],
    ['my.var * A_1', '(d[["my.var"]] * d[["A_1"]])'],
    ['1.5e3 + .5 + 3.', '((1500 + 0.5) + 3)'],
    ['1e999', 'Inf'],
    ['0.1', '0.1'],
    ['"a\\"b\\\\c\\n\\u00e9"', '"a\\"b\\\\c\\n\\u{00e9}"'],
    ['"😀"', '"\\U{01f600}"'],
    [' x\t+\r\ny ', `(${X} + ${Y})`],
  ];
  for (const [text, want] of table) it(JSON.stringify(text), () => assert.equal(code(text), want));

  it('wraps aggregates that ignore NA but give NA on no values', () => {
    assert.match(
      code('mean(x)'),
      /^\(function\(\.\.\.\) \{ v <- base::c\(\.\.\.\); if \(base::all\(base::is\.na\(v\)\)\) NA else base::mean\(v, na\.rm = TRUE\) \}\)\(d\[\["x"\]\]\)$/,
    );
    assert.match(code('max(x, 3)'), /base::max\(v, na\.rm = TRUE\) \}\)\(d\[\["x"\]\], 3\)$/);
  });

  it('filter mode gives TRUE only where the formula is TRUE, recycled to nrow', () => {
    const c = code('x > 1', 'filter');
    assert.ok(c.includes(`(${X} > 1), base::nrow(d))`));
    assert.ok(c.includes('!base::is.na(w) & w'));
  });

  it('keeps positions in the tree', () => {
    const r = parseFormula('x +  log(y)');
    assert.ok(r.ok);
    const ast = r.ast as Extract<FormulaNode, { kind: 'binary' }>;
    assert.equal(ast.pos, 3);
    assert.equal(ast.left.pos, 1);
    assert.equal(ast.right.pos, 6);
    assert.equal(ast.right.kind === 'call' ? ast.right.args[0]?.pos : 0, 10);
  });

  it('writes numbers R parses to the same double', () => {
    assert.equal(rNumber(0.1), '0.1');
    assert.equal(rNumber(1 / 3), '0x1.5555555555555p-2');
    assert.equal(rNumber(Number.MAX_VALUE), '0x1.fffffffffffffp1023');
    assert.equal(rNumber(5e-324), '0x0.0000000000001p-1022');
    assert.equal(rNumber(2 ** 60), '0x1.0p60');
    assert.throws(() => rNumber(-1), TypeError);
  });
});

describe('formula: errors point at the column', () => {
  const table: [string, string][] = [
    ['system("x")', 'unknown function "system" at 1'],
    ['x + eval(y)', 'unknown function "eval" at 5'],
    ['x + zz', 'unknown variable "zz" at 5'],
    ['x +', 'unexpected end of formula at 4'],
    ['(x', '"(" is not closed at 1'],
    ['log(x + (y', '"(" is not closed at 9'],
    ['log(x', '"(" is not closed at 4'],
    ['x)', 'unexpected ")" at 2'],
    ['x y', 'unexpected "y" at 3'],
    ['x `y`', 'unexpected character "`" at 3'],
    ['x; y', 'unexpected character ";" at 2'],
    ['x = 1', 'unexpected character "=" (use == to compare) at 3'],
    ['x && y', 'unexpected "&&" (use & (not &&)) at 3'],
    ["x == 'a'", `unexpected character "'" (strings take double quotes) at 6`],
    ['x < y < 1', 'comparisons cannot be chained (use &) at 7'],
    ['"abc', 'unterminated string at 1'],
    ['"\\q"', 'unknown escape "\\q" in a string at 2'],
    ['"\\ud800"', 'a string holds an invalid character at 1'],
    ['1x', 'bad number "1x" at 1'],
    ['0x10', 'bad number "0x" at 1'],
    ['1.2.3', 'bad number "1.2." at 1'],
    ['.x', 'unexpected character "." at 1'],
    ['sum()', 'sum() takes at least 1 argument, not 0 at 1'],
    ['log(x, 2, 3)', 'log() takes 1 or 2 arguments, not 3 at 1'],
    ['is.na(x, y)', 'is.na() takes 1 argument, not 2 at 1'],
    ['round(x, digits = 2)', 'unexpected character "=" (use == to compare) at 17'],
    ['x $ y', 'unexpected character "$" at 3'],
    ['x[1]', 'unexpected character "[" at 2'],
    ['x ~ y', 'unexpected character "~" at 3'],
    ['x é', 'unexpected character U+00E9 at 3'],
    ['', 'empty formula at 1'],
    ['   ', 'empty formula at 1'],
    ['x\0', 'unexpected character U+0000 at 2'],
  ];
  for (const [text, message] of table) {
    it(JSON.stringify(text), () => {
      const r = compileFormula(text, VARS, { dataVar: 'd' });
      assert.equal(r.ok, false);
      assert.equal(r.ok ? '' : r.message, message);
      assert.equal(r.ok ? 0 : r.position, Number(/at (\d+)$/.exec(message)?.[1]));
    });
  }
});

describe('formula: hostile input', () => {
  it('refuses R injection attempts', () => {
    for (const text of [
      '"); system("x")',
      'x); system("touch /tmp/p',
      '`system`("x")',
      'x;system("x")',
      'base::system("x")',
      'get("system")("x")',
      'x %in% y',
      'function(x) x',
      'x <- 1',
    ]) {
      const r = compileFormula(text, VARS, { dataVar: 'd' });
      if (r.ok) {
        // Only `x <- 1` parses (as x < -1), and then nothing of it is R syntax.
        assert.equal(text, 'x <- 1');
        assert.equal(r.code, `(${X} < (-1))`);
      }
    }
  });

  it('quotes strings that look like R code as data', () => {
    assert.equal(
      code('g == "\\"); system(\\"x\\"); (\\""'),
      '(d[["g"]] == "\\"); system(\\"x\\"); (\\"")',
    );
  });

  it('bounds nesting and length', () => {
    assert.ok(parseFormula(`${'('.repeat(63)}x${')'.repeat(63)}`).ok);
    const deep = parseFormula(`${'('.repeat(2000)}x${')'.repeat(2000)}`);
    assert.ok(!deep.ok && /nested too deeply/.test(deep.message));
    assert.ok(!parseFormula('!'.repeat(4000) + 'x').ok);
    assert.ok(!parseFormula('-'.repeat(4000) + 'x').ok);
    assert.ok(!parseFormula('2^'.repeat(2000) + '2').ok);
    assert.ok(!parseFormula('abs('.repeat(1000) + 'x' + ')'.repeat(1000)).ok);
    const long = parseFormula('x+'.repeat(3000) + 'x');
    assert.ok(!long.ok && /longer than 4096/.test(long.message));
    // A chain nests in R as deeply as it is long (R's parser stops at 50 levels): 40 at most,
    // refused in words; rowsum() takes up to 64 terms.
    assert.ok(parseFormula('x+'.repeat(40) + 'x').ok);
    const chain = parseFormula('x+'.repeat(2000) + 'x');
    assert.ok(!chain.ok && /formula too long: more than 40 operations/.test(chain.message));
    assert.ok(parseFormula(`sum(${'x,'.repeat(63)}x)`).ok);
    const many = parseFormula(`rowsum(${'x,'.repeat(99)}x)`);
    assert.ok(!many.ok && /rowsum\(\) takes at most 64 arguments, not 100/.test(many.message));
  });

  it('emits only its own R syntax for any input (property)', () => {
    const alphabet = fc.constantFrom(
      ...'xyg()+-*/^<>=!&|,."\\ 1e5;`$@~#[]{}\'é😀\n'.split(''),
      'log(',
      'mean(',
      'is.na(',
      'system(',
      '"',
      '\\u0041',
    );
    const ALLOWED = new Set([
      'd',
      'base',
      'stats',
      'log',
      'exp',
      'sqrt',
      'abs',
      'round',
      'floor',
      'ceiling',
      'sum',
      'sd',
      'mean',
      'min',
      'max',
      'is.na',
      'c',
      'all',
      'function',
      'v',
      'if',
      'else',
      'NA',
      'na.rm',
      'TRUE',
      'Inf',
      'p',
      'e',
    ]);
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
        (text) => {
          const r = compileFormula(text, VARS, { dataVar: 'd' });
          if (!r.ok) {
            assert.ok(
              r.position >= 1 && r.position <= text.length + 1,
              `${r.message} for ${JSON.stringify(text)}`,
            );
            assert.match(r.message, / at \d+$/);
            return;
          }
          // Strip the string literals rQuote made, then every word must be one the translator writes.
          const bare = r.code.replace(/"(?:[^"\\]|\\.)*"/g, '""');
          assert.ok(
            !/[;`$@~#{}[\]]/.test(
              bare
                .replace(/\{ v <- base::c\(\.\.\.\); if /g, '')
                .replace(/ \}\)/g, ')')
                .replace(/d\[\[""\]\]/g, 'd'),
            ),
            bare,
          );
          for (const word of bare.match(/[A-Za-z_.][A-Za-z0-9_.]*/g) ?? []) {
            assert.ok(
              ALLOWED.has(word) || /^\.+$/.test(word) || /^\.?\d/.test(word),
              `unexpected word ${word} in ${bare}`,
            );
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('formula: rQuote', () => {
  it('escapes what R needs and nothing R would misread', () => {
    assert.equal(rQuote('plain text 123'), '"plain text 123"');
    assert.equal(rQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(rQuote('\n\r\t'), '"\\n\\r\\t"');
    assert.equal(rQuote('\x01\x7f'), '"\\u{0001}\\u{007f}"');
    assert.equal(rQuote('é€'), '"\\u{00e9}\\u{20ac}"');
    assert.equal(rQuote('😀'), '"\\U{01f600}"');
    assert.equal(rQuote("'`$"), '"\'`$"');
    assert.throws(() => rQuote('a\0b'), TypeError);
    assert.throws(() => rQuote('\ud800'), TypeError);
  });

  it('gives pure ASCII that decodes back to the string (property)', () => {
    const decode = (lit: string): string =>
      lit
        .slice(1, -1)
        .replace(
          /\\(?:u\{([0-9a-f]+)\}|U\{([0-9a-f]+)\}|(.))/g,
          (_, u?: string, U?: string, c?: string) =>
            (u ?? U)
              ? String.fromCodePoint(parseInt((u ?? U) as string, 16))
              : (({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c as string] ??
                (c as string)),
        );
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')),
        (s) => {
          const lit = rQuote(s);
          assert.match(lit, /^"[\x20-\x7e]*"$/);
          assert.ok(!/(^|[^\\])(\\\\)*"/.test(lit.slice(1, -1)), 'no unescaped quote inside');
          assert.equal(decode(lit), s);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('formula: type check with typed variables', () => {
  const typed = new Map([
    ['x', 'scalar'],
    ['t', 'datetime'],
    ['flag', 'logical'],
    ['g', 'nominal'],
    ['o', 'ordinal'],
  ]);
  const compile = (text: string, mode: 'value' | 'filter' = 'value') =>
    compileFormula(text, typed, { dataVar: 'd', mode });
  it('accepts well-typed formulas', () => {
    for (const f of [
      'x + t / 86400',
      'flag & x > 1',
      'g == "a" | o >= "mid"',
      'mean(x) + sum(flag)',
      'is.na(g)',
      '!flag',
      '-x',
    ]) {
      const r = compile(f);
      assert.ok(r.ok, `${f}: ${r.ok ? '' : r.message}`);
    }
    for (const f of ['x > 1', 'flag', 'is.na(g) | g == "b"', 'o < "hi"'])
      assert.ok(compile(f, 'filter').ok, f);
  });
  it('refuses what R would turn into NA or an error, with the position', () => {
    const table: [string, string, 'value' | 'filter'][] = [
      ['x + g', '"+" cannot use a nominal variable at 5', 'value'],
      ['"a" * 2', '"*" cannot use text at 1', 'value'],
      ['g < "b"', '"<" cannot use a nominal variable at 1', 'value'],
      ['-g', '"-" cannot use a nominal variable at 2', 'value'],
      ['mean(o)', 'mean() cannot use an ordinal variable at 6', 'value'],
      ['x + 1', 'a filter must give true or false (a comparison, &, |, ! or is.na) at 3', 'filter'],
      ['g', 'a filter must give true or false (a comparison, &, |, ! or is.na) at 1', 'filter'],
    ];
    for (const [f, message, mode] of table) {
      const r = compile(f, mode);
      assert.equal(r.ok ? 'ok' : r.message, message, f);
    }
  });
  it('checks nothing with names only', () => {
    assert.ok(compileFormula('x + g', new Set(['x', 'g']), { dataVar: 'd' }).ok);
  });
});
