// Sign-up and log-in: one form with visible labels, the server's errors next to the field
// they concern, and the "check your mail" step after registering.
import { api, failureOf, type LoginResult, type Status } from '../api.ts';
import { accountInput, authForm, field, h, replace } from '../dom.ts';
import { renderForgot } from './reset.view.ts';
import { ssoButton } from './sso.view.ts';

/** Which field an error code belongs next to. */
const FIELD_OF: Record<string, 'email' | 'password' | 'form'> = {
  email_taken: 'email',
  invalid_email: 'email',
  not_allowed: 'email',
  unverified: 'email',
  weak_password: 'password',
  bad_credentials: 'password',
};

/** Renders the log-in / register screen into `root`; calls `onLoggedIn` after a login. */
export function renderAuth(
  root: HTMLElement,
  status: Status | null,
  notice: string | null,
  onLoggedIn: (r: LoginResult) => void,
): void {
  const email = accountInput('username');
  const password = accountInput('current-password');
  const remember = h('input', { type: 'checkbox', name: 'remember', id: 'remember' });
  const emailF = field('Email', email);
  const passF = field('Password', password, 'At least 10 characters.');
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const login = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const register = h('button', { type: 'button' }, 'Register');
  const card = h('main', { class: 'auth-card' });

  const clear = (): void => {
    for (const el of [emailF.error, passF.error, formError]) el.textContent = '';
  };
  const show = (e: unknown): void => {
    const { code, message: msg } = failureOf(e);
    const where = FIELD_OF[code] ?? 'form';
    (where === 'email'
      ? emailF.error
      : where === 'password'
        ? passF.error
        : formError
    ).textContent = msg;
    if (code === 'unverified')
      emailF.error.append(
        ' ',
        h(
          'button',
          { type: 'button', class: 'link', on: { click: () => checkMail(email.value) } },
          'Send the link again',
        ),
      );
  };
  const busy = (b: boolean): void => {
    login.disabled = b;
    register.disabled = b;
  };

  const form = authForm(
    () => {
      clear();
      busy(true);
      api
        .login(email.value.trim(), password.value, remember.checked)
        .then(onLoggedIn)
        .catch(show)
        .finally(() => busy(false));
    },
    emailF.row,
    passF.row,
    h(
      'div',
      { class: 'field check' },
      remember,
      h('label', { for: 'remember' }, 'Keep me logged in'),
    ),
    formError,
    h('div', { class: 'actions' }, login, register),
    h(
      'p',
      { class: 'hint' },
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          on: {
            click: () =>
              renderForgot(root, email.value.trim(), () =>
                renderAuth(root, status, null, onLoggedIn),
              ),
          },
        },
        'Forgot your password?',
      ),
    ),
  );
  register.addEventListener('click', () => {
    clear();
    busy(true);
    api
      .register(email.value.trim(), password.value)
      .then(() => checkMail(email.value.trim()))
      .catch(show)
      .finally(() => busy(false));
  });

  const checkMail = (address: string): void => {
    const result = h('p', { role: 'status', 'aria-live': 'polite' });
    const resend = h('button', { type: 'button' }, 'Send the mail again');
    resend.addEventListener('click', () => {
      resend.disabled = true;
      api
        .resend(address)
        .then(() => (result.textContent = `A new link is on its way to ${address}.`))
        .catch((e: unknown) => {
          result.textContent = failureOf(e).message;
        })
        .finally(() => (resend.disabled = false));
    });
    replace(
      card,
      h('h1', {}, 'Check your mail'),
      h(
        'p',
        {},
        'We sent a link to ',
        h('strong', {}, address),
        '. Open it to confirm your address, then come back here and log in.',
      ),
      h(
        'p',
        { class: 'hint' },
        'No mail after a few minutes? Look in your spam folder, or send it again.',
      ),
      result,
      h(
        'div',
        { class: 'actions' },
        resend,
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            on: { click: () => renderAuth(root, status, null, onLoggedIn) },
          },
          'Back to log in',
        ),
      ),
    );
  };

  replace(
    card,
    h('h1', {}, status?.name ?? 'PanthR'),
    h('p', { class: 'hint' }, 'Log in, or register a new account with your email address.'),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    form,
    ssoButton(),
  );
  replace(root, card);
  email.focus();
}
