/**
 * GET /health and GET /ready (API.md 1.1): /health answers while the process serves; /ready
 * says 200 only while the store answers and R runs, and 503 with the reason otherwise. The
 * metrics export the supervisor's state and its restarts as a counter.
 */
import assert from 'node:assert/strict';
import { startTestServer } from '../fixtures/server.ts';

describe('health and readiness', function () {
  this.timeout(60_000);

  it('is healthy and ready while R and the store run, and not ready once R is gone', async () => {
    const t = await startTestServer({ metrics_token: 'a-long-enough-admin-token' });
    try {
      const health = await fetch(`${t.url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.equal(health.headers.get('cache-control'), 'no-store');
      const ready = await fetch(`${t.url}/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });

      const metrics = await fetch(`${t.url}/metrics`, {
        headers: { authorization: 'Bearer a-long-enough-admin-token' },
      });
      const text = await metrics.text();
      assert.match(text, /panthr_r_state\{state="ready",service="panthr"\} 1/);
      assert.match(text, /panthr_r_state\{state="failed",service="panthr"\} 0/);
      assert.match(text, /# TYPE panthr_r_restarts_total counter/);
      assert.match(text, /panthr_r_restarts_total\{service="panthr"\} 0/);

      await t.server.r.stop();
      const gone = await fetch(`${t.url}/ready`);
      assert.equal(gone.status, 503);
      assert.deepEqual(await gone.json(), {
        error: 'not_ready',
        message: 'R is not running (stopped)',
      });
      assert.equal((await fetch(`${t.url}/health`)).status, 200, 'the process still serves');
    } finally {
      await t.stop();
    }
  });

  it('is not ready when the store does not answer', async () => {
    const t = await startTestServer();
    try {
      await t.server.store.close();
      const res = await fetch(`${t.url}/ready`);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'not_ready');
      assert.match(body.message, /^the store does not answer: /);
    } finally {
      await t.stop().catch(() => undefined);
    }
  });
});
