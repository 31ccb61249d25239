/**
 * GET /verify for a browser: the link in the verification mail opens the product's own page
 * saying what happened and where to go on, for a used or expired link too. Clients that ask
 * for JSON (or say nothing) keep API.md's 400 `{"error","message"}`.
 */
import type { Request, Response } from 'express';
import { AppError, ErrorCode } from '../errors.ts';
import type { PageContent, PageRenderer } from '../http/index.ts';

const LOG_IN = { href: '/', text: 'Go to log in' };

const VERIFIED: PageContent = {
  title: 'Email address confirmed',
  paragraphs: ['Your account is ready. Log in with your email address and password.'],
  links: [{ href: '/', text: 'Log in' }],
  tone: 'ok',
};

const FAILED: Partial<Record<ErrorCode, PageContent>> = {
  [ErrorCode.invalidToken]: {
    title: 'This link cannot be used',
    paragraphs: [
      'It was used already, or it is incomplete (some mail programs break long links).',
      'If you confirmed your address before, just log in. Otherwise, log in with your email ' +
        'address and password and choose "Send the link again" for a new link.',
    ],
    links: [LOG_IN],
    tone: 'error',
  },
  [ErrorCode.expiredToken]: {
    title: 'This link has expired',
    paragraphs: [
      'Confirmation links work for 24 hours.',
      'Log in with your email address and password and choose "Send the link again": a new ' +
        'link will be mailed to you.',
    ],
    links: [LOG_IN],
    tone: 'error',
  },
};

/** True when the request prefers an HTML page to JSON (a browser following the link). */
function wantsPage(req: Request): boolean {
  // `json` first: a client that sends no Accept header, or `*/*`, gets JSON as before.
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * Runs `verify` and answers: 200 with the "confirmed" page, or the refusal, as a page with
 * the same status for a browser, else thrown for the JSON error handler.
 */
export async function answerVerify(
  req: Request,
  res: Response,
  pages: PageRenderer,
  verify: () => Promise<void>,
): Promise<void> {
  try {
    await verify();
  } catch (err) {
    const page = err instanceof AppError && err.expose ? FAILED[err.code] : undefined;
    if (page === undefined || !wantsPage(req)) throw err;
    res
      .status((err as AppError).status)
      .type('html')
      .send(await pages(page));
    return;
  }
  res
    .status(200)
    .type('html')
    .send(await pages(VERIFIED));
}
