// Saving preference sets (client/src/prefs.ts): one failed save must not stop the next.
import assert from 'node:assert/strict';
import { PrefsStore } from '../../client/src/prefs.ts';
import { defaultSettings } from '../../client/src/settings.ts';

describe('client preference saving', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => (globalThis.fetch = realFetch));

  it('rejects the failed save, then saves the next change', async () => {
    const bodies: unknown[] = [];
    let fail = true;
    globalThis.fetch = (_url: string | URL | Request, init?: RequestInit) => {
      bodies.push(JSON.parse(init?.body as string));
      if (fail) return Promise.reject(new TypeError('offline'));
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    const store = new PrefsStore();
    const first = { ...defaultSettings(), colors: ['#112233'] };
    store.update(first);
    await assert.rejects(store.flush(), { code: 'network' });
    fail = false;
    await store.flush(); // nothing pending: the earlier failure is not raised again
    const second = { ...defaultSettings(), colors: ['#445566'] };
    store.update(second);
    await store.flush();
    assert.deepEqual(bodies, [first, second]);
  });

  it("keeps a set's other keys (another client's table defaults) when it saves or renames it", async () => {
    const stored = { colors: ['#112233'], table: { decimals: 3 }, menu: ['t.test'] };
    const puts: [string, unknown][] = [];
    const g = globalThis as { localStorage?: unknown };
    const hadStorage = g.localStorage !== undefined;
    g.localStorage ??= { getItem: () => null, setItem: () => undefined };
    globalThis.fetch = (url: string | URL | Request, init?: RequestInit) => {
      const u = url instanceof Request ? url.url : url.toString();
      if (init?.method === 'PUT') puts.push([u, JSON.parse(init.body as string)]);
      const body = init?.method === undefined || init.method === 'GET' ? stored : {};
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    };
    const store = new PrefsStore();
    store.names = ['print'];
    await store.select('print');
    assert.deepEqual(store.settings.colors, ['#112233']);
    store.update({ ...store.settings, colors: ['#445566'] });
    await store.flush();
    await store.rename('print', 'paper');
    const [saved, renamed] = puts.map(([, body]) => body as Record<string, unknown>);
    for (const body of [saved, renamed]) {
      assert.deepEqual(body?.['table'], { decimals: 3 });
      assert.deepEqual(body?.['menu'], ['t.test']);
      assert.deepEqual(body?.['colors'], ['#445566']);
    }
    if (!hadStorage) delete g.localStorage;
  });

  it('refuses to create or rename onto a stored set, and renaming to the same name is a no-op', async () => {
    const calls: string[] = [];
    globalThis.fetch = (url: string | URL | Request, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url instanceof Request ? url.url : url.toString()}`);
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    const store = new PrefsStore();
    store.names = ['default', 'print'];
    await assert.rejects(store.create('print'), /"print" already exists/);
    await assert.rejects(store.rename('default', 'print'), /"print" already exists/);
    await store.rename('print', 'print');
    assert.deepEqual(calls, [], 'nothing stored over a set, nothing deleted');
    assert.deepEqual(store.names, ['default', 'print']);
  });
});
