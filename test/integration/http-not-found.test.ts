/**
 * A 404 has API.md's error body with the code `not_found`, also for a file of the client's
 * that does not exist (serve-static's refusal).
 */
import { useTestServer } from '../fixtures/server.ts';
import { assertError, call } from './auth-http.helpers.ts';

describe('http: not found', function () {
  const ts = useTestServer();

  it('answers 404 not_found for a file of the client that does not exist', async () => {
    for (const path of ['/assets/nope.js', '/assets/deeper/nope.css'])
      assertError(await call(ts, 'GET', path), 404, 'not_found');
  });
});
