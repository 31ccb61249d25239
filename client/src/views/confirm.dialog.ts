// A question before something that cannot be taken back by accident (deleting a dataset,
// a variable, a filter): a modal dialog that says what will happen, with Cancel focused
// first so that Enter alone never deletes; Escape cancels.
import { h, openDialog } from '../dom.ts';

/** Asks `question` (with `detail`); resolves true only when `yes` is pressed. */
export function confirmDialog(
  title: string,
  question: string,
  detail: string,
  yes: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const ok = h('button', { type: 'button', class: 'danger' }, yes);
    const body = h(
      'div',
      { class: 'confirm' },
      h('p', {}, question),
      detail ? h('p', { class: 'hint' }, detail) : null,
      h('div', { class: 'actions' }, cancel, ok),
    );
    const { dialog, close } = openDialog(title, body);
    dialog.setAttribute('role', 'alertdialog');
    cancel.addEventListener('click', close);
    ok.addEventListener('click', () => {
      answer = true;
      close();
    });
    dialog.addEventListener('close', () => resolve(answer));
    cancel.focus();
  });
}
