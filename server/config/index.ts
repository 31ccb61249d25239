/** The configuration: schema, defaults, loading. */
export { configSchema, type Config } from './config.schema.ts';
export { ConfigError, loadConfig, parseConfig } from './config.load.ts';
export { createLiveConfig, LIVE_KEYS, type LiveConfig, type ReloadOutcome } from './config.live.ts';
