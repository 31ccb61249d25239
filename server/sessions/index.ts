/**
 * sessions/: who is connected (user <-> socket <-> workspace <-> R session lease), limits,
 * timers, undo; the ports it needs from R, compute and the store. The only way into
 * server/sessions/.
 */
export {
  ClientConnection,
  type ByeReason,
  type ClientSocket,
  type ConnectionLimits,
} from './client.connection.ts';
export { createMetrics, type MetricsSources, type SessionMetrics } from './metrics.ts';
export type { ServerData } from './outbound.queue.ts';
export * from './ports.ts';
export { SessionManager, type ConnectionLog, type SessionManagerDeps } from './session.manager.ts';
export { errorObject, internalError, readOnlyError, type UserSessionDeps } from './user.session.ts';
