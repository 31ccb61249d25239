/**
 * Changing a password. "Forgot your password?": a verified account is mailed a single-use
 * link valid for one hour; the link's token (only its SHA-256 is kept) sets a new password,
 * which ends every session and "keep me logged in" token of the account (a reset often
 * follows a leak). Asking answers the same whatever the address, so it tells nobody which
 * are registered. A logged-in user may also change their password by giving the current one.
 */
import type { Store } from '../store/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { fieldsOf } from '../http/index.ts';
import { accountOf, mailNewLink, type AccountDeps } from './accounts.ts';
import { checkPassword } from './credentials.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { isTokenShaped, sha256 } from './tokens.ts';

/** How long a reset link is valid. */
export const RESET_TTL_MS = 3600 * 1000;

/**
 * The link a reset mail carries: the token in the URL's fragment, which browsers never send
 * to a server (so it stays out of access logs and Referer headers); the client reads it.
 */
export function resetLink(baseUrl: string, token: string): string {
  return `${baseUrl}/#/reset/${token}`;
}

/**
 * Mails a reset link to `email` when it belongs to a verified account, replacing its earlier
 * links. Resolves the same either way; a malformed address is 422 `invalid_email`.
 */
export async function requestPasswordReset(
  deps: AccountDeps,
  body: unknown,
  baseUrl: string,
): Promise<{ email: string }> {
  const { email, user } = await accountOf(deps, body);
  if (user === null || !user.verified) {
    deps.log.info('password reset asked for an address without a verified account');
    return { email };
  }
  const expiresAt = new Date(deps.now().getTime() + RESET_TTL_MS);
  await mailNewLink(deps.store.tokens, 'reset', user._id, expiresAt, (token) =>
    deps.mailer.sendPasswordReset(email, resetLink(baseUrl, token)),
  );
  deps.log.info({ userId: user._id }, 'password reset mail sent');
  return { email };
}

/** Takes a reset token once: the user it resets, or 400 `invalid_token` / `expired_token`. */
async function takeToken(store: Store, token: unknown, now: Date): Promise<string> {
  const invalid = new AppError(
    ErrorCode.invalidToken,
    'this link is not valid (already used, replaced by a newer one, or mistyped)',
  );
  if (!isTokenShaped(token)) throw invalid;
  // Taking (deleting) it first makes the token single-use even when two submissions race.
  const doc = await store.tokens.takeLinkToken('reset', sha256(token));
  if (doc === null) throw invalid;
  if (doc.expiresAt.getTime() <= now.getTime()) {
    throw new AppError(ErrorCode.expiredToken, 'this link has expired; ask for a new one');
  }
  return doc.userId;
}

/**
 * Sets a new password from a reset link's token (`{token, password}`). The password policy
 * applies (422 `weak_password`) before the token is spent, so a refused password does not
 * cost the link. Resolves to the user whose sessions the caller must end.
 */
export async function resetPassword(deps: AccountDeps, body: unknown): Promise<{ userId: string }> {
  const fields = fieldsOf(body, ['token', 'password']);
  const { store } = deps;
  // The policy first (it needs the address): look the token up without spending it.
  const probe = isTokenShaped(fields.token)
    ? await store.tokens.findLinkToken('reset', sha256(fields.token))
    : null;
  const owner = probe === null ? null : await store.accounts.findById(probe.userId);
  const password = checkPassword(fields.password, owner?.email ?? '');
  const userId = await takeToken(store, fields.token, deps.now());
  const passwordHash = await hashPassword(password);
  if (!(await store.accounts.setPasswordHash(userId, passwordHash)))
    throw new AppError(ErrorCode.invalidToken, 'this account no longer exists');
  await store.tokens.deleteLinkTokens('reset', userId);
  deps.log.info({ userId }, 'password reset');
  return { userId };
}

/**
 * Changes the password of logged-in user `userId` (`{current, password}`): 403
 * `bad_credentials` when `current` is wrong, 422 `weak_password` under the policy. The
 * caller ends the user's other sessions.
 */
export async function changePassword(
  deps: AccountDeps,
  userId: string,
  body: unknown,
): Promise<void> {
  const fields = fieldsOf(body, ['current', 'password']);
  const user = await deps.store.accounts.findById(userId);
  const current = typeof fields.current === 'string' ? fields.current : '';
  if (user === null || !(await verifyPassword(user.passwordHash, current))) {
    throw new AppError(ErrorCode.badCredentials, 'the current password is not right', {
      status: 403,
    });
  }
  const password = checkPassword(fields.password, user.email);
  const passwordHash = await hashPassword(password);
  await deps.store.accounts.setPasswordHash(userId, passwordHash);
  await deps.store.tokens.deleteLinkTokens('reset', userId);
  deps.log.info({ userId }, 'password changed');
}
