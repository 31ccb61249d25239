/**
 * Running as one node of several (config `cluster`, docs/operations.md): the users' leases
 * in the shared MongoDB store, Redis for Socket.IO's cross-node events (the streams
 * adapter) and for the rate limits. Nothing here is built without `cluster`, so the
 * single-node path runs none of it. The only way into server/cluster/.
 */
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { RedisStore } from 'rate-limit-redis';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Config } from '../config/index.ts';
import type { LeaseRepository } from '../store/index.ts';
import { LeaseKeeper, type LeaseKeeperDeps } from './lease.keeper.ts';
import { withDeadline } from './store.silence.ts';

/**
 * How long a rate-limited request waits for Redis. Cut off Redis (a partition: commands
 * hang, they do not fail), the account routes of this node answer 500 after this instead
 * of hanging until Redis is back.
 */
const RATE_LIMIT_WAIT_MS = 2_000;

export type { LeaseRepository } from '../store/index.ts';
export { LeaseKeeper, LeaseLostError, type Admission } from './lease.keeper.ts';
export { leasedPersistence } from './leased.persistence.ts';
export { relayAcrossNodes, type NodeRelayHandlers } from './node.relay.ts';
export { NODE_COOKIE, nodeCookie } from './affinity.ts';
export { sweepWhileOthersSave, SWEEP_AGE_MS, type PendingSweep } from './sweep.ts';
export { withDeadline } from './store.silence.ts';

/** This node's part of a cluster. */
export interface ClusterNode {
  readonly nodeId: string;
  readonly leaseTtlMs: number;
  readonly leases: LeaseRepository;
  /** Socket.IO's adapter factory over Redis streams (the `adapter` server option). */
  readonly adapter: ReturnType<typeof createAdapter>;
  /** A rate-limit store in Redis; `prefix` tells the limiters apart. */
  readonly rateLimitStore: (prefix: string) => RateLimitStore;
  /** The keeper of this node's leases, given what it asks of the sessions. */
  readonly keeper: (deps: Pick<LeaseKeeperDeps, 'active' | 'onLost'>) => LeaseKeeper;
  /**
   * Calls `listener` when the store has been silent a whole TTL (true: this node may hold
   * nobody, refuse new connections so that nginx sends them to another node) and when it
   * answers again (false).
   */
  readonly onFence: (listener: (fenced: boolean) => void) => void;
  /** Releases every lease still held, then closes Redis (the store is closed by its owner). */
  readonly close: () => Promise<void>;
}

/**
 * Connects to Redis when `config.cluster` is set, with the leases of the shared store
 * (`store.leases`); null otherwise. Rejects when Redis cannot be reached.
 */
export async function joinCluster(
  config: Config,
  log: Logger,
  leases: LeaseRepository,
): Promise<ClusterNode | null> {
  const cluster = config.cluster;
  if (cluster === null) return null;
  if (config.mongodb_url === null) throw new Error('cluster needs mongodb_url');
  const redis = createClient({ url: cluster.redis_url });
  // Without a listener an unreachable Redis would crash the process; the client reconnects.
  redis.on('error', (err: unknown) => log.warn({ err }, 'redis'));
  await redis.connect();
  const leaseTtlMs = Math.round(cluster.lease_ttl * 1000);
  const keepers: LeaseKeeper[] = [];
  const fenceListeners: ((fenced: boolean) => void)[] = [];
  log.info(
    { node: cluster.node_id, leaseTtlMs },
    'cluster node: leases in MongoDB, events in Redis',
  );
  let closing: Promise<void> | undefined;
  return {
    nodeId: cluster.node_id,
    leaseTtlMs,
    leases,
    adapter: createAdapter(redis, { streamName: 'panthr:socket.io' }),
    rateLimitStore: (prefix) =>
      new RedisStore({
        prefix: `panthr:rl:${prefix}:`,
        sendCommand: (...args: string[]) =>
          withDeadline(redis.sendCommand(args), RATE_LIMIT_WAIT_MS, 'a rate-limit count'),
      }),
    keeper(deps) {
      const keeper = new LeaseKeeper({
        ...deps,
        leases,
        nodeId: cluster.node_id,
        ttlMs: leaseTtlMs,
        log: log.child({ module: 'leases' }),
        onFence: (fenced) => {
          if (fenced) log.error('the store has not answered for a lease TTL: refusing connections');
          else log.warn('the store answers again: serving');
          for (const listener of fenceListeners) listener(fenced);
        },
      });
      keepers.push(keeper);
      return keeper;
    },
    onFence(listener) {
      fenceListeners.push(listener);
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled(keepers.map((k) => k.close()));
        await redis.quit().catch((err: unknown) => log.warn({ err }, 'redis quit'));
      })();
      return closing;
    },
  };
}
