// The "Log in with NAME" button, shown only when the server has single sign-on configured.
import { h, replace } from '../dom.ts';

/** A slot that fills itself with the button once GET /api/v1/sso answers; stays empty otherwise. */
export function ssoButton(): HTMLElement {
  const slot = h('div', { class: 'actions sso' });
  fetch('/api/v1/sso', { credentials: 'same-origin' })
    .then((res) => (res.ok ? (res.json() as Promise<{ name: string | null; url?: string }>) : null))
    .then((sso) => {
      if (sso?.name && sso.url) {
        replace(slot, h('a', { class: 'button', href: sso.url }, `Log in with ${sso.name}`));
      }
    })
    // Without the answer there is simply no button: password login is unaffected.
    .catch(() => undefined);
  return slot;
}
