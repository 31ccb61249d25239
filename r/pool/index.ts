/** The R session pool: the only way into `r/pool/`. */
export { RSessionPool } from './pool.ts';
export { RSession } from './session.ts';
export { DEFAULT_SESSION_INIT } from './session-factory.ts';
export type {
  AcquireOptions,
  DrainOptions,
  PoolMetrics,
  PoolState,
  ReleaseOptions,
  RSessionPoolEvents,
  RSessionPoolOptions,
} from './pool.types.ts';
