// A tiny DOM builder. Everything is built with createElement and textContent, never
// from HTML strings, so no server text can become markup and the strict CSP holds.

type Child = Node | string | null | undefined | false;
type Props = Record<string, unknown> & { class?: string; on?: Record<string, (e: Event) => void> };

/** Creates `<tag>` with properties (or attributes for `aria-*`, `data-*`, `for`, `role`) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v as string;
    else if (k === 'on')
      for (const [ev, fn] of Object.entries(v as Record<string, EventListener>))
        el.addEventListener(ev, fn);
    else if (
      k.startsWith('aria-') ||
      k.startsWith('data-') ||
      k === 'for' ||
      k === 'role' ||
      k === 'list'
    )
      el.setAttribute(k, v === true ? '' : (v as string));
    else (el as unknown as Record<string, unknown>)[k] = v;
  }
  append(el, children);
  return el;
}

/** Appends children, flattening arrays and skipping empty ones. */
export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces all children of `el`. */
export function replace(el: Node, ...children: (Child | Child[])[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

/** Makes `el` a drop target: highlighted (`over`) while a file is dragged over it. */
export function onFileDrop(el: HTMLElement, onFile: (file: File) => void): void {
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    el.classList.add('over');
  });
  el.addEventListener('dragleave', () => el.classList.remove('over'));
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    el.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) onFile(f);
  });
}

/** Offers `blob` as a download called `filename`. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Decodes base64 into bytes (PNG and PDF graph results). */
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let ids = 0;
/** A unique element id, for label/for pairs. */
export function uid(prefix = 'f'): string {
  return `${prefix}-${++ids}`;
}

/**
 * An account form (`auth-form`, the browser's own validation off: the server's messages are
 * shown instead) whose submit calls `onSubmit` rather than loading a page.
 */
export function authForm(onSubmit: () => void, ...children: (Child | Child[])[]): HTMLFormElement {
  const submit = (e: Event): void => {
    e.preventDefault();
    onSubmit();
  };
  return h('form', { class: 'auth-form', noValidate: true, on: { submit } }, ...children);
}

/**
 * An email or password input the browser's password manager recognises: `username` makes an
 * email input, `current-password` and `new-password` password ones; `name` defaults to the type.
 */
export function accountInput(
  autocomplete: 'username' | 'current-password' | 'new-password',
  name?: string,
): HTMLInputElement {
  const type = autocomplete === 'username' ? 'email' : 'password';
  return h('input', { type, name: name ?? type, autocomplete, required: true });
}

/** A labelled form field: `<label for>` + control + a slot for its error message. */
export function field(
  label: string,
  control: HTMLElement,
  hint?: string,
): { row: HTMLElement; error: HTMLElement } {
  control.id ||= uid();
  const error = h('div', { class: 'field-error', role: 'alert', 'aria-live': 'polite' });
  const errId = uid('err');
  error.id = errId;
  control.setAttribute('aria-describedby', errId);
  const row = h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('div', { class: 'hint' }, hint) : null,
    error,
  );
  return { row, error };
}

/** A modal dialog with a title, a body and a close button; resolves when it closes. */
export function openDialog(
  title: string,
  body: HTMLElement,
  opts: { wide?: boolean } = {},
): { dialog: HTMLDialogElement; close: () => void } {
  const dialog = h('dialog', { class: opts.wide ? 'wide' : '', 'aria-label': title });
  const close = (): void => {
    dialog.close();
  };
  dialog.addEventListener('close', () => dialog.remove());
  append(dialog, [
    h(
      'header',
      {},
      h('h2', {}, title),
      h(
        'button',
        { type: 'button', class: 'icon close', 'aria-label': 'Close', on: { click: close } },
        '×',
      ),
    ),
    body,
  ]);
  document.body.appendChild(dialog);
  dialog.showModal();
  return { dialog, close };
}

/** Shows a transient message at the bottom of the screen. */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  let host = document.getElementById('toasts');
  if (host === null) {
    host = h('div', { id: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(host);
  }
  const t = h('div', { class: `toast ${kind}` }, message);
  host.appendChild(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}
