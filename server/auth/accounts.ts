/**
 * The account operations behind the routes: register, verify the address, check
 * credentials, find the current workspace. Every failure is an AppError with API.md's code.
 * A registration that fails half-way removes what it had written.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { fieldsOf } from '../http/index.ts';
import {
  createWorkspace,
  FIRST_WORKSPACE_NAME,
  isDuplicateKeyError,
  type LinkTokenKind,
  purgeUserWorkspaces,
  type Store,
  type TokenRepository,
  type UserDoc,
} from '../store/index.ts';
import { checkPassword, MAX_PASSWORD_LENGTH, normalizeEmail } from './credentials.ts';
import type { Mailer } from './mail.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { isTokenShaped, newToken, sha256 } from './tokens.ts';
import { runUserValidation } from './user-validation.ts';

/** How long a verification link is valid. */
export const VERIFY_TTL_MS = 24 * 3600 * 1000;

/** What the account operations need. */
export interface AccountDeps {
  config: Config;
  store: Store;
  log: Logger;
  mailer: Mailer;
  now: () => Date;
  /** Time limit of the user_validation script, in ms. */
  validationTimeoutMs?: number;
}

/**
 * Deletes a user and everything it owns (stale unverified accounts, rollback, and an
 * unverified registration replaced by a single sign-on).
 */
export async function purgeUser(store: Store, userId: string): Promise<void> {
  await purgeUserWorkspaces(store, userId);
  await store.preferences.deleteOfUser(userId);
  await store.tokens.deleteLinkTokens('verify', userId);
  await store.tokens.deleteLinkTokens('reset', userId);
  await store.tokens.deleteRememberTokens(userId);
  await store.accounts.deleteUser(userId);
}

function emailTaken(): AppError {
  return new AppError(ErrorCode.emailTaken, 'an account with this email address exists', {
    status: 409,
  });
}

/**
 * An existing account holds its address (409 `email_taken`), except an unverified one
 * whose link has expired: it is removed, so that nobody can squat an address they cannot read.
 */
async function claimAddress(deps: AccountDeps, email: string): Promise<void> {
  const existing = await deps.store.accounts.findByEmail(email);
  if (existing === null) return;
  const stale = deps.now().getTime() - existing.createdAt.getTime() > VERIFY_TTL_MS;
  if (existing.verified || !stale) throw emailTaken();
  deps.log.info({ userId: existing._id }, 'removing an unverified account whose link expired');
  await purgeUser(deps.store, existing._id);
}

/** Asks user_validation about `email`: 403 `not_allowed` unless it allows it. */
export async function checkAllowed(deps: AccountDeps, email: string): Promise<void> {
  const script = deps.config.user_validation;
  if (script === null) return;
  const verdict = await runUserValidation(script, email, deps.log, deps.validationTimeoutMs);
  if (verdict !== 'allowed') {
    deps.log.info({ verdict }, 'registration refused by user_validation');
    // A script that failed or hung refuses too (closed, never open), but says so: the
    // address may be fine, and the operator has the reason in the log.
    const message =
      verdict === 'failed'
        ? 'this server could not check the address just now; try again later or ask its administrator'
        : 'this server does not accept accounts for this address';
    throw new AppError(ErrorCode.notAllowed, message, { status: 403 });
  }
}

/**
 * Stores a new single-use link token for `userId`, valid until `expiresAt`, and mails it
 * with `send` (verification and password-reset links alike).
 * Only once the mail is handed over are the user's earlier tokens of the kind dropped, so
 * a mail server that is down costs nobody the link they already have (the unsent token
 * is known to nobody and expires). Rejects with the mail's error.
 */
export async function mailNewLink(
  tokens: TokenRepository,
  kind: LinkTokenKind,
  userId: string,
  expiresAt: Date,
  send: (token: string) => Promise<void>,
): Promise<void> {
  const token = newToken();
  const _id = sha256(token);
  await tokens.addLinkToken(kind, { _id, userId, expiresAt });
  await send(token);
  await tokens.deleteLinkTokens(kind, userId, _id);
}

/** When a verification link made at `now` expires. */
function verifyExpiry(now: Date): Date {
  return new Date(now.getTime() + VERIFY_TTL_MS);
}

/**
 * Registers an account: checks the address and password, asks user_validation, stores the
 * user (argon2id hash) with its first workspace, and mails the link `${baseUrl}/verify?token=`.
 */
