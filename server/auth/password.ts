/**
 * Password hashing: argon2id with the OWASP-recommended parameters (19 MiB, 2 passes,
 * 1 lane; the library's defaults), in the PHC string format that carries its own salt and
 * parameters, so they can be raised later without breaking stored hashes.
 */
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id; resolves to a `$argon2id$...` PHC string (~50-100 ms). */
export async function hashPassword(password: string): Promise<string> {
  // @node-rs/argon2 defaults to argon2id; its Algorithm is a const enum that tsx cannot inline.
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | null = null;

/**
 * True when `password` matches `stored`. With `stored === null` (no such account) it still
 * spends one argon2 verification, so that response times do not reveal which emails exist.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    dummyHash ??= hashPassword('not-a-real-password-only-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password);
}
