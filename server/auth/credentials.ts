/**
 * What an account's credentials may be: the email (the username) and the password policy.
 * Pure functions, no I/O, so the rules are unit-tested on their own.
 */
import { AppError, ErrorCode } from '../errors.ts';

/** Longest accepted password; argon2 would hash more, but nobody types more. */
export const MAX_PASSWORD_LENGTH = 256;
/** Shortest accepted password (NIST SP 800-63B asks for at least 8; we ask for 10). */
export const MIN_PASSWORD_LENGTH = 10;

const LOCAL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~][a-z0-9!#$%&'*+/=?^_`{|}~.-]*$/;
const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Trims and lower-cases an email and checks its form; returns the stored form or throws
 * 422 `invalid_email`. A local part starting with `-` is refused so that the address can
 * never be read as an option by a `user_validation` script.
 */
export function normalizeEmail(input: unknown): string {
  const invalid = (why: string): AppError =>
    new AppError(ErrorCode.invalidEmail, `not a valid email address: ${why}`, { status: 422 });
  if (typeof input !== 'string') throw invalid('expected a string');
  const email = input.trim().toLowerCase();
  if (email.length === 0) throw invalid('it is empty');
  if (email.length > 254) throw invalid('longer than 254 characters');
  const at = email.lastIndexOf('@');
  if (at <= 0) throw invalid('no "@" or nothing before it');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_RE.test(local) || local.includes('..') || local.endsWith('.')) {
    throw invalid('the part before "@" has characters or dots that are not allowed');
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL_RE.test(l))) {
    throw invalid('the domain is not a valid host name');
  }
  if (!/^[a-z]{2,63}$/.test(labels[labels.length - 1] ?? '')) {
    throw invalid('the domain does not end in a top-level domain');
  }
  return email;
}

/**
 * A small list of common passwords of the minimum length or more (from public breach
 * top lists); compared without case. Shorter common passwords fail the length rule anyway.
 */
const COMMON_PASSWORDS = new Set([
  '0123456789',
  '1234567890',
  '12345678910',
  '123456789a',
  '1234567890a',
  '0987654321',
  '1111111111',
  '1234512345',
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde',
  'qwertyuiop',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'asdfghjkl1',
  'asdfghjkl;',
  'zxcvbnm123',
  'password12',
  'password123',
  'password1234',
  'password!1',
  'passw0rd123',
  'p@ssw0rd123',
  'iloveyou123',
  'letmein123',
  'welcome123',
  'welcome1234',
  'changeme123',
  'administrator',
  'admin12345',
  'football123',
  'baseball123',
  'basketball',
  'monkey12345',
  'dragon12345',
  'sunshine123',
  'princess123',
  'superman123',
  'trustno1234',
  'starwars123',
  'master12345',
  'computer123',
  'whatever123',
  'iloveyou12',
  'abcdefghij',
  'abc1234567',
  'abcd123456',
  'a123456789',
  'qazwsxedc123',
  'michael123',
  'jennifer123',
  'liverpool1',
  'chocolate1',
  'butterfly1',
  'pokemon123',
  'minecraft1',
  'samsung123',
  'google1234',
  'hanover123',
  'panthers123',
  'statistics',
  'statistics1',
  'rstudio123',
  'panthr1234',
]);

/** True when every character is the same or the password is a run like `abcdefghij`. */
function isTrivial(pw: string): boolean {
  if (new Set(pw).size <= 2) return true;
  let up = true;
  let down = true;
  for (let i = 1; i < pw.length; i++) {
    const d = pw.charCodeAt(i) - pw.charCodeAt(i - 1);
    if (d !== 1) up = false;
    if (d !== -1) down = false;
  }
  return up || down;
}

/**
 * Checks a password against the policy: a string of {@link MIN_PASSWORD_LENGTH} to
 * {@link MAX_PASSWORD_LENGTH} characters, not a common or trivial one, not the email or
 * its local part. Throws 422 `weak_password` naming the rule.
 */
export function checkPassword(password: unknown, email: string): string {
  const weak = (why: string): AppError =>
    new AppError(ErrorCode.weakPassword, `password refused: ${why}`, { status: 422 });
  if (typeof password !== 'string') throw weak('expected a string');
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw weak(`use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) throw weak(`use at most ${MAX_PASSWORD_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) throw weak('it is one of the most common passwords');
  if (isTrivial(password)) throw weak('it is a repeated character or a simple sequence');
  const local = email.slice(0, email.indexOf('@'));
  if (lower === email || lower === local) throw weak('it is your email address');
  return password;
}

/**
 * Reads `Authorization: Basic base64(email:password)`; null when absent or malformed.
 * The password may contain `:`; the email may not.
 */
export function parseBasicAuth(
  header: string | undefined,
): { email: string; password: string } | null {
  if (header === undefined) return null;
  const m = /^Basic ([A-Za-z0-9+/=]{1,2000})$/i.exec(header.trim());
  if (m === null) return null;
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
