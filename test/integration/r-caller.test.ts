/**
 * How the compute layer calls PanthR.r (server/compute/r.caller.ts), on real R: small
 * arguments inside the call itself, one QAP1 message and one answer (issue 16, goal 4);
 * large ones assigned first and removed by the call; the same result either way.
 */
import assert from 'node:assert/strict';
import { Qap1Connection } from '../../r/qap1/client.ts';
import { rDataFrame, rDouble, rLogical, rString, type RConnection } from '../../r/qap1/index.ts';
import { RCaller, type RArg } from '../../server/compute/r.caller.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';

const ROWS = 100_000;

/** Runs `fn`, counting the QAP1 messages written and the writes that carried them. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; messages: number[] }> {
  const messages: number[] = [];
  const own = Object.getOwnPropertyDescriptor(Qap1Connection.prototype, 'roundTrip');
  const roundTrip = own?.value as (this: Qap1Connection, m: readonly unknown[]) => unknown;
  Object.defineProperty(Qap1Connection.prototype, 'roundTrip', {
    ...own,
    value(this: Qap1Connection, m: readonly unknown[]) {
      messages.push(m.length);
      return roundTrip.call(this, m);
    },
  });
  try {
    return { value: await fn(), messages };
  } finally {
    if (own !== undefined) Object.defineProperty(Qap1Connection.prototype, 'roundTrip', own);
  }
}

describe('compute: calling PanthR.r', function () {
  this.timeout(60_000);
  let r: PanthrR;
  let conn: RConnection;
  let caller: RCaller;
  const x = Float64Array.from({ length: ROWS }, (_, i) => (i * 7919) % 1000);
  const report = (rows: RArg, code: RArg = null): RArg[] => [
    { value: rString(['descriptives']) },
    { ref: '.panthr_d901' },
    { value: rString(['x']) },
    null,
    rows,
    null,
    code,
  ];
  const call = { timeoutMs: 30_000 };

  before(async () => {
    r = await startPanthrR();
    ({ conn } = await r.session());
    caller = new RCaller(conn);
    await conn.assign('.panthr_d901', rDataFrame([['x', rDouble(x)]], ROWS));
  });
  after(async () => r?.stop());

  it('sends a call with small arguments as one message, and its result is R’s', async () => {
    const { value, messages } = await counted(() =>
      caller.call('panthr_report', report(null), call),
    );
    assert.deepEqual(messages, [1], 'one message, no assign before it');
    const direct = await conn.eval(
      'panthr_run(panthr_report, "descriptives", .panthr_d901, "x", NULL, NULL, NULL)$value',
    );
    assert.deepEqual(value, direct);
  });

  it('assigns large arguments first (a large filter), gives the same result, leaves nothing', async () => {
    const keep = Uint8Array.from({ length: ROWS }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const { value, messages } = await counted(() =>
      caller.call('panthr_report', report({ value: rLogical(keep) }), call),
    );
    assert.deepEqual(messages, [2], 'the arguments assigned in the same write as the call');
    const code = '.panthr_d901[seq_len(nrow(.panthr_d901)) %% 3L == 1L, , drop = FALSE]';
    const expected = await conn.eval(
      `panthr_run(panthr_report, "descriptives", ${code}, "x", NULL, NULL, NULL)$value`,
    );
    assert.deepEqual(value, expected);
    assert.deepEqual(await conn.eval('exists(".panthr_args1")'), rLogical([false]));
  });

  it('reports R’s error through panthr_run for an inline call, as for an assigned one', async () => {
    await assert.rejects(
      caller.call('panthr_report', report(null, null).with(0, { value: rString(['nope']) }), call),
      (e: Error & { code?: string }) => e.code === 'unknown_type' && /nope/.test(e.message),
    );
  });
});
