/**
 * The one error handler: AppError -> its status and `{"error","message"}`; body-parser
 * errors -> 400/413; anything else -> 500 `internal` with an id that is logged.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, ErrorCode, type ErrorBody } from '../errors.ts';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function fromHttpError(err: HttpishError): AppError | null {
  const status = err.status ?? err.statusCode;
  if (status === undefined || status < 400 || status >= 500) return null;
  switch (err.type ?? '') {
    case 'entity.too.large':
      return new AppError(ErrorCode.payloadTooLarge, 'the request body is too large', {
        status: 413,
      });
    case 'entity.parse.failed':
      return new AppError(ErrorCode.badRequest, 'the request body is not valid JSON', {
        status: 400,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(ErrorCode.badRequest, 'unsupported body encoding', { status: 415 });
    default:
      // serve-static's missing file is a 404 like any other path nothing answers.
      return status === 404
        ? new AppError(ErrorCode.notFound, 'no such resource', { status })
        : new AppError(ErrorCode.badRequest, 'bad request', { status });
  }
}

/** Turns any thrown error into API.md's error body; never leaks internals. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof AppError ? err : fromHttpError(err as HttpishError);
    let body: ErrorBody;
    let status: number;
    if (known?.expose) {
      status = known.status;
      body = { error: known.code, message: known.message };
      log.debug({ code: known.code, status, path: req.path }, 'request refused');
    } else {
      const id = randomUUID();
      status = 500;
      body = { error: ErrorCode.internal, message: `internal error (id ${id})` };
      log.error({ err, id, method: req.method, path: req.path }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}

/** 404 for any path nothing else answered. */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new AppError(ErrorCode.notFound, 'no such resource', { status: 404 }));
};
