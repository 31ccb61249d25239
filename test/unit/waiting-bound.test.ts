/**
 * The bound on one user's messages waiting for R (server/sessions/waiting.bound.ts): by
 * count (`max_queued`, read at each message) and by bytes, one message always admitted.
 */
import assert from 'node:assert/strict';
import { WaitingBound } from '../../server/sessions/waiting.bound.ts';

describe('sessions: the bound on waiting messages', () => {
  it('admits up to max_queued messages, then says how many wait', () => {
    let max = 2;
    const w = new WaitingBound(() => max);
    assert.equal(w.admit(10), null);
    assert.equal(w.admit(10), null);
    assert.match(
      w.admit(10) ?? '',
      /^2 earlier messages of yours already wait for R \(at most 2 may wait\)/,
    );
    w.started(10);
    assert.equal(w.admit(10), null);
    max = 3; // a reload raises it
    assert.equal(w.admit(10), null);
    assert.equal(w.waiting, 3);
    const one = new WaitingBound(() => 1);
    one.admit(0);
    assert.match(one.admit(0) ?? '', /^1 earlier message of yours/);
  });

  it('admits one message of any size, then bounds the bytes waiting', () => {
    const w = new WaitingBound(() => 1000, 100);
    assert.equal(w.admit(500), null, 'alone, any size waits');
    assert.match(w.admit(1) ?? '', /MiB of earlier messages of yours already wait/);
    w.started(500);
    assert.equal(w.admit(60), null);
    assert.equal(w.admit(40), null);
    assert.notEqual(w.admit(1), null);
    w.started(60);
    assert.equal(w.admit(50), null);
    assert.equal(w.waiting, 2);
  });
});
