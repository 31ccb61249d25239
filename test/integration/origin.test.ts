/**
 * One Origin rule for the REST API and Socket.IO (auth/origin.ts): an allowed_origins entry
 * is an origin however it is written (a trailing slash once made REST accept and Socket.IO
 * refuse the same page), and a foreign Origin is refused by both.
 */
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { useTestServer } from '../fixtures/server.ts';
import { createUser, refusal } from '../fixtures/users.ts';

describe('the Origin rule, REST and Socket.IO alike', function () {
  this.timeout(60_000);
  const ts = useTestServer({ allowed_origins: ['https://app.example.org/'] });

  const rest = async (cookie: string, origin: string): Promise<number> =>
    (
      await fetch(`${ts.url}/api/v1/workspaces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin },
        body: JSON.stringify({ name: `w${Math.random().toString(36).slice(2, 8)}` }),
      })
    ).status;

  const socketAccepted = (cookie: string, origin: string): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = io(ts.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { cookie, origin },
      });
      socket.once('connect', () => {
        socket.disconnect();
        resolve(true);
      });
      socket.once('connect_error', () => {
        socket.disconnect();
        resolve(false);
      });
    });

  it('accepts an allowed origin written with a trailing slash on both', async () => {
    const user = await createUser(ts, 'origin');
    assert.equal(await rest(user.cookie, 'https://app.example.org'), 201);
    assert.equal(await socketAccepted(user.cookie, 'https://app.example.org'), true);
  });

  it('refuses a foreign origin on both', async () => {
    const user = await createUser(ts, 'foreign');
    assert.equal(await rest(user.cookie, 'https://evil.example'), 403);
    assert.match(
      await refusal(ts, user.cookie, 'https://evil.example'),
      /websocket error|forbidden/i,
    );
  });
});
