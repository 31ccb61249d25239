/**
 * The server's Prometheus metrics, in a registry of its own (never prom-client's global
 * one, so two servers in one process, as in tests, do not collide).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RState } from '../../r/index.ts';

/** Live numbers the metrics read when scraped. */
export interface MetricsSources {
  readonly connectedClients: () => number;
  readonly connectedUsers: () => number;
  readonly outboundDepth: () => number;
  readonly workDepth: () => number;
  readonly rSessions: () => Record<string, number>;
  readonly rRestarts: () => number;
  readonly rState: () => RState;
}

const R_STATES: readonly RState[] = [
  'starting',
  'ready',
  'restarting',
  'stopping',
  'stopped',
  'failed',
];

/** What the sessions layer records. */
export interface SessionMetrics {
  readonly registry: Registry;
  observeRequest(type: string, outcome: string, seconds: number): void;
  countMessage(
    kind: 'data' | 'ok' | 'ping' | 'echo',
    outcome: 'accepted' | 'invalid' | 'limited',
  ): void;
}

/** Creates the registry with every metric. */
export function createMetrics(sources: MetricsSources): SessionMetrics {
  const registry = new Registry();
  let restartsSeen = 0;
  registry.setDefaultLabels({ service: 'panthr' });
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  gauge('panthr_connected_clients', 'Socket.IO clients connected now', sources.connectedClients);
  gauge(
    'panthr_connected_users',
    'Users with at least one client connected',
    sources.connectedUsers,
  );
  gauge(
    'panthr_outbound_queue_depth',
    'Server data messages awaiting a client ok',
    sources.outboundDepth,
  );
  gauge('panthr_work_queue_depth', 'Requests queued or running in R', sources.workDepth);
  new Counter({
    name: 'panthr_r_restarts_total',
    help: 'Times Rserve was restarted after dying',
    registers: [registry],
    collect() {
      // The supervisor owns the count; a counter only goes up, so add what is new.
      const now = sources.rRestarts();
      const seen = restartsSeen;
      if (now > seen) this.inc(now - seen);
      restartsSeen = Math.max(seen, now);
    },
  });
  new Gauge({
    name: 'panthr_r_state',
    help: 'The R supervisor state: 1 for the current state, 0 for the others',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const current = sources.rState();
      for (const state of R_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'panthr_r_sessions',
    help: 'R sessions by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const [state, n] of Object.entries(sources.rSessions())) this.set({ state }, n);
    },
  });
  const requests = new Histogram({
    name: 'panthr_request_duration_seconds',
    help: 'Time to run one PanthR object, by type and outcome',
    labelNames: ['type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const messages = new Counter({
    name: 'panthr_messages_total',
    help: 'Client messages received, by event and outcome',
    labelNames: ['event', 'outcome'],
    registers: [registry],
  });
  return {
    registry,
    observeRequest: (type, outcome, seconds) => requests.observe({ type, outcome }, seconds),
    countMessage: (event, outcome) => messages.inc({ event, outcome }),
  };
}
