/**
 * Secrets handed to users (verification links, remember-me validators): random, URL-safe,
 * stored only as their SHA-256 so that a copy of the store cannot be used to log in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random URL-safe token of `bytes` bytes (32 -> 43 characters of base64url). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The SHA-256 of a token, in hex: what the store keeps. */
export function sha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** True when `s` has the form of a {@link newToken} of `bytes` bytes. */
export function isTokenShaped(s: unknown, bytes = 32): s is string {
  return (
    typeof s === 'string' && s.length === Math.ceil((bytes * 4) / 3) && /^[A-Za-z0-9_-]+$/.test(s)
  );
}
