// Formula highlighting and checking in the browser (client/src/formula.ts).
import assert from 'node:assert/strict';
import { checkFormula, errorOffset, tokenize } from '../../client/src/formula.ts';

const kinds = (src: string) =>
  tokenize(src)
    .filter((t) => t.kind !== 'space')
    .map((t) => `${t.kind}:${t.text}`);

describe('client formula highlighting', () => {
  it('classifies every token and covers the text exactly', () => {
    const src = 'is.na(x) | log(income) >= 2.5e3 & grp != "a b" ^ !y';
    const toks = tokenize(src);
    assert.equal(toks.map((t) => t.text).join(''), src);
    for (const t of toks) assert.equal(src.slice(t.start, t.end), t.text);
    assert.deepEqual(kinds(src), [
      'function:is.na',
      'paren:(',
      'variable:x',
      'paren:)',
      'operator:|',
      'function:log',
      'paren:(',
      'variable:income',
      'paren:)',
      'operator:>=',
      'number:2.5e3',
      'operator:&',
      'variable:grp',
      'operator:!=',
      'string:"a b"',
      'operator:^',
      'operator:!',
      'variable:y',
    ]);
  });

  it('marks a function name used without a call as a variable, and unknown characters as invalid', () => {
    assert.deepEqual(kinds('log + x$y'), [
      'variable:log',
      'operator:+',
      'variable:x',
      'invalid:$',
      'variable:y',
    ]);
    assert.deepEqual(kinds('"open'), ['invalid:"open']);
  });
});

describe('client formula checking', () => {
  const vars = ['x', 'y', 'income', 'grp'];
  it('accepts well-formed formulas', () => {
    for (const f of [
      'x',
      '-x^2',
      '(x + y) * 2',
      'log(income) > 3 & !is.na(y)',
      'max(x, y) == 1',
      'grp == "a"',
      '!x > 2',
    ])
      assert.equal(checkFormula(f, vars), null, f);
  });

  it('points at the first error', () => {
    // The server's own messages (converters/formula), without their trailing position.
    const cases: [string, number, RegExp][] = [
      ['log(x', 3, /^"\(" is not closed\.$/],
      ['x +', 3, /^Unexpected end of formula\.$/],
      ['x $ y', 2, /^Unexpected character "\$"\.$/],
      ['system(x)', 0, /^Unknown function "system"\.$/],
      ['z + 1', 0, /^Unknown variable "z"\.$/],
      ['x y', 2, /^Unexpected "y"\.$/],
      ['mean()', 0, /takes 1 argument, not 0/],
      ['"abc', 0, /^Unterminated string\.$/],
      ['', 0, /^Empty formula\.$/],
    ];
    for (const [f, at, msg] of cases) {
      const e = checkFormula(f, vars);
      assert.ok(e, f);
      assert.equal(e.start, at, f);
      assert.match(e.message, msg, f);
    }
  });

  it("reads the position out of the server's messages (1-based)", () => {
    assert.equal(errorOffset('unknown function "system" at 1'), 0);
    assert.equal(errorOffset('unexpected ")" at 12'), 11);
    assert.equal(errorOffset('syntax error at position 5'), 4);
    assert.equal(errorOffset('no such variable'), null);
  });
});
