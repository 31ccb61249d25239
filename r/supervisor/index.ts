/** The Rserve supervisor: the only way into `r/supervisor/`. */
export { RSupervisor, vectorHeapMb } from './supervisor.ts';
export { RStartError, INSTALL_HINT } from './supervisor.types.ts';
export type {
  LogFn,
  RLogger,
  RServerInfo,
  RState,
  RSupervisorEvents,
  RSupervisorOptions,
} from './supervisor.types.ts';
export { SESSION_GC_STEP, SESSION_START_CODE } from './rserve-conf.ts';
export type { RUser } from './r-user.ts';
