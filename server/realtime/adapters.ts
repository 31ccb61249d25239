/**
 * Adapts the real modules (R pool, compute runtime, store) to the sessions layer's ports.
 */
import type { RService, RState } from '../../r/index.ts';
import { validateObject, type StoredPanthrObject } from '../../converters/index.ts';
import { WorkspaceRuntime } from '../compute/index.ts';
import type { Config } from '../config/index.ts';
import type { Store } from '../store/index.ts';
import { ErrorCode } from '../errors.ts';
import type {
  ConnectionLog,
  ErrorObject,
  RLeaser,
  RuntimeFactory,
  WorkspacePersistence,
} from '../sessions/index.ts';
import { storeConnectionLog, storePersistence } from './store.adapter.ts';

/** Every port the session manager needs, plus live R numbers for /metrics. */
export interface Ports {
  readonly leaser: RLeaser;
  readonly runtimes: RuntimeFactory;
  readonly persistence: WorkspacePersistence;
  readonly connectionLog: ConnectionLog;
  /** Checks a raw object from a client: the object, or an error object in its place. */
  readonly validate: (raw: unknown) => StoredPanthrObject | ErrorObject;
  rSessions(): Record<string, number>;
  rRestarts(): number;
  rState(): RState;
}

/** R sessions leased from the pool; a lost session is reported to its lessee. */
function poolLeaser(r: RService): RLeaser {
  return {
    async lease(ownerId, onLost) {
      // The pool of now: after an extensions reload the session goes back to the pool it
      // came from (the old Rserve's), not to the current one.
      const pool = r.pool;
      const session = await pool.acquire(ownerId);
      // The compute layer talks to the connection directly: count the session as used
      // now, so the pool never hands it to anyone else.
      session.markUsed();
      session.onLost((error) => onLost(error.message));
      return {
        conn: session.connection,
        release: () => pool.release(session),
      };
    },
  };
}

/** Builds the ports over the real modules. */
export function createPorts(deps: { config: Config; store: Store; r: RService }): Ports {
  const { config, r } = deps;
  // Getters: a configuration reload (SIGHUP) changes them for the next request.
  const runtimeOptions = {
    get maxData() {
      return config.max_data;
    },
    allowFullR: config.allow_full_r,
    get computeTimeoutMs() {
      return config.compute_timeout * 1000;
    },
  };
  return {
    leaser: poolLeaser(r),
    runtimes: {
      // The compute layer's runtime is the sessions layer's port as it is: one object type.
      load: (conn, objects) => WorkspaceRuntime.load(conn, objects, runtimeOptions),
    },
    // Read at each call: an extensions reload (SIGHUP) changes the kinds R knows.
    validate: (raw) => validateRaw(raw, r.registered ?? {}),
    persistence: storePersistence(deps.store),
    connectionLog: storeConnectionLog(deps.store),
    rSessions: () => {
      const m = r.pool.metrics();
      return { idle: m.idle, leased: m.leased, starting: m.starting, closing: m.closing };
    },
    rRestarts: () => r.metrics().restarts,
    rState: () => r.metrics().state,
  };
}

function validateRaw(
  raw: unknown,
  kinds: Parameters<typeof validateObject>[1],
): StoredPanthrObject | ErrorObject {
  const v = validateObject(raw, kinds);
  if (v.ok) return v.object;
  return {
    type: 'error',
    name: v.name,
    code:
      v.code === 'unknown_type'
        ? ErrorCode.unknownType
        : v.code === 'too_large'
          ? ErrorCode.tooLarge
          : ErrorCode.invalidObject,
    message: v.message,
  };
}
