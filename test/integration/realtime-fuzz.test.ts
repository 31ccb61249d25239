/**
 * Fuzzing the realtime API (API.md §2): thousands of random and malformed payloads at a
 * connected socket, then hand-made hostile ones (deep nesting, huge strings below and above
 * Socket.IO's message limit, binary, hostile keys, thousands of objects, raw malformed
 * Socket.IO packets). The server must stay up with bounded memory, another user must get
 * the same results as before, and the fuzzed connection must still answer a valid request,
 * unless Socket.IO itself dropped it (a message over the limit, a second CONNECT).
 * The seed is printed; rerun a failure with FUZZ_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { maxMessageBytes } from '../../server/realtime/index.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient, type TestUser } from '../fixtures/users.ts';
import { hostileCases, randomEvents, type Outcome } from './realtime-fuzz.payloads.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RANDOM_EVENTS = 3000;
const BATCH = 100;
const MAX_DATA = 100_000;
/** RSS growth allowed over the whole fuzz run (huge strings leave garbage and freed pages). */
const RSS_BOUND_MB = 400;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const dataset = {
  type: 'dataset',
  name: 'd',
  variables: [
    { type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2, 3, 4, 5, 6, null, 8] },
  ],
};
const descriptives = {
  type: 'report',
  name: 'check',
  reportType: 'descriptives',
  dataset: 'd',
  variables: ['x'],
};

/** Seqs for our own checks, far from the fuzz's (at most 1e6). */
let checkSeq = 1e12;

/**
 * Sends the dataset and a descriptives request and returns the report's first row, or
 * 'dropped' when the connection is (or goes) down. Everything sent before is answered
 * first (one user's requests run in order), so this is also a barrier.
 */
async function check(c: TestClient): Promise<unknown[] | 'dropped'> {
  if (!c.socket.connected) return 'dropped';
  const seq = ++checkSeq;
  c.socket.emit('data', { seq, objects: [dataset, descriptives] });
  const reply = await c.until(
    () => c.received.find((m) => m.replyTo === seq) ?? (c.socket.connected ? undefined : 'gone'),
    30_000,
    `the reply to check ${seq}`,
  );
  if (reply === 'gone') return 'dropped';
  const report = reply.objects[1] as { result?: { rows?: unknown[][] } } | undefined;
  const row = report?.result?.rows?.[0];
  assert.ok(row, `no descriptives in ${JSON.stringify(reply.objects).slice(0, 300)}`);
  return row;
}

function rssMb(): number {
  gc();
  gc();
  return process.memoryUsage().rss / 2 ** 20;
}

/** Checks that /status answers; returns `no_users`. */
async function statusOk(ts: TestServer): Promise<number> {
  const res = await fetch(`${ts.url}/status`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { api_version?: string; no_users?: number };
  assert.equal(body.api_version, '1.1');
  return body.no_users ?? -1;
}

describe('realtime fuzz: random and hostile payloads', function () {
  this.timeout(120_000);
  let ts: TestServer;
  let fuzzer: TestUser;
  let victim: TestClient;
  let client: TestClient;
  let victimRow: unknown[];
  let rssBefore: number;
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  before(async () => {
    console.log(`      fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED})`);
    ts = await startTestServer({
      max_data: MAX_DATA,
      // A pathological computation is answered `timeout` well before a check gives up.
      compute_timeout: 10,
      r: { warm_sessions: 2, session_memory_mb: null },
    });
    const [a, b] = await Promise.all([createUser(ts, 'fuzz'), createUser(ts, 'victim')]);
    fuzzer = a;
    victim = await connect(ts, b.cookie);
    client = await connect(ts, fuzzer.cookie);
    const row = await check(victim);
    assert.notEqual(row, 'dropped');
    victimRow = row as unknown[];
    assert.deepEqual(victimRow.slice(0, 3), ['x', 7, 1]);
    assert.deepEqual(await check(client), victimRow);
    rssBefore = rssMb();
  });
  after(async () => {
    client?.close();
    victim?.close();
    await ts?.stop();
  });

  it(`survives ${RANDOM_EVENTS} random events on one connection, which keeps answering`, async () => {
    const events = randomEvents(SEED, RANDOM_EVENTS);
    for (let i = 0; i < events.length; i += BATCH) {
      for (const [event, ...args] of events.slice(i, i + BATCH)) client.socket.emit(event, ...args);
      const row = await check(client);
      assert.notEqual(
        row,
        'dropped',
        `random events ${i}..${i + BATCH} (seed ${SEED}) dropped the connection`,
      );
      assert.deepEqual(row, victimRow, `seed ${SEED}, events ${i}..${i + BATCH}`);
    }
    await statusOk(ts);
  });

  it('answers or drops (for a documented reason) each hostile payload, and stays up', async () => {
    const limit = maxMessageBytes(MAX_DATA);
    const outcomes: Record<string, Outcome> = {};
    const expected: Record<string, Outcome> = {};
    for (const hc of hostileCases(limit)) {
      if (!client.socket.connected) client = await connect(ts, fuzzer.cookie);
      hc.send(client);
      const row = await check(client);
      outcomes[hc.name] = row === 'dropped' ? 'dropped' : 'answers';
      expected[hc.name] = hc.expect;
      if (row !== 'dropped') assert.deepEqual(row, victimRow, hc.name);
      await statusOk(ts);
    }
    assert.deepEqual(outcomes, expected);
  });

  it('kept other users unaffected, memory bounded and Object.prototype clean', async () => {
    assert.ok(victim.socket.connected, 'the other user was disconnected');
    assert.deepEqual(await check(victim), victimRow);
    if (!client.socket.connected) client = await connect(ts, fuzzer.cookie);
    assert.deepEqual(await check(client), victimRow);
    // Every dropped connection is gone from the count: only the victim and the fuzzer remain.
    const deadline = Date.now() + 10_000;
    while ((await statusOk(ts)) !== 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    assert.equal(await statusOk(ts), 2);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoKeys);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const growth = rssMb() - rssBefore;
    console.log(`      server process RSS grew by ${growth.toFixed(0)} MB`);
    assert.ok(growth < RSS_BOUND_MB, `RSS grew by ${growth.toFixed(0)} MB`);
  });
});
