// Ctrl+Z / Ctrl+Shift+Z (Cmd on a Mac; Ctrl+Y too): undo and redo of the server's
// history (API 1.1), so every tab and a reloaded tab undo the same changes. Left to the
// browser while the focus is in a text field, where the keys undo typing.
import type { App } from './app.ts';
import { toast } from './dom.ts';
import { isErrorObject } from './types.ts';

let counter = 0;

/** Sends `undo` or `redo` and says what it did (or that there was nothing to do). */
export async function sendUndo(app: App, which: 'undo' | 'redo'): Promise<void> {
  // A view. name: hidden from the outputs list like the client's other helper requests.
  const name = `view.${which}${++counter}`;
  const [reply] = await app.request([{ type: 'command', name, command: which }]);
  if (reply === undefined) return;
  if (isErrorObject(reply)) {
    toast(reply.message, reply.code === 'not_found' ? 'info' : 'error');
    return;
  }
  const result = reply.result as Record<string, unknown> | undefined;
  const what = result?.[which === 'undo' ? 'undone' : 'redone'];
  if (typeof what === 'string') toast(`${which === 'undo' ? 'Undone' : 'Redone'}: ${what}`);
}

function inTextField(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLInputElement;
}

/** Installs the keys for `app`; returns the function that removes them. */
export function installUndoKeys(app: App): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || inTextField(e.target)) return;
    const key = e.key.toLowerCase();
    const which = key === 'z' ? (e.shiftKey ? 'redo' : 'undo') : key === 'y' ? 'redo' : null;
    if (which === null) return;
    e.preventDefault();
    void sendUndo(app, which);
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
