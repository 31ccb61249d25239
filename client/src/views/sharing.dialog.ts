// Sharing (API 1.1): "Shared with me" and "Make a copy" in the workspaces dialog, the Share
// dialog of a workspace (people and groups) and the Groups dialog. Names and emails are
// shown as text, never as HTML.
import type { App } from '../app.ts';
import { call, messageOf } from '../api.ts';
import { h, openDialog, replace, toast } from '../dom.ts';

const fail = (e: unknown): void => toast(messageOf(e), 'error');
const enc = encodeURIComponent;
// Handlers may return a promise (each ends in its own catch): the button ignores it.
const button = (label: string, click: () => unknown): HTMLButtonElement =>
  h('button', { type: 'button', on: { click: () => void click() } }, label);

/** Copies a workspace into one of the user's own (owner or reader). */
export function copyWorkspace(id: string, then: () => void): void {
  call<{ name: string }>('POST', `/api/v1/workspaces/${enc(id)}/copy`)
    .then((copy) => {
      toast(`Copied into your workspace "${copy.name}".`);
      then();
    })
    .catch(fail);
}

/** The "Shared with me" list: open (read-only) or make a copy. */
export function sharedWithMe(app: App, close: () => void, refresh: () => void): HTMLElement {
  const list = h('ul', { class: 'ws-list shared' });
  call<{ id: string; name: string; owner: string }[]>('GET', '/api/v1/shared')
    .then((shared) =>
      replace(
        list,
        shared.length === 0
          ? h('li', {}, 'Nothing is shared with you.')
          : shared.map((w) =>
              h(
                'li',
                {},
                h('span', {}, `${w.name} (${w.owner})`),
                button('Open', () => void app.switchWorkspace(w.id).then(close, fail)),
                button('Make a copy', () => copyWorkspace(w.id, refresh)),
              ),
            ),
      ),
    )
    .catch(fail);
  return h('section', {}, h('h3', {}, 'Shared with me'), list);
}

/** The Share dialog of a workspace: who has it (people and groups), add, remove. */
export function openShareDialog(workspace: { id: string; name: string }): void {
  const list = h('ul', { class: 'share-list' });
  const who = h('input', { type: 'text', name: 'share-with', 'aria-label': 'Email' });
  const group = h('select', { name: 'share-group', 'aria-label': 'Group' });
  const base = `/api/v1/workspaces/${enc(workspace.id)}/shares`;
  const refresh = (): void => {
    call<{ shares: { id: string; with: string; name: string | null }[] }>('GET', base)
      .then(({ shares }) =>
        replace(
          list,
          shares.map((s) =>
            h(
              'li',
              {},
              `${s.with.startsWith('group:') ? `group ${s.name ?? ''}` : s.with} (can view) `,
              button('Remove', () =>
                call('DELETE', `${base}/${enc(s.id)}`)
                  .then(refresh)
                  .catch(fail),
              ),
            ),
          ),
        ),
      )
      .catch(fail);
  };
  call<{ groups: { id: string; name: string }[] }>('GET', '/api/v1/groups')
    .then(({ groups }) =>
      replace(
        group,
        h('option', { value: '' }, 'a group…'),
        groups.map((g) => h('option', { value: `group:${g.id}` }, g.name)),
      ),
    )
    .catch(fail);
  const add = (target: string): void => {
    if (target === '') return;
    call('POST', base, { with: target })
      .then(() => {
        who.value = '';
        refresh();
      })
      .catch(fail);
  };
  openDialog(
    `Share "${workspace.name}"`,
    h(
      'div',
      {},
      h('p', {}, 'People and groups you share with can view this workspace and copy it.'),
      list,
      h(
        'div',
        { class: 'inline' },
        who,
        button('Share with person', () => add(who.value.trim())),
      ),
      h(
        'div',
        { class: 'inline' },
        group,
        button('Share with group', () => add(group.value)),
      ),
    ),
  );
  refresh();
}

/** The Groups dialog: groups the user owns, their members by email. */
export function openGroupsDialog(): void {
  const body = h('div', { class: 'groups' });
  const render = (): void => {
    call<{ groups: { id: string; name: string; members: string[] }[] }>('GET', '/api/v1/groups')
      .then(({ groups }) => {
        const newName = h('input', {
          type: 'text',
          name: 'group-name',
          'aria-label': 'Group name',
        });
        replace(
          body,
          groups.map((g) => {
            const email = h('input', {
              type: 'email',
              name: 'member-email',
              'aria-label': `Add a member to ${g.name}`,
            });
            const path = `/api/v1/groups/${enc(g.id)}`;
            return h(
              'section',
              { class: 'group' },
              h('h3', {}, g.name),
              h(
                'ul',
                {},
                g.members.map((m) =>
                  h(
                    'li',
                    {},
                    `${m} `,
                    button('Remove', () =>
                      call('DELETE', `${path}/members/${enc(m)}`)
                        .then(render)
                        .catch(fail),
                    ),
                  ),
                ),
              ),
              h(
                'div',
                { class: 'inline' },
                email,
                button('Add member', () =>
                  call('PUT', `${path}/members/${enc(email.value.trim())}`)
                    .then(render)
                    .catch(fail),
                ),
                button('Delete group', () => {
                  if (confirm(`Delete the group "${g.name}"?`))
                    call('DELETE', path).then(render).catch(fail);
                }),
              ),
            );
          }),
          h(
            'div',
            { class: 'inline' },
            newName,
            button('Create group', () =>
              call('POST', '/api/v1/groups', { name: newName.value }).then(render).catch(fail),
            ),
          ),
        );
      })
      .catch(fail);
  };
  openDialog('Groups', body, { wide: true });
  render();
}
