// Entry point: read the server's status, find out whether a session exists (a session
// cookie or a "keep me logged in" cookie), and show either the log-in screen or the app.
import { api, ApiError, messageOf, type Status } from './api.ts';
import { App } from './app.ts';
import { h, replace } from './dom.ts';
import { renderAuth } from './views/auth.view.ts';
import { renderReset, resetTokenOf } from './views/reset.view.ts';
import { mountShell } from './views/shell.view.ts';
import { installUndoKeys } from './undo.keys.ts';

const root = document.getElementById('app') ?? document.body;

function showAuth(status: Status | null, notice: string | null): void {
  document.title = status?.name ?? 'PanthR';
  renderAuth(root, status, notice, (r) => void showApp(status, r.email));
}

async function showApp(status: Status | null, email: string): Promise<void> {
  const app = new App(status, email, (reason) => {
    removeKeys();
    showAuth(status, reason);
  });
  const removeKeys = installUndoKeys(app);
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
          h('p', {}, messageOf(e)),
        ),
      );
  }
}

/**
 * Opens the reset form when the hash holds a mailed reset link's token (at load, or pasted
 * into an open tab); true when it did. The token leaves the address bar and the history.
 */
function openReset(status: Status | null): boolean {
  const token = resetTokenOf(location.hash);
  if (token === null) return false;
  history.replaceState(null, '', location.pathname);
  renderReset(root, token, (notice) => showAuth(status, notice));
  return true;
}

async function boot(): Promise<void> {
  const status = await api.status().catch(() => null);
  window.addEventListener('hashchange', () => void openReset(status));
  if (openReset(status)) return;
  let email: string | null;
  try {
    ({ email } = await api.me());
  } catch (e) {
    showAuth(status, e instanceof Error ? e.message : null);
    return;
  }
  if (email === null) showAuth(status, null);
  else await showApp(status, email);
}

void boot();
