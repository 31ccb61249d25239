/**
 * `echo` (an extension, docs/api.md "Empty round trip"): the client emits `echo` with
 * `{"t": ANY}` and an acknowledgement; the server acknowledges at once with `{"t": same}`,
 * touching neither R nor the store. It is the floor a request's time is measured against
 * (bench/roundtrip.ts: the server's own overhead is a request's p50 minus the bare R
 * computation's minus this round trip's). It is not activity (like `ping`), and each
 * socket may send at most {@link ECHO_BURST} at once and {@link ECHO_PER_SECOND} a second
 * after that; past it the acknowledgement is `{"t", "error": "too_many_requests"}`.
 */
import type { Logger } from 'pino';
import { pingMessageSchema } from '../../converters/index.ts';
import { ErrorCode } from '../errors.ts';
import type { SessionMetrics } from '../sessions/index.ts';
import type { PanthRSocket } from './events.ts';

/** Echoes a socket may send in one burst (the bucket's size). */
export const ECHO_BURST = 200;
/** Echoes a second a socket may keep sending (the bucket's refill rate). */
export const ECHO_PER_SECOND = 200;

/**
 * A token bucket: `take()` is true while the caller is within `burst` at once and
 * `perSecond` over time. Time comes from `clock` (milliseconds) so tests need not wait.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token; false (and nothing taken) when none is left. */
  take(): boolean {
    const t = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Answers `echo` on one socket (see the module comment). */
export function bindEcho(
  socket: PanthRSocket,
  deps: { readonly metrics: SessionMetrics; readonly log: Logger },
): void {
  const { metrics, log } = deps;
  const bucket = new TokenBucket(ECHO_BURST, ECHO_PER_SECOND);
  let refusedLogged = false;
  socket.on('echo', (payload: unknown, ack?: unknown) => {
    // Without an acknowledgement there is nobody to answer: a client's mistake, counted.
    if (typeof ack !== 'function') return metrics.countMessage('echo', 'invalid');
    const answer = ack as (reply: Record<string, unknown>) => void;
    const parsed = pingMessageSchema.safeParse(payload);
    const t: unknown = parsed.success ? parsed.data.t : null;
    if (!bucket.take()) {
      metrics.countMessage('echo', 'limited');
      // Once per socket: a flood must not flood the log too.
      if (!refusedLogged) log.info({ socket: socket.id }, 'echo rate limit reached');
      refusedLogged = true;
      return answer({ t, error: ErrorCode.tooManyRequests });
    }
    metrics.countMessage('echo', parsed.success ? 'accepted' : 'invalid');
    answer(parsed.success ? { t } : { t, error: ErrorCode.invalidMessage });
  });
}
