/**
 * Adapts the real modules (R pool, compute runtime, store) to the sessions layer's ports.
 */
import type { RegisteredKinds, RService, RState } from '../../r/index.ts';
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
  /**
   * Checks a raw object from a client against the kinds of the user's R session (null: the
   * user holds none yet, so the current Rserve's): the object, or an error object.
   */
  readonly validate: (
    raw: unknown,
    sessionKinds: RegisteredKinds | null,
  ) => StoredPanthrObject | ErrorObject;
  rSessions(): Record<string, number>;
  rRestarts(): number;
  rState(): RState;
}

/** R sessions leased from the pool; a lost session is reported to its lessee. */
function poolLeaser(r: RService): RLeaser {
  return {
    async lease(ownerId, onLost, signal) {
      // The pool of now: after an extensions reload the session goes back to the pool it
      // came from (the old Rserve's), not to the current one.
      const pool = r.pool;
      const session = await pool.acquire(ownerId, signal === undefined ? {} : { signal });
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
    // The session's own kinds: after an extensions reload (SIGHUP) a session forked from
    // the old Rserve lacks the new kinds (its R has no such function) and keeps the old
    // ones until the user reconnects; a user without a session gets the current Rserve's.
    validate: (raw, sessionKinds) => validateRaw(raw, sessionKinds, r.registered ?? {}),
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

/** A kind the current Rserve knows and the user's session does not: say how to get it. */
const RECONNECT_FOR_KIND =
  ': it came with an extension loaded after your R session started; reconnect (reload the page) to use it';

function validateRaw(
  raw: unknown,
  sessionKinds: RegisteredKinds | null,
  current: RegisteredKinds | Record<string, never>,
): StoredPanthrObject | ErrorObject {
  const v = validateObject(raw, sessionKinds ?? current);
  if (v.ok) return v.object;
  const newer =
    v.code === 'unknown_type' && sessionKinds !== null && validateObject(raw, current).ok;
  return {
    type: 'error',
    name: v.name,
    code:
      v.code === 'unknown_type'
        ? ErrorCode.unknownType
        : v.code === 'too_large'
          ? ErrorCode.tooLarge
          : ErrorCode.invalidObject,
    message: newer ? v.message + RECONNECT_FOR_KIND : v.message,
  };
}
