/**
 * One connected client (a browser tab): its outbound queue and its limits. Inactivity is
 * measured from the later of the last `data` it sent and the end of its last computation;
 * a running computation is not idle, and pings are not activity (API.md §2).
 */
import type { Logger } from 'pino';
import {
  binaryToJson,
  mapBinaryValues,
  mapValuesKeys,
  textCodes,
  wireCodes,
} from '../../converters/index.ts';
import { OutboundQueue, type ServerData } from './outbound.queue.ts';

/**
 * Why the server ended a connection; `timeout`, `max_time`, `shutdown`, `revoked` (a token
 * or share was removed) and `password_changed` are API.md's, `backlog` (the client stopped
 * acknowledging), `unavailable` (its workspace could not be opened) and `moved` (on a
 * cluster, another node took the user over: reconnect) our own.
 */
export type ByeReason =
  | 'timeout'
  | 'max_time'
  | 'shutdown'
  | 'backlog'
  | 'unavailable'
  | 'revoked'
  | 'password_changed'
  | 'moved';

/** The part of a Socket.IO socket a connection uses. */
export interface ClientSocket {
  readonly id: string;
  emit(event: 'data', payload: ServerData): unknown;
  emit(event: 'ok', payload: { seq: number }): unknown;
  emit(event: 'ping', payload: Record<string, unknown>): unknown;
  emit(event: 'bye', payload: { reason: ByeReason }): unknown;
  disconnect(close?: boolean): unknown;
  /** Socket.IO's handshake; `auth.binaryValues: true` asks for binary scalar values. */
  readonly handshake?: { readonly auth?: Readonly<Record<string, unknown>> };
}

/**
 * A `data` message in the form this client reads: scalar values the workspace holds as
 * binary stay binary for a client that asked for them at the handshake (Socket.IO sends
 * them as attachments, no copy), and long text values go to it coded (converters'
 * text-codes.ts: a few strings and int32 codes, not JSON of every string); any other
 * client gets JSON values (docs/api.md).
 */
function messageForClient(message: ServerData, binaryValues: boolean): ServerData {
  if (!binaryValues) return mapBinaryValues(message, binaryToJson);
  return mapValuesKeys(message, (values) => {
    const coded = textCodes(values);
    return coded === null ? values : wireCodes(coded);
  });
}

/** Limits of one connection, in milliseconds. */
export interface ConnectionLimits {
  readonly timeoutMs: number;
  readonly maxTimeMs: number | null;
  /** Outbound messages waiting for `ok` before the client is disconnected. */
  readonly maxOutbound: number;
}

/** setTimeout's largest delay; longer limits are re-armed. */
const MAX_DELAY = 2 ** 31 - 1;

/** A connected client. */
export class ClientConnection {
  readonly outbound: OutboundQueue;
  readonly openedAt = Date.now();
  /** Messages received, for the connection log. */
  messages = 0;
  /** Settles once the client's first `data` (its workspace) is queued; replies wait for it. */
  ready: Promise<void> = Promise.resolve();
  private lastActivity = Date.now();
  /** Client messages received and queued whose `ok` is not written yet. */
  private readonly pendingOks: number[] = [];
  private okTimer: NodeJS.Immediate | undefined;
  private running = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private lifeTimer: NodeJS.Timeout | undefined;
  private closedWith: ByeReason | 'disconnected' | undefined;

  constructor(
    readonly socket: ClientSocket,
    readonly userId: string,
    readonly address: string,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
  ) {
    const binaryValues = socket.handshake?.auth?.binaryValues === true;
    this.outbound = new OutboundQueue(
      (m) => {
        // An `ok` always precedes the data that follows it (API.md §2).
        this.flushOks();
        socket.emit('data', messageForClient(m, binaryValues));
      },
      {
        maxMessages: limits.maxOutbound,
        onOverflow: () => this.bye('backlog'),
      },
    );
    this.armIdle(limits.timeoutMs);
    if (limits.maxTimeMs !== null) this.armLife(limits.maxTimeMs);
  }

  /** Why it closed, once closed. */
  get closeReason(): ByeReason | 'disconnected' | undefined {
    return this.closedWith;
  }

  /**
   * Answers `ok {seq}` for the client's `data` message `seq`, once that message is queued.
   * Written in the next turn of the event loop rather than at once: by then the request's
   * first step (its call to R) is on its way, so the frame's encoding and socket write
   * overlap R's computation instead of preceding it (issue 16). Any `data` or `bye` sent
   * before then writes the pending `ok`s first, so an `ok` still precedes its reply.
   */
  acknowledge(seq: number): void {
    this.pendingOks.push(seq);
    this.okTimer ??= setImmediate(() => this.flushOks());
  }

  /** Writes the pending `ok`s, in order. */
  private flushOks(): void {
    for (const seq of this.takeOks()) this.socket.emit('ok', { seq });
  }

  /** The pending `ok`s, no longer pending (their timer stopped). */
  private takeOks(): number[] {
    if (this.okTimer !== undefined) clearImmediate(this.okTimer);
    this.okTimer = undefined;
    return this.pendingOks.splice(0);
  }

  /** The client sent `data`. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /** A computation for this client started; returns the function that ends it. */
  beginWork(): () => void {
    this.running += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running -= 1;
      this.lastActivity = Date.now();
    };
  }

  /** Tells the client why, then disconnects it. Idempotent. */
  bye(reason: ByeReason): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.stopTimers();
    this.log.info({ socket: this.socket.id, reason }, 'disconnecting client');
    this.flushOks();
    this.socket.emit('bye', { reason });
    // engine.io flushes the bye packet before it closes the transport.
    this.socket.disconnect(true);
  }

  /** The socket closed (by either side). */
  closed(): void {
    this.closedWith ??= 'disconnected';
    this.stopTimers();
    this.takeOks(); // nobody is left to read them
  }

  private armIdle(delay: number): void {
    this.idleTimer = setTimeout(() => this.checkIdle(), Math.min(Math.max(delay, 0), MAX_DELAY));
    this.idleTimer.unref();
  }

  private checkIdle(): void {
    if (this.closedWith !== undefined) return;
    const idleFor = Date.now() - this.lastActivity;
    if (this.running > 0) this.armIdle(this.limits.timeoutMs);
    else if (idleFor >= this.limits.timeoutMs) this.bye('timeout');
    else this.armIdle(this.limits.timeoutMs - idleFor);
  }

  private armLife(remaining: number): void {
    const delay = Math.min(remaining, MAX_DELAY);
    this.lifeTimer = setTimeout(() => {
      if (remaining > delay) this.armLife(remaining - delay);
      else this.bye('max_time');
    }, delay);
    this.lifeTimer.unref();
  }

  private stopTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.lifeTimer);
  }
}
