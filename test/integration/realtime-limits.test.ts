/**
 * The realtime transport's byte limits (docs/security.md, "Message limits"), on the wire:
 * raw WebSocket frames and polling POSTs before login, and Socket.IO messages after it.
 * Before login a frame over 64 KB is refused (WebSocket close 1009, HTTP 413) and the
 * server goes on serving; a CONNECT with auth data under it still gets its `unauthorized`.
 * After login a 100 MB message is served and one over 128 MB, in one frame or spread over
 * attachments, is refused.
 */
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { MESSAGE_BYTES, PRE_LOGIN_FRAME_BYTES } from '../../server/realtime/message-limits.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, refusal, type TestUser } from '../fixtures/users.ts';

/** A raw Engine.IO v4 WebSocket: resolves once the server's open packet arrived. */
async function rawSocket(url: string, cookie?: string): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
    headers: cookie === undefined ? {} : { cookie },
    maxPayload: 0,
  });
  const raw = new RawSocket(ws);
  await raw.next((m) => m.startsWith('0'));
  return raw;
}

class RawSocket {
  readonly texts: string[] = [];
  closed: { code: number; reason: string } | null = null;
  private wake: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.texts.push((data as Buffer).toString());
      this.poke();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.poke();
    });
    ws.on('error', () => this.poke());
  }
  /** The first text message (from the start) that `test` accepts. */
  async next(test: (m: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.texts.find(test);
      if (m !== undefined) return m;
      if (this.closed !== null) throw new Error(`closed ${JSON.stringify(this.closed)}`);
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((r) => {
        this.wake.push(r);
        setTimeout(r, 200);
      });
    }
  }
  /** Resolves with the close code once the server closed the socket. */
  async closedWith(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closed === null) {
      if (Date.now() > deadline) throw new Error('the server did not close the socket');
      await new Promise<void>((r) => {
        this.wake.push(r);
        setTimeout(r, 200);
      });
    }
    return this.closed.code;
  }
  private poke(): void {
    for (const w of this.wake.splice(0)) w();
  }
}

async function statusOk(url: string): Promise<void> {
  const res = await fetch(`${url}/status`);
  assert.equal(res.status, 200);
}

/** A dataset of one scalar variable whose binary values take `bytes` bytes. */
function binaryDataset(name: string, bytes: number): Record<string, unknown> {
  return {
    type: 'dataset',
    name,
    variables: [
      { type: 'vector', name: 'x', variableType: 'scalar', values: new Float64Array(bytes / 8) },
    ],
  };
}

describe('realtime: byte limits before and after login', function () {
  this.timeout(300_000);
  const ts = useTestServer({ max_data: null, compute_timeout: 120 });
  let user: TestUser;
  before(async () => {
    user = await createUser(ts, 'limits');
  });

  it('refuses a pre-login WebSocket frame over 64 KB (close 1009) and keeps serving', async () => {
    const raw = await rawSocket(ts.url);
    // A CONNECT whose auth data is just over the limit.
    const pad = 'x'.repeat(PRE_LOGIN_FRAME_BYTES);
    raw.ws.send(`40${JSON.stringify({ pad })}`);
    assert.equal(await raw.closedWith(), 1009);
    await statusOk(ts.url);
    const c = await connect(ts, user.cookie);
    c.close();
  });

  it('still reads a CONNECT with auth data under 64 KB: refused as unauthorized', async () => {
    const raw = await rawSocket(ts.url);
    raw.ws.send(`40${JSON.stringify({ token: 'y'.repeat(PRE_LOGIN_FRAME_BYTES - 100) })}`);
    const refusedWith = await raw.next((m) => m.startsWith('44'));
    assert.deepEqual(JSON.parse(refusedWith.slice(2)), { message: 'unauthorized' });
    raw.ws.close();
    assert.equal(await refusal(ts, null), 'unauthorized');
  });

  it('refuses a pre-login polling POST over 64 KB (413) and keeps serving', async () => {
    const base = `${ts.url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const big = await fetch(`${base}&sid=${sid}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: `40${JSON.stringify({ pad: 'x'.repeat(PRE_LOGIN_FRAME_BYTES) })}`,
    });
    assert.equal(big.status, 413);
    await statusOk(ts.url);
    // A fresh polling connection's small POST still goes through.
    const open2 = await (await fetch(base)).text();
    const sid2 = (JSON.parse(open2.slice(1)) as { sid: string }).sid;
    const small = await fetch(`${base}&sid=${sid2}`, { method: 'POST', body: '40' });
    assert.equal(small.status, 200);
    const c = await connect(ts, user.cookie);
    c.close();
  });

  it('serves a logged-in 100 MB message', async () => {
    // A user of its own: the others' workspaces stay small.
    const big = await createUser(ts, 'limits-big');
    const c = await connect(ts, big.cookie, { binaryValues: true });
    try {
      const [reply] = await c.request([binaryDataset('big', 100e6)], 240_000);
      // (No JSON of the reply in a message: its 100 MB of values would take minutes.)
      assert.equal(reply?.type, 'dataset', String(reply?.message));
      assert.deepEqual(reply?.result, { rows: 100e6 / 8, variables: 1 });
    } finally {
      c.close();
    }
  });

  it('refuses a logged-in message over 128 MB in one frame (close 1009), others go on', async () => {
    const other = await connect(ts, user.cookie);
    const raw = await rawSocket(ts.url, user.cookie);
    raw.ws.send('40');
    await raw.next((m) => m.startsWith('40'));
    const text = `42["data",{"seq":1,"objects":[],"pad":"${'x'.repeat(MESSAGE_BYTES)}"}]`;
    raw.ws.send(`4${text}`);
    assert.equal(await raw.closedWith(), 1009);
    const [reply] = await other.request([binaryDataset('small', 80)]);
    assert.equal(reply?.type, 'dataset');
    other.close();
  });

  it('refuses a logged-in message whose attachments together pass 128 MB', async () => {
    const raw = await rawSocket(ts.url, user.cookie);
    raw.ws.send('40');
    await raw.next((m) => m.startsWith('40'));
    const part = Buffer.alloc(MESSAGE_BYTES / 2 + 8);
    const placeholder = (num: number): unknown => ({ _placeholder: true, num });
    const objects = [0, 1].map((num) => ({
      type: 'vector',
      name: `v${num}`,
      variableType: 'scalar',
      values: placeholder(num),
    }));
    raw.ws.send(`452-${JSON.stringify(['data', { seq: 1, objects }])}`);
    raw.ws.send(part);
    raw.ws.send(part);
    assert.equal(await raw.closedWith(), 1009);
    await statusOk(ts.url);
  });
});
