/**
 * The account a single sign-on stands for: the one registered with the provider's
 * confirmed email, else a new one (after user_validation, like a registration).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '../errors.ts';
import {
  createWorkspace,
  FIRST_WORKSPACE_NAME,
  isDuplicateKeyError,
  type UserDoc,
} from '../store/index.ts';
import { checkAllowed, purgeUser, type AccountDeps } from './accounts.ts';
import { normalizeEmail } from './credentials.ts';
import { hashPassword } from './password.ts';

/** The claims of a checked ID token (`email` and `email_verified` are read). */
export type SsoClaims = Readonly<Record<string, unknown>>;

/**
 * Resolves the ID token's claims to an account: 403 `not_allowed` without an email the
 * provider has verified or when user_validation refuses it. A verified account with that
 * email is the same account. An unverified registration is replaced by a new account, never
 * verified as it is: anyone may have registered the address with a password of their own,
 * and keeping that password would let them into the owner's account (an unverified
 * account cannot log in, so it holds nothing of the owner's).
 */
export async function ssoAccount(deps: AccountDeps, claims: SsoClaims): Promise<UserDoc> {
  if (claims['email_verified'] !== true || typeof claims['email'] !== 'string') {
    throw new AppError(
      ErrorCode.notAllowed,
      'the sign-in provider did not confirm an email address for this account',
      { status: 403 },
    );
  }
  const email = normalizeEmail(claims['email']);
  const existing = await deps.store.accounts.findByEmail(email);
  if (existing?.verified === true) return existing;
  await checkAllowed(deps, email);
  if (existing !== null) {
    deps.log.info(
      { userId: existing._id },
      'an unverified registration of a single sign-on address replaced',
    );
    await purgeUser(deps.store, existing._id);
  }
  return createSsoUser(deps, email);
}

async function createSsoUser(deps: AccountDeps, email: string): Promise<UserDoc> {
  // No password anyone knows: password login needs a reset (mailed) first.
  const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
  const user: UserDoc = {
    _id: randomUUID(),
    email,
    passwordHash,
    verified: true,
    createdAt: deps.now(),
    currentWorkspace: '',
  };
  try {
    await deps.store.accounts.createUser(user);
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    // A registration or another sign-on of the same address won the race: use it.
    const winner = await deps.store.accounts.findByEmail(email);
    if (winner === null) throw err;
    return winner;
  }
  const workspace = await createWorkspace(deps.store, user._id, FIRST_WORKSPACE_NAME);
  await deps.store.accounts.setCurrentWorkspace(user._id, workspace._id);
  deps.log.info({ userId: user._id }, 'account created through single sign-on');
  return { ...user, currentWorkspace: workspace._id };
}
