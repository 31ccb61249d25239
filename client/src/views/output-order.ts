// Reordering the outputs (issue 15): drag a card by its handle, or "Move up"/"Move down"
// from the keyboard. The order is the workspace's (PUT /api/v1/workspaces/:id/order) and the
// reports follow it. The move shows at once and is undone if the server refuses it.
import { call, messageOf } from '../api.ts';
import type { App } from '../app.ts';
import { h, toast } from '../dom.ts';

/** The drag data type of an output card (its name). */
const DRAG_TYPE = 'application/x-panthr-output';

/** After the next render: focus this button of this card (the list is drawn anew). */
let refocus: { name: string; label: string } | null = null;

/** Stores `names` as the outputs' order; shown at once, undone on a refusal. */
async function saveOrder(app: App, names: string[]): Promise<void> {
  const id = app.workspace?.id;
  if (id === undefined) return;
  const before = app.model.outputs().map((o) => o.name);
  app.model.reorder(names);
  try {
    await call('PUT', `/api/v1/workspaces/${encodeURIComponent(id)}/order`, { names });
  } catch (e) {
    app.model.reorder(before);
    toast(`Could not move the output: ${messageOf(e)}`, 'error');
  }
}

/** The output names with `name` moved to `to` (an index in the list without it). */
function moved(names: readonly string[], name: string, to: number): string[] {
  const rest = names.filter((n) => n !== name);
  return [...rest.slice(0, to), name, ...rest.slice(to)];
}

function move(app: App, name: string, delta: -1 | 1): void {
  const names = app.model.outputs().map((o) => o.name);
  const at = names.indexOf(name);
  if (at < 0 || at + delta < 0 || at + delta >= names.length) return;
  refocus = { name, label: delta < 0 ? 'up' : 'down' };
  void saveOrder(app, moved(names, name, at + delta));
}

/** "Move up" and "Move down" for the card at `index` of `count`. */
export function moveButtons(app: App, name: string, index: number, count: number): HTMLElement[] {
  const button = (delta: -1 | 1, word: 'up' | 'down') =>
    h(
      'button',
      {
        type: 'button',
        class: 'small move',
        'data-move': word,
        'aria-label': `Move ${name} ${word}`,
        disabled: delta < 0 ? index === 0 : index === count - 1,
        on: { click: () => move(app, name, delta) },
      },
      delta < 0 ? '\u2191 Up' : '\u2193 Down',
    );
  return [button(-1, 'up'), button(1, 'down')];
}

/** Focuses the button a keyboard move was made with, once the list is drawn again. */
export function restoreFocus(list: HTMLElement): void {
  const want = refocus;
  if (want === null) return;
  refocus = null;
  queueMicrotask(() => {
    const card = [...list.querySelectorAll<HTMLElement>('article.output')].find(
      (c) => c.dataset['name'] === want.name,
    );
    const again = card?.querySelector<HTMLButtonElement>(`button[data-move="${want.label}"]`);
    (again !== null && again !== undefined && !again.disabled
      ? again
      : card?.querySelector<HTMLButtonElement>('button.move:not([disabled])')
    )?.focus();
  });
}

/** The drag handle of a card: dragging it over another card drops it before or after. */
export function dragHandle(name: string): HTMLElement {
  return h(
    'span',
    {
      class: 'drag-handle',
      draggable: true,
      title: 'Drag to move (or use Up and Down)',
      'aria-hidden': 'true',
      on: {
        dragstart: (e) => {
          const ev = e as DragEvent;
          const card = (ev.currentTarget as HTMLElement).closest('article');
          ev.dataTransfer?.setData(DRAG_TYPE, name);
          if (ev.dataTransfer) ev.dataTransfer.effectAllowed = 'move';
          if (card) ev.dataTransfer?.setDragImage(card, 12, 12);
        },
      },
    },
    '\u2807',
  );
}

/** Makes `card` (the output `name`) a place to drop another card. */
export function dropTarget(app: App, card: HTMLElement, name: string): void {
  const after = (e: DragEvent) => {
    const r = card.getBoundingClientRect();
    return e.clientY > r.top + r.height / 2;
  };
  card.addEventListener('dragover', (e) => {
    if (!e.dataTransfer?.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    card.classList.toggle('drop-before', !after(e));
    card.classList.toggle('drop-after', after(e));
  });
  card.addEventListener('dragleave', () => card.classList.remove('drop-before', 'drop-after'));
  card.addEventListener('drop', (e) => {
    card.classList.remove('drop-before', 'drop-after');
    const dragged = e.dataTransfer?.getData(DRAG_TYPE) ?? '';
    if (dragged === '' || dragged === name) return;
    e.preventDefault();
    const names = app.model.outputs().map((o) => o.name);
    if (!names.includes(dragged)) return;
    const rest = names.filter((n) => n !== dragged);
    const to = rest.indexOf(name) + (after(e) ? 1 : 0);
    void saveOrder(app, moved(names, dragged, to));
  });
}
