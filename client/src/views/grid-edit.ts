// Editing one spreadsheet cell in place: an input over the cell, the typed value checked
// against the variable's type before it is sent (cell-edit.ts), Enter (or leaving the
// field) sends it, Escape cancels; a value the type cannot hold keeps the editor open with
// what to type instead, and so does a refusal from the server.
import { checkCell } from '../cell-edit.ts';
import { h } from '../dom.ts';
import type { Cell, Vector } from '../types.ts';
import { formatValue } from '../values.ts';

/** Sends the new value of the cell; resolves with the server's error message, or null. */
export type CommitCell = (value: Cell) => Promise<string | null>;

/**
 * Opens an editor over a cell: in `host` (the grid's scrolled content, so re-rendering the
 * pooled cells never removes it) at `at` (pixels), showing `current` of `v`, or `initial`
 * when typing started it. `done(moved)` is called once the editor is gone: `moved` is true
 * after Enter (the grid then moves down a row, as spreadsheets do).
 */
export function openCellEditor(
  host: HTMLElement,
  at: { top: number; left: number },
  v: Vector,
  current: Cell | undefined,
  commit: CommitCell,
  done: (moved: boolean) => void,
  initial?: string,
): void {
  const before = formatValue(v, current);
  const input = h('input', {
    type: 'text',
    class: 'cell-input',
    value: initial ?? before,
    spellcheck: false,
    autocomplete: 'off',
    'aria-label': `New value of ${v.name}`,
  });
  const error = h('div', { class: 'cell-error', role: 'alert', hidden: true });
  const box = h('div', { class: 'cell-editor' }, input, error);
  box.style.top = `${at.top}px`;
  box.style.left = `${at.left}px`;
  let closed = false;
  let busy = false;
  const close = (moved: boolean): void => {
    if (closed) return;
    closed = true;
    box.remove();
    done(moved);
  };
  const fail = (message: string): void => {
    error.textContent = message;
    error.hidden = false;
    // Under a cell near the grid's right edge the message is moved left to stay whole.
    error.style.marginLeft = '0';
    const grid = box.closest('.grid')?.getBoundingClientRect();
    const r = error.getBoundingClientRect();
    if (grid !== undefined && r.right > grid.right)
      error.style.marginLeft = `${Math.max(grid.left - r.left, grid.right - r.right - 4)}px`;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  const send = async (moved: boolean): Promise<void> => {
    if (busy || closed) return;
    if (input.value === before) return close(moved);
    const checked = checkCell(v, input.value);
    if (!checked.ok) return fail(checked.message);
    busy = true;
    box.classList.add('pending');
    const refused = await commit(checked.value).finally(() => {
      busy = false;
      box.classList.remove('pending');
    });
    if (refused === null) close(moved);
    else fail(`${refused}. Correct the value, or press Escape to cancel.`);
  };
  input.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Enter') {
      e.preventDefault();
      void send(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close(false);
    }
  });
  input.addEventListener('blur', () => {
    // Leaving the field sends a valid change; an invalid one stays for the user to correct.
    if (!busy && !closed && error.hidden) void send(false);
  });
  host.append(box);
  input.focus();
  if (initial === undefined) input.select();
}
