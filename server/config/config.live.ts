/**
 * The running configuration, re-read on SIGHUP (`systemctl reload`). Every module gets one
 * `Config` object that reads through to the current configuration, so a value read when it
 * is used (max_users at a login, timeout when a timer is armed, mail when a mail is sent)
 * follows a reload. Keys that only take effect at start are named as needing a restart and
 * keep their running value; an invalid file changes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config } from './config.schema.ts';

/** Keys a reload applies to the running server. */
export const LIVE_KEYS = [
  'name',
  'owner',
  'location',
  'timeout',
  'max_time',
  'max_users',
  'max_data',
  'compute_timeout',
  'max_queued',
  'user_validation',
  // Applied by main.ts's reload: a new Rserve for new sessions (r/reload.ts).
  'extensions',
  'mail',
  'log_level',
] as const satisfies readonly (keyof Config)[];

const LIVE = new Set<string>(LIVE_KEYS);

/** What a reload did. */
export interface ReloadOutcome {
  /** Live keys whose new value now applies. */
  readonly applied: string[];
  /** Changed keys that keep their running value until the server restarts. */
  readonly needRestart: string[];
}

/** The running configuration and how to change it. */
export interface LiveConfig {
  /** Reads through to the current configuration: hand this to every module. */
  readonly config: Config;
  /** Applies `next`'s live keys; the others are reported, not applied. */
  reload(next: Config): ReloadOutcome;
}

/** Wraps the configuration read at start. */
export function createLiveConfig(initial: Config): LiveConfig {
  let current = initial;
  const config = new Proxy({} as Config, {
    get: (_target, key) => current[key as keyof Config],
    has: (_target, key) => key in current,
    ownKeys: () => Reflect.ownKeys(current),
    getOwnPropertyDescriptor: (_target, key) => {
      const d = Reflect.getOwnPropertyDescriptor(current, key);
      return d === undefined ? undefined : { ...d, configurable: true };
    },
    set: () => false,
  });
  return {
    config,
    reload(next) {
      const applied: string[] = [];
      const needRestart: string[] = [];
      const merged: Record<string, unknown> = { ...current };
      const keys = new Set([...Object.keys(current), ...Object.keys(next)]);
      for (const key of keys) {
        const was = (current as Record<string, unknown>)[key];
        const now = (next as Record<string, unknown>)[key];
        if (isDeepStrictEqual(was, now)) continue;
        if (LIVE.has(key)) {
          merged[key] = now;
          applied.push(key);
        } else {
          needRestart.push(key);
        }
      }
      current = Object.freeze(merged) as Config;
      return { applied, needRestart };
    },
  };
}