export async function register(
  deps: AccountDeps,
  body: unknown,
  baseUrl: string,
): Promise<{ email: string; verified: false }> {
  const fields = fieldsOf(body, ['email', 'password']);
  const email = normalizeEmail(fields.email);
  const password = checkPassword(fields.password, email);
  await claimAddress(deps, email);
  await checkAllowed(deps, email);
  const passwordHash = await hashPassword(password);
  const { store } = deps;
  const userId = randomUUID();
  const now = deps.now();
  try {
    await store.accounts.createUser({
      _id: userId,
      email,
      passwordHash,
      verified: false,
      createdAt: now,
      currentWorkspace: '',
    });
  } catch (err) {
    // Another registration of the same address won the race.
    if (isDuplicateKeyError(err)) throw emailTaken();
    throw err;
  }
  try {
    const workspace = await createWorkspace(store, userId, FIRST_WORKSPACE_NAME);
    await store.accounts.setCurrentWorkspace(userId, workspace._id);
    await mailNewLink(store.tokens, 'verify', userId, verifyExpiry(now), (token) =>
      deps.mailer.sendVerification(email, `${baseUrl}/verify?token=${token}`),
    );
  } catch (err) {
    // Nothing half-written: without its mail the account could never be verified. A failed
    // clean-up is logged, and the failure that caused it is the one reported.
    await purgeUser(store, userId).catch((purgeErr: unknown) =>
      deps.log.error({ err: purgeErr, userId }, 'a half-registered account could not be removed'),
    );
    throw new AppError(ErrorCode.internal, 'the account could not be created', {
      status: 500,
      expose: false,
      cause: err,
    });
  }
  deps.log.info({ userId }, 'account registered');
  return { email, verified: false };
}

/**
 * The address a mail-link request (`{"email"}`) names, normalized (422 `invalid_email` when
 * malformed), and its account, if any.
 */
export async function accountOf(
  deps: AccountDeps,
  body: unknown,
): Promise<{ email: string; user: UserDoc | null }> {
  const email = normalizeEmail(fieldsOf(body, ['email']).email);
  return { email, user: await deps.store.accounts.findByEmail(email) };
}

/**
 * Mails a fresh verification link to an unverified account, replacing its earlier links.
 * Answers the same whether or not such an account exists, so it tells nobody which
 * addresses are registered; a malformed address is still 422 `invalid_email`.
 */
export async function resendVerification(
  deps: AccountDeps,
  body: unknown,
  baseUrl: string,
): Promise<{ email: string }> {
  const { email, user } = await accountOf(deps, body);
  if (user === null || user.verified) return { email };
  await mailNewLink(deps.store.tokens, 'verify', user._id, verifyExpiry(deps.now()), (token) =>
    deps.mailer.sendVerification(email, `${baseUrl}/verify?token=${token}`),
  );
  deps.log.info({ userId: user._id }, 'verification mail sent again');
  return { email };
}

/** Uses a verification token once: 400 `invalid_token` or `expired_token`, else verified. */
export async function verifyEmail(deps: AccountDeps, token: unknown): Promise<void> {
  const invalid = new AppError(
    ErrorCode.invalidToken,
    'this link is not valid (already used, or mistyped)',
  );
  if (!isTokenShaped(token)) throw invalid;
  const { store } = deps;
  const id = sha256(token);
  // Taking (deleting) it first makes the token single-use even when two clicks race; an
  // expired one goes too.
  const doc = await store.tokens.takeLinkToken('verify', id);
  if (doc === null) throw invalid;
  if (doc.expiresAt.getTime() <= deps.now().getTime()) {
    throw new AppError(
      ErrorCode.expiredToken,
      'this link has expired; ask for a new one (POST /verify/resend, or log in and choose "Send the link again")',
    );
  }
  await store.accounts.markVerified(doc.userId);
  await store.tokens.deleteLinkTokens('verify', doc.userId);
  deps.log.info({ userId: doc.userId }, 'email address verified');
}

/**
 * Checks an email and password; resolves to the user or throws 401 `bad_credentials`
 * (unknown address or wrong password: indistinguishable, in time too) or `unverified`
 * (only told to whoever knows the password).
 */
export async function checkCredentials(
  deps: AccountDeps,
  email: unknown,
  password: unknown,
): Promise<UserDoc> {
  const bad = new AppError(ErrorCode.badCredentials, 'wrong email address or password', {
    status: 401,
  });
  if (
    typeof email !== 'string' ||
    typeof password !== 'string' ||
    password.length > MAX_PASSWORD_LENGTH * 4
  ) {
    throw bad;
  }
  let user: UserDoc | null = null;
  try {
    user = await deps.store.accounts.findByEmail(normalizeEmail(email));
  } catch (err) {
    if (!(err instanceof AppError)) throw err; // a malformed address is simply no account
  }
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  if (user === null || !ok) throw bad;
  if (!user.verified) {
    throw new AppError(
      ErrorCode.unverified,
      'confirm your email address first: open the link we mailed you',
      {
        status: 401,
      },
    );
  }
  return user;
}
