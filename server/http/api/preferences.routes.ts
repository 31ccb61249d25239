/**
 * Named preference sets (API.md §1): GET /preferences, GET/PUT/DELETE /preferences/:name.
 * A set is any JSON object of at most {@link MAX_PREFERENCE_BYTES} (graph settings, table and
 * menu defaults: the customer's design), kept as it was put: its graph settings are checked
 * where they are used (R checks a graph's `settings`; the browser reads a set's with its
 * defaults for what it cannot use). A PUT is written to the store before it is answered;
 * GET answers the object as it was put.
 */
import { Router, type Request } from 'express';
import { isBoundedJson, LIMITS } from '../../../converters/index.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { objectBody, userOf } from '../request.ts';

/** Largest preference set, as serialised JSON, in bytes. */
export const MAX_PREFERENCE_BYTES = 64 * 1024;
/** Most preference sets one user may keep. */
export const MAX_PREFERENCE_SETS = 100;

/**
 * A set's name: 1 to 64 characters, none a control character, "/", or a character that
 * turns the direction of text (which would make a name read as another), not all spaces.
 */
const NAME_RE = /^(?!\s*$)[^\p{Cc}/\u2028\u2029\u202a-\u202e\u2066-\u2069]{1,64}$/u;

function nameOf(req: Request): string {
  const name = req.params.name;
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new AppError(
      ErrorCode.badRequest,
      'a preference set name is 1 to 64 characters, not all spaces, without "/", control characters or text-direction marks',
    );
  }
  return name;
}

function settingsOf(req: Request): Record<string, unknown> {
  const body = objectBody(req);
  const shape = `at most ${MAX_DEPTH} levels deep, keys of at most ${LIMITS.short} characters without NUL or ".", not starting with "$", and none of __proto__, constructor, prototype`;
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
  } catch {
    // Nested so deep that serialising it overflows the stack.
    throw new AppError(ErrorCode.badRequest, `invalid preference set: ${shape}`);
  }
  if (bytes > MAX_PREFERENCE_BYTES) {
    throw new AppError(
      ErrorCode.payloadTooLarge,
      `a preference set is at most ${MAX_PREFERENCE_BYTES} bytes`,
      { status: 413 },
    );
  }
  // Each value takes a byte at least: the node bound is never stricter than the size's.
  if (!isBoundedJson(body, MAX_DEPTH, MAX_PREFERENCE_BYTES, storableKey))
    throw new AppError(ErrorCode.badRequest, `invalid preference set: ${shape}`);
  return body;
}

/** Keys that would reach a prototype in code that merges the set into an object. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest nesting of a set (its own object is level 1). */
const MAX_DEPTH = 32;

/**
 * A key a set may hold: not a prototype's name, and none MongoDB reads as an operator or a
 * path (it stores the set as a document): no NUL, no ".", no leading "$".
 */
function storableKey(key: string): boolean {
  return !UNSAFE_KEYS.has(key) && !/[\0.]|^\$/.test(key);
}

/** The routes, relative to /api/v1. */
export function preferencesRoutes(store: Store): Router {
  const router = Router();
  router.get('/preferences', async (req, res) => {
    const docs = await store.preferences.list(userOf(req).id);
    res.json({
      preferences: docs.map((d) => ({ name: d.name, updatedAt: d.updatedAt.toISOString() })),
    });
  });

  router.get('/preferences/:name', async (req, res) => {
    const name = nameOf(req);
    const doc = await store.preferences.get(userOf(req).id, name);
    if (doc === null)
      throw new AppError(ErrorCode.notFound, 'no preference set of that name', { status: 404 });
    res.set('Last-Modified', doc.updatedAt.toUTCString());
    res.json(doc.settings);
  });

  router.put('/preferences/:name', async (req, res) => {
    const name = nameOf(req);
    const settings = settingsOf(req);
    const userId = userOf(req).id;
    const updatedAt = new Date();
    // the cap holds as a rule on both backends (preference.repo.ts): new sets at once never pass it
    const outcome = await store.preferences.put(
      { userId, name, settings, updatedAt },
      MAX_PREFERENCE_SETS,
    );
    if (outcome === 'full') {
      throw new AppError(
        ErrorCode.conflict,
        `at most ${MAX_PREFERENCE_SETS} preference sets; delete one first`,
        {
          status: 409,
        },
      );
    }
    res.set('Last-Modified', updatedAt.toUTCString());
    res.status(outcome === 'created' ? 201 : 200).json(settings);
  });

  router.delete('/preferences/:name', async (req, res) => {
    const name = nameOf(req);
    const user = userOf(req);
    if (!(await store.preferences.delete(user.id, name)))
      throw new AppError(ErrorCode.notFound, 'no preference set of that name', { status: 404 });
    await store.accounts.clearCurrentPreferences(user.id, name);
    res.status(204).end();
  });

  return router;
}
