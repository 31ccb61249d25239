/**
 * The one error type the server answers with. Codes are the wire codes of API.md, shared
 * with the client; only errors marked `expose` reach a client, others become `internal`.
 */

/** Every error code a client can see. */
export const ErrorCode = {
  // HTTP (API.md §1)
  emailTaken: 'email_taken',
  invalidEmail: 'invalid_email',
  weakPassword: 'weak_password',
  notAllowed: 'not_allowed',
  invalidToken: 'invalid_token',
  expiredToken: 'expired_token',
  badCredentials: 'bad_credentials',
  unverified: 'unverified',
  serverFull: 'server_full',
  unauthorized: 'unauthorized',
  badRequest: 'bad_request',
  notFound: 'not_found',
  conflict: 'conflict',
  tooManyRequests: 'too_many_requests',
  payloadTooLarge: 'payload_too_large',
  forbiddenOrigin: 'forbidden_origin',
  internal: 'internal',
  // Socket.IO (API.md §2)
  invalidMessage: 'invalid_message',
  invalidObject: 'invalid_object',
  unknownType: 'unknown_type',
  tooLarge: 'too_large',
  forbidden: 'forbidden',
  rError: 'r_error',
  timeout: 'timeout',
  // Socket.IO, API 1.1: a `data` naming a workspace that is no longer the user's current one
  wrongWorkspace: 'wrong_workspace',
  // Socket.IO, API 1.1: on a cluster, another node holds the user (handshake refusal, or a
  // save refused after this node lost the user's lease)
  moved: 'moved',
} as const;

/** A wire error code. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error with a wire code and an HTTP status; `expose` says a client may see `message`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; expose?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 400;
    this.expose = options.expose ?? true;
  }
}

/** The JSON error body of API.md: `{"error": CODE, "message": TEXT}`. */
export interface ErrorBody {
  readonly error: ErrorCode;
  readonly message: string;
}
