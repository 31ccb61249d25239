/**
 * Thin handlers for one connected socket: check each payload, hand it to the sessions
 * layer, answer `ok` and `ping`. A malformed message is answered, never fatal.
 */
import type { Logger } from 'pino';
import {
  dataMessageSchema,
  LIMITS,
  okMessageSchema,
  pingMessageSchema,
} from '../../converters/index.ts';
import type { RegisteredKinds } from '../../r/index.ts';
import { ErrorCode } from '../errors.ts';
import {
  errorObject,
  internalError,
  readOnlyError,
  type ClientConnection,
  type ErrorObject,
  type StoredPanthrObject,
  type SessionManager,
  type SessionMetrics,
} from '../sessions/index.ts';
import { bindEcho } from './echo.ts';
import type { PanthRSocket } from './events.ts';
import { UNREADABLE, type Unreadable } from './forgiving-parser.ts';
import { MAX_PACKET_DEPTH, TOO_DEEP } from './packet-depth.ts';
import type { SizeRefusals } from './size-refusals.ts';

/** What the handlers need. */
export interface HandlerDeps {
  readonly sessions: SessionManager;
  /** Checks a raw object against the kinds of the user's R session (null: none yet). */
  readonly validate: (
    raw: unknown,
    sessionKinds: RegisteredKinds | null,
  ) => StoredPanthrObject | ErrorObject;
  readonly metrics: SessionMetrics;
  readonly log: Logger;
  /** Where a connection dropped for a message over the transport's limit is remembered. */
  readonly sizeRefusals?: SizeRefusals;
  /** A `read` token's connection: every object is answered `forbidden` (API 1.1). */
  readonly readOnly?: boolean;
}

function seqOf(payload: unknown): number | null {
  const seq = (payload as { seq?: unknown } | null)?.seq;
  return Number.isSafeInteger(seq) ? (seq as number) : null;
}

/** What the forgiving parser said of a packet it could not read, if `payload` stands for one. */
function unreadableOf(payload: unknown): Unreadable | undefined {
  const u = (payload as Record<string, unknown> | null)?.[UNREADABLE] as Unreadable | undefined;
  return typeof u === 'object' && u !== null && typeof u.why === 'string' ? u : undefined;
}

/** The error answering a malformed `data` message: `too_large` when refused for size. */
function refusal(payload: unknown): ErrorObject {
  const unreadable = unreadableOf(payload);
  if (unreadable !== undefined)
    return errorObject(
      null,
      ErrorCode.invalidMessage,
      `a Socket.IO packet could not be read (${unreadable.why.slice(0, 200)}); it was dropped and the connection goes on`,
    );
  if ((payload as Record<string, unknown> | null)?.[TOO_DEEP] === true)
    return errorObject(
      null,
      ErrorCode.invalidMessage,
      `the message nests deeper than ${MAX_PACKET_DEPTH} levels, so it was not read: send flat objects (a dataset's variables hold arrays of values)`,
    );
  const objects = (payload as { objects?: unknown } | null)?.objects;
  if (Array.isArray(objects) && objects.length > LIMITS.objectsPerMessage) {
    return errorObject(
      null,
      ErrorCode.tooLarge,
      `a data message holds at most ${LIMITS.objectsPerMessage} objects; this one has ${objects.length}: send them in several messages`,
    );
  }
  return errorObject(
    null,
    ErrorCode.invalidMessage,
    'a data message is {"seq": integer, "objects": [object, ...]} (at most the documented number of objects)',
  );
}

/** The name of a raw object when it has a usable one, for its error object. */
function nameOf(raw: unknown): string | null {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name.length <= 64 ? name : null;
}

