// Entry point: read the server's status, find out whether a session exists (a session
// cookie or a "keep me logged in" cookie), and show either the log-in screen or the app.
import { api, ApiError, type Status } from './api.ts';
import { App } from './app.ts';
import { h, replace } from './dom.ts';
import { renderAuth } from './views/auth.view.ts';
import { mountShell } from './views/shell.view.ts';

const root = document.getElementById('app') ?? document.body;

function showAuth(status: Status | null, notice: string | null): void {
  document.title = status?.name ?? 'PanthR';
  renderAuth(root, status, notice, (r) => void showApp(status, r.email));
}

async function showApp(status: Status | null, email: string): Promise<void> {
  const app = new App(status, email, (reason) => showAuth(status, reason));
  mountShell(root, app);
  try {
    await app.start();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401)
      showAuth(status, 'Your session has ended. Please log in again.');
    else
      replace(
        root,
        h(
          'main',
          { class: 'auth-card' },
          h('h1', {}, 'The server cannot be reached'),
          h('p', {}, e instanceof Error ? e.message : String(e)),
        ),
      );
  }
}

/**
 * Who is logged in, or throws (401 when nobody): asks `GET /api/v1/me`; on a server
 * without it, a request that needs a user tells whether the session (or the remember
 * cookie) is valid, and the email comes from this browser's last login.
 */
async function whoAmI(): Promise<string> {
  const me = await api.me();
  if (me.email === null) throw new ApiError('unauthorized', 401, 'not logged in');
  return me.email;
}

async function boot(): Promise<void> {
  const status = await api.status().catch(() => null);
  let email: string;
  try {
    email = await whoAmI();
  } catch (e) {
    showAuth(
      status,
      e instanceof ApiError && e.status === 401 ? null : e instanceof Error ? e.message : null,
    );
    return;
  }
  await showApp(status, email);
}

void boot();
