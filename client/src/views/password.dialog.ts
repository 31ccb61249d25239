// "Change password…" from the corner menu: the current password and a new one; the server
// ends the user's other logins (POST /api/v1/password).
import { api, failureOf } from '../api.ts';
import { accountInput, authForm, field, h, openDialog, toast } from '../dom.ts';

/** Opens the dialog; it closes itself once the password is changed. */
export function openPasswordDialog(): void {
  const current = accountInput('current-password', 'current');
  const next = accountInput('new-password');
  const currentF = field('Current password', current);
  const nextF = field('New password', next, 'At least 10 characters.');
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Change the password');
  const form = authForm(
    () => {
      for (const el of [currentF.error, nextF.error, formError]) el.textContent = '';
      save.disabled = true;
      api
        .changePassword(current.value, next.value)
        .then(() => {
          dialog.close();
          toast('Your password is changed; your other logins have ended.');
        })
        .catch((err: unknown) => {
          const { code, message } = failureOf(err);
          const where =
            code === 'bad_credentials'
              ? currentF.error
              : code === 'weak_password'
                ? nextF.error
                : formError;
          where.textContent = message;
        })
        .finally(() => (save.disabled = false));
    },
    currentF.row,
    nextF.row,
    formError,
    h('div', { class: 'actions' }, save),
  );
  const dialog = openDialog('Change password', form);
  current.focus();
}
