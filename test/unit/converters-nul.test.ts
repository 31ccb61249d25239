/**
 * findNul: the path of the first text holding a NUL character, in any string or key of a
 * client object, without recursion (a deeply nested value cannot overflow the stack).
 */
import assert from 'node:assert/strict';
import { findNul } from '../../converters/validate.ts';
import { validateObject } from '../../converters/index.ts';

describe('converters: NUL characters in client text', () => {
  it('names the first string or key holding a NUL', () => {
    assert.equal(findNul({ a: 'x', b: ['y', { c: 'z\u0000' }] }), 'b[1].c');
    assert.equal(findNul({ options: { 'k\u0000': 1 } }), 'options: one of its keys');
    assert.equal(findNul({ a: ['ok', 1, true, null], b: new Float64Array([0]) }), null);
  });

  it('walks a deeply nested value without recursion', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    assert.equal(findNul({ deep })?.startsWith('deep[0][0]'), true);
  });

  it('leaves vector values to the vector schema, which names the cell', () => {
    const result = validateObject({
      type: 'vector',
      name: 'v',
      variableType: 'nominal',
      values: ['a', 'b\u0000'],
    });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /^"values\[1\]": a NUL character/);
  });
});