/** Wires the events of one socket to its client connection. */
export function bindHandlers(
  socket: PanthRSocket,
  client: ClientConnection,
  deps: HandlerDeps,
): void {
  const guard =
    <A extends unknown[]>(event: string, fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (err) {
        deps.log.error({ err, event, socket: socket.id }, 'handler failed');
      }
    };

  // A message's size on the wire, for the log, without serialising it again: the bytes of
  // the Engine.IO packets that carried it. Socket.IO hands an event over a tick after its
  // packets arrived, so when one read brings several messages (an `ok` and the next `data`)
  // all their packets come first. Each event's bytes are therefore queued as its packets
  // arrive (a Socket.IO text packet `2...` is an event, `5...` one whose binary attachments
  // follow as binary packets; acks and the rest are no events) and taken in the same order
  // as Socket.IO hands the events over (`onAny` sees every event, handled or not).
  const arriving: number[] = [];
  let inEvent = false;
  const onPacket = (packet: { type: string; data?: unknown }): void => {
    if (packet.type !== 'message') return;
    const d = packet.data;
    if (typeof d === 'string') {
      inEvent = d.startsWith('2') || d.startsWith('5');
      if (inEvent) arriving.push(Buffer.byteLength(d));
    } else if (inEvent && d instanceof Uint8Array) {
      arriving.push((arriving.pop() ?? 0) + d.byteLength);
    }
  };
  // The Engine.IO connection may outlive this socket (a client may leave the namespace and
  // join again on it): the listener goes with the socket.
  socket.conn.on('packet', onPacket);
  socket.once('disconnect', () => socket.conn.off('packet', onPacket));
  const sizes = new WeakMap<object, number>();
  socket.onAny((_event: string, payload?: unknown) => {
    // A packet the parser could not read whose bytes no count holds (forgiving-parser.ts)
    // takes none: the next message keeps its own.
    if (unreadableOf(payload)?.counted === false) return;
    const bytes = arriving.shift() ?? 0;
    if (typeof payload === 'object' && payload !== null) sizes.set(payload, bytes);
  });
  const bytesOf = (payload: unknown): number =>
    typeof payload === 'object' && payload !== null ? (sizes.get(payload) ?? 0) : 0;

  socket.on(
    'data',
    guard('data', (payload: unknown) => {
      const bytes = bytesOf(payload);
      const parsed = dataMessageSchema.safeParse(payload);
      if (!parsed.success) {
        deps.metrics.countMessage('data', 'invalid');
        const seq = seqOf(payload);
        deps.log.info(
          { socket: socket.id, user: client.userId, seq, bytes },
          'invalid data message',
        );
        // A `data` all the same: the client is active (API.md §2), and its `ok` (when its
        // seq is usable) precedes the refusal, as for any message.
        // A packet that could not be read at all may have been anything (a ping): not activity.
        if (unreadableOf(payload) === undefined) client.touch();
        if (seq !== null) client.acknowledge(seq);
        client.outbound.push({ replyTo: seq, objects: [refusal(payload)] });
        return;
      }
      const { seq, objects, workspace } = parsed.data;
      const sessionKinds = deps.sessions.kindsOf(client.userId);
      deps.log.info(
        { socket: socket.id, user: client.userId, seq, objects: objects.length, bytes },
        'data received',
      );
      // Acknowledged first: a message refused at once (too many waiting) gets its `ok`
      // before its reply.
      client.acknowledge(seq);
      let queued: boolean;
      try {
        queued = deps.sessions.submit(
          client,
          seq,
          deps.readOnly === true
            ? objects.map((o) => readOnlyError(nameOf(o)))
            : objects.map((o) => deps.validate(o, sessionKinds)),
          workspace ?? null,
          bytes,
        );
      } catch (err) {
        // Its `ok` is out: the client waits for a reply, which says what happened.
        const fault = internalError(deps.log, err, { socket: socket.id, seq });
        client.outbound.push({ replyTo: seq, objects: [fault] });
        return;
      }
      deps.metrics.countMessage('data', queued ? 'accepted' : 'limited');
    }),
  );

  socket.on(
    'ok',
    guard('ok', (payload: unknown) => {
      const parsed = okMessageSchema.safeParse(payload);
      const accepted = parsed.success && client.outbound.ack(parsed.data.seq);
      deps.metrics.countMessage('ok', accepted ? 'accepted' : 'invalid');
    }),
  );

  socket.on(
    'ping',
    guard('ping', (payload: unknown) => {
      const parsed = pingMessageSchema.safeParse(payload);
      deps.metrics.countMessage('ping', parsed.success ? 'accepted' : 'invalid');
      const t: unknown = parsed.success ? parsed.data.t : null;
      socket.emit('ping', { t, from: 'server' });
      void deps.sessions.pingR(client, t);
    }),
  );

  bindEcho(socket, deps);

  socket.on('disconnect', (reason, description) => {
    deps.sizeRefusals?.closed(client.userId, description);
    deps.sessions.disconnect(client, reason).catch((err: unknown) => {
      deps.log.error({ err, socket: socket.id }, 'disconnect cleanup failed');
    });
  });
}
