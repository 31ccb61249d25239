/** The payloads a client sends over Socket.IO (API.md §2); objects are checked one by one. */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { boundedJson } from './common.schema.ts';

/** Any safe integer (API.md: "an integer `seq`"; the client's own counter). */
const seq = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/**
 * A client's `data`: `{seq, objects, workspace?}`. The objects stay `unknown` here: each one
 * is checked with `validateObject`, so one bad object is answered with an error without
 * losing the rest. `workspace` is the id of the workspace the client's tab shows (API 1.1);
 * null or absent means "whichever is current".
 */
export const dataMessageSchema = z.object({
  seq,
  objects: z.array(z.unknown()).max(LIMITS.objectsPerMessage),
  workspace: z.string().min(1).max(64).nullish(),
});
/** A client's `ok`: `{seq}` of the server's `data` it has received. */
export const okMessageSchema = z.object({ seq });
/** A client's `ping`: `{t}`, any small JSON value, echoed back. */
export const pingMessageSchema = z.object({ t: boundedJson });

/** A client's data payload. */
export type DataMessage = z.infer<typeof dataMessageSchema>;
/** A client's ok payload. */
export type OkMessage = z.infer<typeof okMessageSchema>;
/** A client's ping payload. */
export type PingMessage = z.infer<typeof pingMessageSchema>;
