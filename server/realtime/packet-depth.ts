/**
 * A bound on how deeply a Socket.IO text packet's JSON nests, checked before Socket.IO
 * parses it. The size limits do not bound the parse's time: 120 MB of `[[[[...]]]]` (under
 * the 128 MB limit of a logged-in message) held the event loop, every user's, for 20 s in
 * `JSON.parse`, where a flat 115 MB message takes 2 s. A packet nested deeper than
 * {@link MAX_PACKET_DEPTH} is never parsed: it reaches its event's handler with a `null`
 * payload, which is refused as any malformed message is (`invalid_message` for `data`),
 * and the connection stays. The scan stops at the first level too many, so a hostile
 * packet costs microseconds and a legitimate one a pass over its characters.
 */
import type { Socket as EngineSocket } from 'engine.io';

/**
 * The deepest nesting of a packet's JSON: a `data` message is about 8 levels deep (its
 * objects, a dataset's variables, their values, options); preference sets go by REST.
 */
export const MAX_PACKET_DEPTH = 64;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_SQUARE = 91;
const CLOSE_SQUARE = 93;
const OPEN_CURLY = 123;
const CLOSE_CURLY = 125;

/** Whether the JSON in `text` (from `from` on) nests deeper than `max` (strings skipped). */
export function nestsDeeper(text: string, max: number, from = 0): boolean {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
      if (++depth > max) return true;
    } else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) depth--;
  }
  return false;
}

/** A JSON string at the start of `text` (an event's name), within its first 256 characters. */
const LEADING_STRING = /^\s*("(?:[^"\\]|\\.){0,200}")/;

/** The key that marks a message kept to its `seq` (the refusal says why). */
export const TOO_DEEP = 'tooDeep';

/** A leading `{"seq": N` of the first argument (a `data` message's, as clients write it). */
const LEADING_SEQ = /^\s*,\s*\{\s*"seq"\s*:\s*(-?\d{1,16})\s*[,}]/;

/**
 * The packet to pass on in place of `text` when it nests too deeply: its header (type,
 * attachments, namespace, ack id) and event name as they were, its arguments `null`, or
 * `{"seq": N, "tooDeep": true}` when the first argument starts with its `seq` (so that the refusal names the
 * message it refuses, and the message gets its `ok`); the text itself when it does not.
 */
export function boundedPacket(text: string, max = MAX_PACKET_DEPTH): string {
  let start = 0;
  while (start < text.length && text[start] !== '[' && text[start] !== '{') start++;
  if (!nestsDeeper(text, max, start)) return text;
  const head = text.slice(start + 1, start + 257);
  const event = LEADING_STRING.exec(head)?.[1];
  if (event === undefined) return `${text.slice(0, start)}[null]`;
  // Only a `data` message keeps its seq (an `ok` kept to its seq would acknowledge it).
  const seq =
    event === '"data"'
      ? LEADING_SEQ.exec(head.slice(head.indexOf(event) + event.length))?.[1]
      : undefined;
  const args = seq === undefined ? 'null' : `{"seq":${seq},"${TOO_DEEP}":true}`;
  return `${text.slice(0, start)}[${event},${args}]`;
}

/** Applies {@link boundedPacket} to every text message of `conn`, before Socket.IO's parse. */
export function boundPacketDepth(conn: EngineSocket): void {
  // Engine.IO emits `packet` before `data` (which Socket.IO parses), with the same object.
  conn.on('packet', (packet: { type: string; data?: unknown }) => {
    if (packet.type === 'message' && typeof packet.data === 'string')
      packet.data = boundedPacket(packet.data);
  });
}
