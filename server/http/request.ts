/**
 * What the accounts routes (auth/) and the /api/v1 routes (http/api/) share: the logged-in
 * user, name checks, body checks. It sits in http/, not http/api/, so that auth/ can use it
 * without importing the API it does not build (no auth <-> http/api cycle).
 */
import type { Request, RequestHandler } from 'express';
import { AppError, ErrorCode } from '../errors.ts';

/** 401 `unauthorized` unless the request has a logged-in user. */
export const requireUser: RequestHandler = (req, _res, next) => {
  if (req.user === undefined) {
    next(new AppError(ErrorCode.unauthorized, 'log in first', { status: 401 }));
    return;
  }
  next();
};

/** The logged-in user of a request that passed {@link requireUser}. */
export function userOf(req: Request): Express.User {
  if (req.user === undefined)
    throw new AppError(ErrorCode.unauthorized, 'log in first', { status: 401 });
  return req.user;
}

/** A JSON object body or 400 `bad_request`. */
export function objectBody(req: Request): Record<string, unknown> {
  return objectOf(req.body);
}

function objectOf(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError(
      ErrorCode.badRequest,
      'expected a JSON object as the request body (Content-Type: application/json)',
    );
  }
  return body as Record<string, unknown>;
}

/** Only these keys in `body`, else 400 `bad_request` naming the first few others. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 40)));
    throw new AppError(
      ErrorCode.badRequest,
      `unknown field ${shown.join(', ')}; allowed: ${allowed.join(', ')}`,
    );
  }
}

/** A JSON object body with only the `allowed` fields (400 `bad_request` otherwise). */
export function fieldsOf(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  const fields = objectOf(body);
  onlyFields(fields, allowed);
  return fields;
}

/** C0/C1 control characters, bidi overrides and other invisible format characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * A display name (workspace): a string, trimmed, 1 to `max` characters, no control or
 * invisible formatting characters. Anything else printable is kept as typed: the client
 * renders names as text, never as HTML.
 */
export function displayName(value: unknown, what: string, max = 100): string {
  if (typeof value !== 'string')
    throw new AppError(ErrorCode.badRequest, `${what} must be a string`);
  const name = value.trim().normalize('NFC');
  if (name.length === 0) throw new AppError(ErrorCode.badRequest, `${what} must not be empty`);
  if ([...name].length > max)
    throw new AppError(ErrorCode.badRequest, `${what} is longer than ${max} characters`);
  if (INVISIBLE.test(name))
    throw new AppError(ErrorCode.badRequest, `${what} contains control or invisible characters`);
  return name;
}
