/**
 * `GET /metrics` behind a reverse proxy: a proxy on the same host connects from loopback,
 * so the loopback rule alone made /metrics public. Any forwarding header now needs
 * `metrics_token`, with or without `trust_proxy`, whatever address the header claims.
 */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';

const FORWARDED: Record<string, string>[] = [
  { 'x-forwarded-for': '127.0.0.1' },
  { 'x-forwarded-for': '203.0.113.9' },
  { forwarded: 'for=127.0.0.1;proto=https' },
  { 'x-real-ip': '127.0.0.1' },
  { 'x-forwarded-proto': 'https' },
  { 'x-forwarded-host': 'stats.example.org' },
  { via: '1.1 nginx' },
];

async function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${url}/metrics`, { headers });
  await res.arrayBuffer();
  return res.status;
}

describe('/metrics behind a proxy, without metrics_token', function () {
  this.timeout(60_000);
  const ts = useTestServer({ trust_proxy: true });

  it('answers loopback that came straight to the server', async () => {
    assert.equal(await status(ts.url), 200);
  });

  it('refuses (401) any request that came through a proxy', async () => {
    for (const headers of FORWARDED) {
      assert.equal(await status(ts.url, headers), 401, JSON.stringify(headers));
    }
  });
});

describe('/metrics behind a proxy, with metrics_token', function () {
  this.timeout(60_000);
  const token = 'a-long-enough-metrics-token';
  const ts = useTestServer({ trust_proxy: 'loopback', metrics_token: token });

  it('answers a forwarded request with the token, and refuses it without', async () => {
    for (const headers of FORWARDED) {
      assert.equal(await status(ts.url, headers), 401, JSON.stringify(headers));
      const auth = { ...headers, authorization: `Bearer ${token}` };
      assert.equal(await status(ts.url, auth), 200, JSON.stringify(headers));
    }
    assert.equal(await status(ts.url), 401, 'loopback needs the token too once one is set');
  });
});
