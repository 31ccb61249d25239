/**
 * The realtime API (API.md §2) end to end: real server, real R, real store, real
 * socket.io-client. Each group starts its own server when it needs its own limits.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import {
  startTestServer,
  useTestServer,
  type TestOverrides,
  type TestServer,
} from '../fixtures/server.ts';
import { connect, createUser, refusal, type TestClient, type TestUser } from '../fixtures/users.ts';
import { isWireCodes, wireTextValues } from '../../converters/index.ts';
import { call } from './auth-http.helpers.ts';

const TEST_EXTENSION = path.resolve(import.meta.dirname, '../fixtures/r/test-extension.R');

const dataset = {
  type: 'dataset',
  name: 'd',
  variables: [
    { type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2, 3, 4, 5, 6, null, 8] },
    {
      type: 'vector',
      name: 'g',
      variableType: 'nominal',
      values: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
    },
  ],
};
const descriptives = (name: string) => ({
  type: 'report',
  name,
  reportType: 'descriptives',
  dataset: 'd',
  variables: ['x'],
});

function codeOf(o: Record<string, unknown> | undefined): unknown {
  return o?.type === 'error' ? o.code : o?.type;
}

describe('realtime: data, ok, ping (one shared server)', function () {
  this.timeout(60_000);
  let ts: TestServer;
  let user: TestUser;
  const open: TestClient[] = [];
  const client = async (cookie = user.cookie, autoAck = true): Promise<TestClient> => {
    const c = await connect(ts, cookie, { autoAck });
    open.push(c);
    return c;
  };

  before(async () => {
    ts = await startTestServer({
      extensions: { testing: TEST_EXTENSION },
      max_data: 1000,
      compute_timeout: 2,
    });
    user = await createUser(ts, 'rt');
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  after(async () => {
    await ts?.stop();
  });

  it('refuses a connection without a session, with a forged cookie, or from a foreign Origin', async () => {
    assert.equal(await refusal(ts, null), 'unauthorized');
    assert.equal(await refusal(ts, 'connect.sid=s%3Aforged.signature'), 'unauthorized');
    assert.match(
      await refusal(ts, user.cookie, 'https://evil.example'),
      /websocket error|forbidden/i,
    );
    // the same cookie from the server's own origin is accepted
    const own = await connect(ts, user.cookie);
    own.close();
  });

  it('sends the whole workspace first, acks each message, and keeps results across reconnects', async () => {
    const a = await client();
    const first = a.received[0];
    assert.equal(first?.replyTo, null);
    assert.equal(first?.reset, true);
    assert.ok(first?.workspace?.id);
    const seq = a.send([dataset, descriptives('summary1')]);
    const reply = await a.reply(seq);
    assert.ok(a.oks.includes(seq));
    assert.deepEqual(reply.objects.map(codeOf), ['dataset', 'report']);
    const report = reply.objects[1] as {
      hash: number;
      result: { columns: string[]; rows: unknown[][] };
    };
    assert.equal(typeof report.hash, 'number');
    assert.deepEqual(report.result.columns.slice(0, 3), ['variable', 'n', 'missing']);
    assert.deepEqual(report.result.rows[0]?.slice(0, 3), ['x', 7, 1]);
    assert.ok(Math.abs((report.result.rows[0]?.[3] as number) - 29 / 7) < 1e-12);
    a.close();

    const b = await client();
    const names = b.received[0]?.objects.map((o) => o.name);
    assert.deepEqual(names, ['d', 'summary1']);
    // the reloaded workspace is live in the new R session
    const again = await b.request([descriptives('summary2')]);
    assert.equal(codeOf(again[0]), 'report');
  });

  it('holds its next data until the client acks the last one', async () => {
    const c = await client(user.cookie, false);
    c.socket.emit('ok', { seq: c.received[0]?.seq });
    const s1 = c.send([descriptives('q1')]);
    const s2 = c.send([descriptives('q2')]);
    const s3 = c.send([descriptives('q3')]);
    await c.reply(s1);
    await c.until(() => c.oks.includes(s3), 10_000, 'the acks');
    // results for s2 and s3 are ready by now, but none is sent before the ok for s1's reply
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(c.received.length, 2);
    c.socket.emit('ok', { seq: c.received[1]?.seq });
    await c.reply(s2);
    assert.equal(c.received.length, 3);
    c.socket.emit('ok', { seq: c.received[2]?.seq });
    await c.reply(s3);
  });

  it('answers many requests in order', async () => {
    const c = await client();
    const seqs = Array.from({ length: 25 }, (_, i) => c.send([descriptives(`many${i}`)]));
    await c.reply(seqs[seqs.length - 1] ?? 0, 30_000);
    const order = c.received.filter((m) => m.replyTo !== null).map((m) => m.replyTo);
    assert.deepEqual(order, seqs);
  });

  it('answers a ping at once from the server, then from R', async () => {
    const c = await client();
    c.socket.emit('ping', { t: 'hello' });
    const fromR = await c.until(() => c.pings.find((p) => p.from === 'r'));
    const fromServer = c.pings.find((p) => p.from === 'server');
    assert.ok(fromServer);
    assert.deepEqual(fromServer, { t: 'hello', from: 'server' });
    assert.equal(fromR.t, 'hello');
    assert.equal(typeof fromR.r_ms, 'number');
    assert.ok(c.pings.indexOf(fromServer) < c.pings.indexOf(fromR));
  });

  it('refuses a message nested too deeply as invalid_message without parsing it, and goes on', async () => {
    const c = await client();
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    c.socket.io.engine.write(`2["data",{"seq":77,"objects":[${deep}]}]`);
    // Its seq (written first) is kept: it is acknowledged, and the refusal names it.
    const refused = await c.reply(77);
    assert.equal(refused.objects.length, 1);
    assert.equal(codeOf(refused.objects[0]), 'invalid_message');
    assert.match(String(refused.objects[0]?.['message']), /nests deeper than 64 levels/);
    assert.ok(c.oks.includes(77));
    // A seq written after the deep part cannot be read: the refusal names no message.
    c.socket.io.engine.write(`2["data",{"objects":[${deep}],"seq":78}]`);
    await c.until(() =>
      c.received.find((m) => m.replyTo === null && m.objects[0]?.['code'] === 'invalid_message'),
    );
    const [ok] = await c.request([{ type: 'note', name: 'after', text: 'still here' }]);
    assert.equal(ok?.type, 'note');
  });

  it('refuses a Socket.IO packet it cannot read and keeps the connection (API.md §2)', async () => {
    const c = await client();
    const unreadable = (): number =>
      c.received.filter(
        (m) => m.replyTo === null && /could not be read/.test(String(m.objects[0]?.['message'])),
      ).length;
    // Binary nobody announced, truncated JSON, an unknown packet type, 11 attachments (the
    // parser takes 10: one refusal, the attachments dropped), and an announced attachment
    // that never comes before the next text packet.
    c.socket.io.engine.write(Buffer.from([1, 2, 3]));
    c.socket.io.engine.write('2["data",{"seq":1,');
    c.socket.io.engine.write('9["data"]');
    c.socket.emit('data', {
      seq: 2,
      objects: Array.from({ length: 11 }, (_, i) => ({ b: Buffer.alloc(8, i) })),
    });
    c.socket.io.engine.write('51-["data",{"seq":3,"objects":[{"_placeholder":true,"num":0}]}]');
    // The next text packet (this request) drops the packet still waiting for its attachment,
    // and is read as usual.
    const [ok] = await c.request([{ type: 'note', name: 'after', text: 'still here' }]);
    assert.equal(ok?.type, 'note');
    await c.until(() => unreadable() >= 5 || undefined, 10_000, 'five refusals');
    assert.equal(c.socket.connected, true);
    assert.equal(unreadable(), 5);
  });

  it('answers each of several pings sent at once from R, each after its server answer', async () => {
    const c = await client();
    for (let t = 0; t < 5; t++) c.socket.emit('ping', { t });
    await c.until(() => c.pings.filter((p) => p.from === 'r').length === 5, 20_000, '5 R answers');
    const fromR = c.pings.filter((p) => p.from === 'r');
    assert.deepEqual(fromR.map((p) => p.t).sort(), [0, 1, 2, 3, 4]);
    for (const p of fromR) {
      assert.equal(typeof p.r_ms, 'number');
      const server = c.pings.findIndex((q) => q.from === 'server' && q.t === p.t);
      assert.ok(server >= 0 && server < c.pings.indexOf(p));
    }
  });

  it('answers every error code with an error object and serves the other objects', async () => {
    const c = await client();
    await c.request([dataset]);
    // invalid_message: not {seq, objects}. Acknowledged first, as any message (API.md §2).
    const order: string[] = [];
    c.socket.on('ok', (m: { seq: number }) => order.push(`ok ${m.seq}`));
    c.socket.on('data', (m: { replyTo: number | null }) => order.push(`data ${m.replyTo}`));
    c.socket.emit('data', { seq: 900, objects: 'nope' });
    const bad = await c.reply(900);
    assert.equal(codeOf(bad.objects[0]), 'invalid_message');
    assert.deepEqual(
      order.filter((e) => e.endsWith(' 900')),
      ['ok 900', 'data 900'],
    );
    c.socket.emit('data', 'garbage');
    c.socket.emit('data', null);
    const big = {
      type: 'dataset',
      name: 'big',
      variables: [
        {
          type: 'vector',
          name: 'v',
          variableType: 'scalar',
          values: Array.from({ length: 1001 }, () => 1),
        },
      ],
    };
    const replies = await c.request([
      {
        type: 'report',
        name: 'bad name!',
        reportType: 'descriptives',
        dataset: 'd',
        variables: ['x'],
      },
      { type: 'teleport', name: 'u1' },
      { type: 'report', name: 'u2', reportType: 'magic', dataset: 'd', variables: ['x'] },
      { type: 'report', name: 'nf', reportType: 'descriptives', dataset: 'nope', variables: ['x'] },
      big,
      { type: 'r', name: 'code', code: 'file.create("/tmp/panthr-should-not-exist")' },
      {
        type: 'test',
        name: 'constant',
        test: 't.test',
        dataset: 'd',
        variables: ['x'],
        options: { mu: 0 },
      },
      descriptives('fine'),
    ]);
    assert.deepEqual(replies.map(codeOf), [
      'invalid_object',
      'unknown_type',
      'unknown_type',
      'not_found',
      'too_large',
      'forbidden',
      'test',
      'report',
    ]);
    const constant = await c.request([
      { type: 'vector', name: 'k', variableType: 'scalar', values: [1, 1, 1] },
      {
        type: 'dataset',
        name: 'kd',
        variables: [{ type: 'vector', name: 'k', variableType: 'scalar', values: [1, 1, 1] }],
      },
      { type: 'test', name: 'kt', test: 't.test', dataset: 'kd', variables: ['k'], options: {} },
    ]);
    const rError = constant[2] as { code?: string; message?: string };
    assert.equal(rError.code, 'r_error');
    assert.match(rError.message ?? '', /essentially constant/);
    // the connection survived all of it
    assert.equal(codeOf((await c.request([descriptives('after')]))[0]), 'report');
  });

  it('passes an extension graph its own options', async () => {
    const c = await client();
    await c.request([dataset]);
    const [graph] = await c.request([
      {
        type: 'graph',
        name: 'titledGraph',
        graphType: 'titled',
        dataset: 'd',
        variables: ['x'],
        options: { title: 'Options arrive' },
      },
    ]);
    const result = (graph as { result?: { mime: string; data: string } }).result;
    assert.equal(result?.mime, 'image/svg+xml');
    assert.match(result?.data ?? '', /Options arrive/);
  });

  it('stops a computation past compute_timeout and keeps the session', async () => {
    const c = await client();
    await c.request([dataset]);
    const [spun] = await c.request([
      { type: 'test', name: 'spin1', test: 'spin', dataset: 'd', variables: ['x'], options: {} },
    ]);
    assert.equal(codeOf(spun), 'timeout');
    assert.equal(codeOf((await c.request([descriptives('alive')]))[0]), 'report');
  });

  it('survives its R session being killed mid-request, with the workspace intact', async () => {
    const c = await client();
    await c.request([dataset]);
    const [pidObj] = await c.request([
      { type: 'test', name: 'pid', test: 'pid', dataset: 'd', variables: ['x'], options: {} },
    ]);
    const pid = (pidObj as { result: { pid: number } }).result.pid;
    const seq = c.send([
      { type: 'test', name: 'spin2', test: 'spin', dataset: 'd', variables: ['x'], options: {} },
    ]);
    await new Promise((r) => setTimeout(r, 500));
    process.kill(pid, 'SIGKILL');
    const lost = (await c.reply(seq)).objects[0] as { code?: string; message?: string };
    assert.equal(lost.code, 'r_error');
    assert.match(lost.message ?? '', /R session/);
    const [after] = await c.request([descriptives('afterKill')]);
    assert.equal(codeOf(after), 'report');
    const [pid2] = await c.request([
      { type: 'test', name: 'pid', test: 'pid', dataset: 'd', variables: ['x'], options: {} },
    ]);
    assert.notEqual((pid2 as { result: { pid: number } }).result.pid, pid);
  });

  it('answers not_found when the workspace is deleted while its request runs', async () => {
    const u = await createUser(ts, 'deleted');
    const c = await connect(ts, u.cookie);
    open.push(c);
    await c.request([dataset]);
    const seq = c.send([
      {
        type: 'test',
        name: 'late',
        test: 'sleep',
        dataset: 'd',
        variables: ['x'],
        options: { seconds: 1 },
      },
    ]);
    const as = { cookie: u.cookie };
    const [current] = (
      (await call(ts, 'GET', '/api/v1/workspaces', undefined, as)).body as {
        workspaces: { id: string }[];
      }
    ).workspaces;
    assert.equal((await call(ts, 'POST', '/api/v1/workspaces', { name: 'Other' }, as)).status, 201);
    assert.equal(
      (await call(ts, 'DELETE', `/api/v1/workspaces/${current?.id ?? ''}`, undefined, as)).status,
      204,
    );
    const [late] = (await c.reply(seq)).objects;
    assert.equal(codeOf(late), 'not_found');
    assert.match(String(late?.message), /workspace was deleted meanwhile/);
    // The tab then gets the workspace that is now current, and works in it.
    await c.until(() =>
      c.received.some((m) => m.reset === true && m.workspace?.id !== current?.id),
    );
    assert.equal(codeOf((await c.request([dataset]))[0]), 'dataset');
  });

  it('shares one R session and workspace between two tabs, and tells the other tab', async () => {
    const a = await client();
    const b = await client();
    const [pa] = await a
      .request([
        dataset,
        { type: 'test', name: 'pidA', test: 'pid', dataset: 'd', variables: ['x'], options: {} },
      ])
      .then((o) => o.slice(1));
    const seqB = b.send([
      { type: 'test', name: 'pidB', test: 'pid', dataset: 'd', variables: ['x'], options: {} },
    ]);
    const pb = (await b.reply(seqB)).objects[0];
    assert.equal(
      (pa as { result: { pid: number } }).result.pid,
      (pb as { result: { pid: number } }).result.pid,
    );
    const pushed = await b.until(() =>
      b.received.find((m) => m.replyTo === null && m.objects.some((o) => o.name === 'pidA')),
    );
    assert.ok(pushed);
  });

  it('keeps binary values binary: back as bytes to a client that asks, as JSON to others', async () => {
    const doubles = new Float64Array([1.25, NaN, -3, Infinity, 5, 6, 7, 8]);
    const bin = {
      type: 'dataset',
      name: 'bin',
      variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: doubles }],
    };
    const asBytes = await connect(ts, user.cookie, { binaryValues: true });
    open.push(asBytes);
    const asJson = await client();
    const [echo, mean] = await asBytes.request([
      bin,
      { ...descriptives('binMean'), dataset: 'bin' },
    ]);
    const echoed = (echo as { variables: { values: unknown }[] }).variables[0]?.values;
    assert.ok(Buffer.isBuffer(echoed), 'bytes, not JSON');
    assert.ok(echoed.equals(Buffer.from(doubles.buffer)), 'the very bytes, NaN included');
    assert.deepEqual((mean as { result: { rows: unknown[][] } }).result.rows[0]?.slice(0, 3), [
      'x',
      7,
      1,
    ]);
    const pushed = await asJson.until(() =>
      asJson.received.find((m) => m.objects.some((o) => o.name === 'bin')),
    );
    const json = [1.25, null, -3, 'Inf', 5, 6, 7, 8];
    const pushedBin = pushed.objects.find((o) => o.name === 'bin') as {
      variables: { values: unknown }[];
    };
    assert.deepEqual(pushedBin.variables[0]?.values, json);
    const reloaded = [await connect(ts, user.cookie, { binaryValues: true }), await client()];
    open.push(reloaded[0] as TestClient);
    const [bytes, plain] = reloaded.map(
      (c) =>
        (
          c.received[0]?.objects.find((o) => o.name === 'bin') as {
            variables: { values: unknown }[];
          }
        ).variables[0]?.values,
    );
    assert.ok(Buffer.isBuffer(bytes) && bytes.equals(Buffer.from(doubles.buffer)));
    assert.deepEqual(plain, json);
  });
});

describe('realtime: long text to a binary client', function () {
  this.timeout(60_000);
  const ts = useTestServer();

  it('goes coded (strings and int32 codes) to a client that asked for binary values, as JSON to others', async () => {
    const user = await createUser(ts, 'coded');
    const groups = Array.from({ length: 5000 }, (_, i) =>
      i % 9 === 0 ? null : ['ctl', 'trt1', 'trt2'][i % 3],
    );
    const asBytes = await connect(ts, user.cookie, { binaryValues: true });
    const asJson = await connect(ts, user.cookie);
    try {
      const [echo, counts] = await asBytes.request([
        {
          type: 'dataset',
          name: 'g',
          variables: [{ type: 'vector', name: 'group', variableType: 'nominal', values: groups }],
        },
        {
          type: 'report',
          name: 'gFreq',
          reportType: 'frequency',
          dataset: 'g',
          variables: ['group'],
        },
      ]);
      const coded = (echo as { variables: { values: unknown }[] }).variables[0]?.values;
      assert.ok(isWireCodes(coded), 'coded');
      assert.deepEqual(coded.strings, ['trt1', 'trt2', 'ctl']);
      assert.deepEqual(wireTextValues(coded), groups);
      // R got the factor the values make (coded on the way in too): levels in order of
      // appearance, missing last.
      const rows = (counts as { result: { rows: unknown[][] } }).result.rows;
      assert.deepEqual(
        rows.map((r) => r.slice(0, 3)),
        ['trt1', 'trt2', 'ctl', null].map((g) => [
          'group',
          g,
          groups.filter((v) => v === g).length,
        ]),
      );
      const pushed = await asJson.until(() =>
        asJson.received.find((m) => m.objects.some((o) => o.name === 'g')),
      );
      const plain = pushed.objects.find((o) => o.name === 'g') as {
        variables: { values: unknown }[];
      };
      assert.deepEqual(plain.variables[0]?.values, groups, 'JSON clients get the strings');
    } finally {
      asBytes.close();
      asJson.close();
    }
  });
});

describe('realtime: the log', function () {
  this.timeout(60_000);

  it("logs each data message's size on the wire, also when it arrives right behind an ok", async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'info' },
      { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
    );
    const ts = await startTestServer({}, { log });
    try {
      const user = await createUser(ts, 'sizes');
      const c = await connect(ts, user.cookie, { autoAck: false });
      try {
        // Each `data` goes out in the same tick as the `ok` the server waits for: both reach
        // the server in one read, and Socket.IO runs their handlers only after both arrived.
        const first = { seq: 1, objects: [dataset] };
        c.socket.emit('ok', { seq: c.received[0]?.seq });
        c.socket.emit('data', first);
        const reply = await c.reply(1);
        const doubles = new Float64Array(1000).map((_, i) => i / 8);
        const bin = {
          type: 'dataset',
          name: 'bin',
          variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: doubles }],
        };
        c.socket.emit('ok', { seq: reply.seq });
        c.socket.emit('data', { seq: 2, objects: [bin] });
        await c.reply(2);
        const sizes = new Map(
          lines.filter((l) => l.msg === 'data received').map((l) => [l.seq, l.bytes]),
        );
        // Socket.IO's text packet: its type, then the event as JSON.
        assert.equal(sizes.get(1), Buffer.byteLength(`2${JSON.stringify(['data', first])}`));
        // A binary packet: its header (the bytes replaced by a placeholder), then the bytes.
        const header = `51-${JSON.stringify([
          'data',
          {
            seq: 2,
            objects: [
              {
                ...bin,
                variables: [{ ...bin.variables[0], values: { _placeholder: true, num: 0 } }],
              },
            ],
          },
        ])}`;
        assert.equal(sizes.get(2), Buffer.byteLength(header) + doubles.byteLength);
      } finally {
        c.close();
      }
    } finally {
      await ts.stop();
    }
  });
  it('leaves no listener behind when a client leaves the namespace and joins again', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const ts = await startTestServer();
    try {
      const user = await createUser(ts, 'rejoin');
      const url = `${ts.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
      const ws = new WebSocket(url, { headers: { cookie: user.cookie } });
      const got: string[] = [];
      ws.on('message', (m: Buffer, binary: boolean) => {
        const text = binary ? '' : m.toString();
        got.push(text);
        if (text === '2') ws.send('3'); // Engine.IO's ping
      });
      await new Promise((resolve) => ws.once('open', resolve));
      const until = async (test: (m: string) => boolean): Promise<void> => {
        for (let i = 0; i < 2000 && !got.some(test); i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        assert.ok(got.some(test), got.slice(-3).join(' | '));
      };
      // Socket.IO's CONNECT (40) and DISCONNECT (41) of the default namespace, 12 times on
      // one Engine.IO connection: each join binds the handlers anew.
      for (let i = 0; i < 12; i++) {
        got.length = 0;
        ws.send('40');
        await until((m) => m.startsWith('42["data"'));
        ws.send('41');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      ws.close();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        warnings.filter((w) => w.includes('MaxListeners')),
        [],
      );
    } finally {
      process.off('warning', onWarning);
      await ts.stop();
    }
  });
});

describe('realtime: limits', function () {
  this.timeout(60_000);

  /** Runs `fn` against a server of its own (its own limits), stopped afterwards. */
  async function withServer(
    overrides: TestOverrides,
    fn: (ts: TestServer) => Promise<void>,
  ): Promise<void> {
    const ts = await startTestServer(overrides);
    try {
      await fn(ts);
    } finally {
      await ts.stop();
    }
  }

  it('disconnects an idle client with bye timeout; pings do not keep it, a computation does', () =>
    withServer(
      {
        timeout: 2,
        extensions: { testing: TEST_EXTENSION },
        compute_timeout: 4,
      },
      async (ts) => {
        const user = await createUser(ts, 'idle');
        const busy = await connect(ts, user.cookie);
        await busy.request([dataset]);
        const started = Date.now();
        const [spun] = await busy.request([
          { type: 'test', name: 's', test: 'spin', dataset: 'd', variables: ['x'], options: {} },
        ]);
        assert.equal(codeOf(spun), 'timeout');
        assert.ok(Date.now() - started > 3000);
        assert.deepEqual(busy.byes, [], 'a running computation is not idle');
        // A malformed `data` is a `data` the client sent: it keeps the client active too.
        const malformed = setInterval(() => busy.socket.emit('data', { bogus: 1 }), 300);
        try {
          await new Promise((resolve) => setTimeout(resolve, 3000));
        } finally {
          clearInterval(malformed);
        }
        assert.deepEqual(busy.byes, [], 'malformed data messages are activity');
        const pinger = setInterval(() => busy.socket.emit('ping', { t: 1 }), 300);
        try {
          const bye = await busy.until(() => busy.byes[0], 10_000, 'bye');
          assert.deepEqual(bye, { reason: 'timeout' });
        } finally {
          clearInterval(pinger);
        }
        await busy.until(() => busy.socket.disconnected || undefined, 5000, 'disconnect');
      },
    ));

  it('ends a connection after max_time with bye max_time', () =>
    withServer({ max_time: 2 }, async (ts) => {
      const user = await createUser(ts, 'life');
      const c = await connect(ts, user.cookie);
      const keepBusy = setInterval(() => c.send([]), 300);
      try {
        assert.deepEqual(await c.until(() => c.byes[0], 10_000, 'bye'), { reason: 'max_time' });
      } finally {
        clearInterval(keepBusy);
      }
    }));

  it('says bye unavailable when the workspace cannot be read, and keeps serving others', () =>
    withServer({}, async (ts) => {
      const [broken, fine] = [await createUser(ts, 'broken'), await createUser(ts, 'fine')];
      const first = await connect(ts, broken.cookie);
      const values = Array.from({ length: 5000 }, (_, i) => i);
      await first.request([{ type: 'vector', name: 'v', variableType: 'scalar', values }]);
      first.close();
      // The store loses the chunk the vector's document names (a damaged database).
      const { workspaces } = ts.server.store;
      await workspaces.removeChunks((await workspaces.chunkList()).map((c) => c._id));
      const socket = io(ts.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { cookie: broken.cookie },
      });
      const bye = await new Promise<unknown>((resolve, reject) => {
        socket.on('bye', resolve);
        socket.on('data', () => reject(new Error('a workspace was sent')));
      });
      assert.deepEqual(bye, { reason: 'unavailable' });
      await new Promise<void>((resolve) =>
        socket.connected ? socket.once('disconnect', () => resolve()) : resolve(),
      );
      const other = await connect(ts, fine.cookie);
      // Served: no dataset d in a fresh workspace.
      assert.equal(codeOf((await other.request([descriptives('none')]))[0]), 'not_found');
      other.close();
    }));

  it('refuses clients past max_users (login 503, socket server_full)', () =>
    withServer({ max_users: 1 }, async (ts) => {
      const a = await createUser(ts, 'full');
      const b = await createUser(ts, 'full');
      const c = await connect(ts, a.cookie);
      assert.equal(await refusal(ts, b.cookie), 'server_full');
      const res = await fetch(`${ts.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: b.email, password: b.password }),
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: string }).error, 'server_full');
      const status = (await (await fetch(`${ts.url}/status`)).json()) as { no_users: number };
      assert.equal(status.no_users, 1);
      c.close();
    }));

  it('max_users 0: a server always full (every login 503 server_full)', () =>
    withServer({ max_users: 0 }, async (ts) => {
      const body = JSON.stringify({
        email: 'zero@example.org',
        password: 'a long enough password',
      });
      const headers = { 'content-type': 'application/json' };
      const reg = await fetch(`${ts.url}/register`, { method: 'POST', headers, body });
      assert.equal(reg.status, 201);
      const res = await fetch(`${ts.url}/login`, { method: 'POST', headers, body });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: string }).error, 'server_full');
      const status = (await (await fetch(`${ts.url}/status`)).json()) as { max_users: number };
      assert.equal(status.max_users, 0);
    }));

  it('public mode: what a user created is gone after they disconnect', () =>
    withServer({ public: true }, async (ts) => {
      const user = await createUser(ts, 'pub');
      const c = await connect(ts, user.cookie);
      await c.request([dataset]);
      // Groups and access tokens are what a client created too.
      const json = { cookie: user.cookie, 'content-type': 'application/json' };
      const made = await Promise.all([
        fetch(`${ts.url}/api/v1/groups`, { method: 'POST', headers: json, body: '{"name":"g1"}' }),
        fetch(`${ts.url}/api/v1/tokens`, {
          method: 'POST',
          headers: json,
          body: '{"name":"t","scopes":["read"],"expires_in_days":1}',
        }),
      ]);
      assert.deepEqual(
        made.map((r) => r.status),
        [201, 201],
      );
      c.close();
      await new Promise((r) => setTimeout(r, 1000));
      const again = await connect(ts, user.cookie);
      assert.deepEqual(again.received[0]?.objects, []);
      again.close();
      const list = async (what: string): Promise<unknown> =>
        (await fetch(`${ts.url}/api/v1/${what}`, { headers: { cookie: user.cookie } })).json();
      assert.deepEqual(await list('groups'), { groups: [] });
      assert.deepEqual(await list('tokens'), { tokens: [] });
    }));

  it('public mode: a reader of a workspace whose owner leaves loses it (bye revoked)', () =>
    withServer({ public: true }, async (ts) => {
      const owner = await createUser(ts, 'pubowner');
      const reader = await createUser(ts, 'pubreader');
      const c = await connect(ts, owner.cookie);
      await c.request([dataset]);
      const list = await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie: owner.cookie });
      const ws = (list.body.workspaces as { id: string }[])[0]!.id;
      const shared = await call(
        ts,
        'POST',
        `/api/v1/workspaces/${ws}/shares`,
        { with: reader.email },
        { cookie: owner.cookie },
      );
      assert.equal(shared.status, 201, shared.text);
      const open = await call(ts, 'POST', `/api/v1/workspaces/${ws}/current`, undefined, {
        cookie: reader.cookie,
      });
      assert.equal(open.status, 200, open.text);
      const r = await connect(ts, reader.cookie);
      assert.deepEqual(
        r.received[0]?.objects.map((o) => o.name),
        ['d'],
      );
      c.close();
      await r.until(() => r.byes.length > 0, 10_000, 'bye');
      assert.deepEqual(r.byes, [{ reason: 'revoked' }]);
    }));

  it('public mode: a user who reconnects at once gets the purged workspace and works in it', () =>
    withServer({ public: true }, async (ts) => {
      const user = await createUser(ts, 'pubagain');
      const c = await connect(ts, user.cookie);
      await c.request([dataset]);
      c.close();
      const again = await connect(ts, user.cookie);
      assert.deepEqual(again.received[0]?.objects, []);
      const replies = await again.request([dataset, descriptives('after')]);
      assert.deepEqual(replies.map(codeOf), ['dataset', 'report']);
      again.close();
    }));

  it('public mode: a tab that leaves while waiting for the purge holds no R session', () =>
    withServer({ public: true }, async (ts) => {
      const user = await createUser(ts, 'publeave');
      const c = await connect(ts, user.cookie);
      await c.request([dataset]);
      c.close();
      const socket = io(ts.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { cookie: user.cookie },
      });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.close();
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(ts.server.r.pool.metrics().leased, 0);
    }));

  it('public mode: a user still connected at shutdown is purged before the server stops', () =>
    withServer({ public: true }, async (ts) => {
      const user = await createUser(ts, 'pubdown');
      const c = await connect(ts, user.cookie);
      await c.request([dataset]);
      const { workspaces } = ts.server.store;
      assert.ok((await workspaces.everyObject()).length > 0);
      await ts.server.app.realtime.close();
      assert.equal((await workspaces.everyObject()).length, 0);
    }));

  it("public mode: a leaving user's running computation is stopped, not waited for", () =>
    withServer(
      { public: true, compute_timeout: 120, extensions: { testing: TEST_EXTENSION } },
      async (ts) => {
        const user = await createUser(ts, 'pubspin');
        const c = await connect(ts, user.cookie);
        await c.request([dataset]);
        const spin = { type: 'test', name: 'spin', test: 'spin', dataset: 'd', variables: ['x'] };
        const seq = c.send([spin]);
        await c.until(() => c.oks.includes(seq), 10_000, 'the ok');
        c.close();
        // The next tab waits for the purge, which waited for the spin before (120 s, far past
        // connect's 20 s wait for the workspace).
        const again = await connect(ts, user.cookie);
        assert.deepEqual(again.received[0]?.objects, []);
        again.close();
      },
    ));

  it('public mode: a user who leaves while waiting for an R session ends at once', () =>
    withServer({ public: true, r: { max_sessions: 1, warm_sessions: 0 } }, async (ts) => {
      const holder = await createUser(ts, 'pubholder');
      const waiter = await createUser(ts, 'pubwaiter');
      const a = await connect(ts, holder.cookie);
      await a.request([dataset]); // holds the one R session
      const b = await connect(ts, waiter.cookie); // its session waits for R
      b.close();
      // Back at once, while the first user still holds R: the old session did not wait
      // for R to end (the workspace comes once it ended).
      const again = await connect(ts, waiter.cookie);
      assert.deepEqual(again.received[0]?.objects, []);
      again.close();
      a.close();
    }));

  it('says bye shutdown to every client when the server stops', async () => {
    const ts = await startTestServer();
    let stopped = false;
    try {
      const user = await createUser(ts, 'down');
      const c = await connect(ts, user.cookie);
      await ts.stop();
      stopped = true;
      assert.deepEqual(await c.until(() => c.byes[0], 5000, 'bye'), { reason: 'shutdown' });
    } finally {
      if (!stopped) await ts.stop();
    }
  });
});
