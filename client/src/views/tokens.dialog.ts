// "Access tokens…" from the corner menu (API 1.1): the user's personal access tokens, a
// form to create one (its text shown once, with a Copy button) and Revoke on each.
import { call, failureOf } from '../api.ts';
import { h, openDialog, replace, toast } from '../dom.ts';

interface TokenInfo {
  id: string;
  name: string;
  scopes: string[];
  expires: string;
}

/** Opens the dialog. */
export function openTokensDialog(): void {
  const list = h('ul', { class: 'token-list' });
  const shown = h('div', { class: 'token-once', role: 'status' });
  const name = h('input', { type: 'text', name: 'token-name', required: true, maxLength: 100 });
  const compute = h('input', { type: 'checkbox', name: 'token-compute', checked: true });
  const days = h('input', {
    type: 'number',
    name: 'token-days',
    min: '1',
    max: '366',
    value: '30',
  });
  const error = h('div', { class: 'form-error', role: 'alert' });

  const refresh = async (): Promise<void> => {
    const { tokens } = await call<{ tokens: TokenInfo[] }>('GET', '/api/v1/tokens');
    replace(
      list,
      tokens.map((t) =>
        h(
          'li',
          {},
          `${t.name} (${t.scopes.join(', ')}; expires ${t.expires.slice(0, 10)}) `,
          h(
            'button',
            {
              type: 'button',
              on: {
                click: () => {
                  call('DELETE', `/api/v1/tokens/${encodeURIComponent(t.id)}`)
                    .then(() => refresh())
                    .catch((e: unknown) => toast(failureOf(e).message, 'error'));
                },
              },
            },
            'Revoke',
          ),
        ),
      ),
    );
  };

  const form = h(
    'form',
    {
      on: {
        submit: (e: Event) => {
          e.preventDefault();
          error.textContent = '';
          const scopes = compute.checked ? ['read', 'compute'] : ['read'];
          call<{ token: string }>('POST', '/api/v1/tokens', {
            name: name.value,
            scopes,
            expires_in_days: Number(days.value),
          })
            .then((made) => {
              // The text exists only here: the server keeps its hash.
              const text = h('code', { class: 'token-text' }, made.token);
              const copy = h(
                'button',
                {
                  type: 'button',
                  on: { click: () => void navigator.clipboard?.writeText(made.token) },
                },
                'Copy',
              );
              replace(shown, 'Copy this token now; it will not be shown again: ', text, copy);
              name.value = '';
              return refresh();
            })
            .catch((err: unknown) => (error.textContent = failureOf(err).message));
        },
      },
    },
    h('label', {}, 'Name ', name),
    h('label', {}, compute, ' may run computations and change workspaces (scope "compute")'),
    h('label', {}, 'Expires in days ', days),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create')),
  );
  openDialog('Access tokens', h('div', {}, shown, list, form), { wide: true });
  refresh().catch((e: unknown) => toast(failureOf(e).message, 'error'));
}
