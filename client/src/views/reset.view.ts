// "Forgot your password?": ask for a reset mail, and the page the mailed link opens
// (`#/reset/TOKEN`) to choose a new password. Same card as the log-in screen; the server's
// errors next to the field they concern.
import { api, failureOf } from '../api.ts';
import { accountInput, authForm, field, h, replace } from '../dom.ts';

/** The token of a reset link's hash (`#/reset/TOKEN`), or null. */
export function resetTokenOf(hash: string): string | null {
  return /^#\/reset\/([A-Za-z0-9_-]{43})$/.exec(hash)?.[1] ?? null;
}

/** Asks for a reset mail for an address (prefilled with `email`); `onBack` returns to log in. */
export function renderForgot(root: HTMLElement, email: string, onBack: () => void): void {
  const input = accountInput('username');
  input.value = email;
  const emailF = field('Email', input);
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send the link');
  const back = h('button', { type: 'button', on: { click: onBack } }, 'Back to log in');
  const form = authForm(
    () => {
      emailF.error.textContent = '';
      send.disabled = true;
      const address = input.value.trim();
      api
        .forgotPassword(address)
        .then(() => {
          result.textContent =
            `If ${address} belongs to an account, a link to choose a new password is on ` +
            'its way. It works for one hour.';
        })
        .catch((err: unknown) => (emailF.error.textContent = failureOf(err).message))
        .finally(() => (send.disabled = false));
    },
    emailF.row,
    result,
    h('div', { class: 'actions' }, send, back),
  );
  replace(
    root,
    h(
      'main',
      { class: 'auth-card' },
      h('h1', {}, 'Forgot your password?'),
      h('p', { class: 'hint' }, 'We will mail you a link to choose a new one.'),
      form,
    ),
  );
  input.focus();
}

/**
 * The form a reset link opens: a new password for the link's `token`. `onDone(notice)`
 * returns to log in, with a notice saying what happened.
 */
export function renderReset(
  root: HTMLElement,
  token: string,
  onDone: (notice: string | null) => void,
): void {
  const input = accountInput('new-password');
  const repeat = accountInput('new-password', 'repeat');
  const passF = field('New password', input, 'At least 10 characters.');
  const repeatF = field('Repeat the password', repeat);
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Set the new password');
  const form = authForm(
    () => {
      passF.error.textContent = '';
      repeatF.error.textContent = '';
      formError.textContent = '';
      // A typo in a password nobody sees would lock the user out: it must be typed twice.
      if (repeat.value !== input.value) {
        repeatF.error.textContent = 'The two passwords differ. Type the same password twice.';
        repeat.setAttribute('aria-invalid', 'true');
        repeat.focus();
        return;
      }
      repeat.removeAttribute('aria-invalid');
      save.disabled = true;
      api
        .resetPassword(token, input.value)
        .then(() =>
          onDone('Your password is changed, and every other login has ended. Log in now.'),
        )
        .catch((err: unknown) => {
          const { code, message } = failureOf(err);
          (code === 'weak_password' ? passF.error : formError).textContent = message;
        })
        .finally(() => (save.disabled = false));
    },
    passF.row,
    repeatF.row,
    formError,
    h(
      'div',
      { class: 'actions' },
      save,
      h('button', { type: 'button', on: { click: () => onDone(null) } }, 'Cancel'),
    ),
  );
  replace(root, h('main', { class: 'auth-card' }, h('h1', {}, 'Choose a new password'), form));
  input.focus();
}
