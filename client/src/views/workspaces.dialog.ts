// Workspaces: list, create, rename, delete and switch. Switching makes the server load
// the other workspace and send it whole to every tab of the user.
import type { App } from '../app.ts';
import { api, messageOf, type WorkspaceInfo } from '../api.ts';
import { field, h, openDialog, replace, toast } from '../dom.ts';
import { copyWorkspace, openShareDialog, sharedWithMe } from './sharing.dialog.ts';

/** Opens the workspaces dialog. */
export function openWorkspacesDialog(app: App): void {
  const body = h('div', { class: 'workspaces' });
  const fail = (e: unknown): void => toast(messageOf(e), 'error');
  const { close } = openDialog('Workspaces', body, { wide: true });

  const row = (w: WorkspaceInfo, count: number): HTMLElement => {
    const nameIn = h('input', {
      type: 'text',
      value: w.name,
      'aria-label': `Name of workspace ${w.name}`,
    });
    return h(
      'li',
      { class: w.current ? 'current' : '' },
      nameIn,
      w.current
        ? h('span', { class: 'badge' }, 'current')
        : h(
            'button',
            {
              type: 'button',
              on: { click: () => void app.switchWorkspace(w.id).then(close, fail) },
            },
            'Open',
          ),
      h(
        'button',
        {
          type: 'button',
          on: {
            click: () =>
              void api
                .renameWorkspace(w.id, nameIn.value.trim())
                .then(() => app.refreshWorkspaces())
                .then(render, fail),
          },
        },
        'Rename',
      ),
      h('button', { type: 'button', on: { click: () => openShareDialog(w) } }, 'Share…'),
      h(
        'button',
        { type: 'button', on: { click: () => copyWorkspace(w.id, render) } },
        'Make a copy',
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: count <= 1,
          title: count <= 1 ? 'The last workspace cannot be deleted.' : '',
          on: {
            click: () => {
              if (confirm(`Delete the workspace "${w.name}" and everything in it?`))
                api
                  .deleteWorkspace(w.id)
                  .then(() => app.refreshWorkspaces())
                  .then(render, fail);
            },
          },
        },
        'Delete',
      ),
    );
  };

  const render = (): void => {
    api.workspaces().then((list) => {
      const newName = h('input', { type: 'text', autocomplete: 'off' });
      const newField = field('New workspace', newName);
      const create = h(
        'form',
        { class: 'inline' },
        newField.row,
        h('button', { type: 'submit' }, 'Create'),
      );
      create.addEventListener('submit', (e) => {
        e.preventDefault();
        if (!newName.value.trim()) {
          newField.error.textContent = 'Type a name for the new workspace here first.';
          newName.focus();
          return;
        }
        api.createWorkspace(newName.value.trim()).then(render, fail);
      });
      replace(
        body,
        h(
          'ul',
          { class: 'ws-list' },
          list.map((w) => row(w, list.length)),
        ),
        create,
        sharedWithMe(app, close, render),
      );
    }, fail);
  };
  render();
}
