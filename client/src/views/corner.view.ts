// The login menu in the top-right corner: who is logged in, the server's name, the
// latency of the server and of R (from `ping`), the connection's state and why it ended.
import type { App } from '../app.ts';
import type { ConnState } from '../connection.ts';
import { h, replace, toast } from '../dom.ts';

const STATE_TEXT: Record<ConnState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  refused: 'Refused',
};

const ms = (n: number | null): string => (n === null ? '…' : `${n} ms`);

/** The corner menu; `update()` refreshes it in place (its open/closed state is kept). */
export function createCorner(
  app: App,
  actions: {
    workspaces(): void;
    preferences(): void;
    password(): void;
    tokens(): void;
    groups(): void;
  },
): { el: HTMLElement; update(): void } {
  const summary = h('summary', { 'aria-label': 'Account and connection' });
  const body = h('div', { class: 'corner-body' });
  const el = h('details', { class: 'corner' }, summary, body);
  const reconnect = h(
    'button',
    { type: 'button', on: { click: () => app.conn.open() } },
    'Reconnect',
  );
  const logout = h(
    'button',
    {
      type: 'button',
      on: {
        click: () =>
          void app
            .logout()
            .catch((e: unknown) =>
              toast(e instanceof Error ? e.message : 'Logging out failed.', 'error'),
            ),
      },
    },
    'Log out',
  );
  let lastState: ConnState | null = null;
  const update = (): void => {
    const { state, detail, latency } = app.connInfo;
    // The server ended the connection for good (a share removed, a password changed...):
    // open the menu, which says why and offers to reconnect, and say it where it is seen.
    if (state === 'disconnected' && lastState !== 'disconnected' && detail) {
      el.open = true;
      toast(detail, 'error');
    }
    lastState = state;
    replace(
      summary,
      h('span', { class: `dot ${state}`, 'aria-hidden': 'true' }),
      h('span', { class: 'who' }, app.email),
      h(
        'span',
        { class: 'state-text' },
        state === 'connected' ? `${ms(latency.server)}` : STATE_TEXT[state],
      ),
    );
    replace(
      body,
      h(
        'dl',
        {},
        h('dt', {}, 'User'),
        h('dd', { class: 'user-email' }, app.email),
        h('dt', {}, 'Server'),
        h('dd', {}, app.status?.name ?? '—'),
        h('dt', {}, 'Connection'),
        h('dd', { class: 'conn-state' }, STATE_TEXT[state]),
        h('dt', {}, 'Server latency'),
        h('dd', { class: 'lat-server' }, ms(latency.server)),
        h('dt', {}, 'R latency'),
        h(
          'dd',
          { class: 'lat-r' },
          ms(latency.r),
          latency.rReported === null ? '' : ` (R itself ${latency.rReported} ms)`,
        ),
      ),
      detail ? h('p', { class: 'conn-detail', role: 'status' }, detail) : null,
      h(
        'div',
        { class: 'actions' },
        state === 'disconnected' ? reconnect : null,
        h(
          'button',
          {
            type: 'button',
            on: {
              click: () => {
                el.open = false;
                actions.workspaces();
              },
            },
          },
          'Workspaces…',
        ),
        h(
          'button',
          {
            type: 'button',
            on: {
              click: () => {
                el.open = false;
                actions.preferences();
              },
            },
          },
          'Preferences…',
        ),
        h(
          'button',
          {
            type: 'button',
            on: {
              click: () => {
                el.open = false;
                actions.password();
              },
            },
          },
          'Change password…',
        ),
        h(
          'button',
          {
            type: 'button',
            on: {
              click: () => {
                el.open = false;
                actions.tokens();
              },
            },
          },
          'Access tokens…',
        ),
        h(
          'button',
          {
            type: 'button',
            on: {
              click: () => {
                el.open = false;
                actions.groups();
              },
            },
          },
          'Groups…',
        ),
        logout,
      ),
    );
  };
  update();
  return { el, update };
}
