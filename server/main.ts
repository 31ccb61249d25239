/**
 * The composition root: config -> logger -> store -> R -> app -> listen; signals.
 * The only module that reads the environment, binds a port or handles signals.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from './config/index.ts';
import { createLogger, type Logger } from './log.ts';
import { openStore, type Store } from './store/index.ts';
import { RStartError, startR, type RService } from '../r/index.ts';
import { createApp, type App } from './app.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 20_000;

/** Reads the session secret, creating it (mode 0600) on first start. */
function loadSecret(config: Config): string {
  const file = config.session_secret_file ?? path.join(config.data_dir, 'session.secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

/** The R files preloaded into Rserve: the PanthR library, then each extension. */
export function preloadFiles(config: Config): string[] {
  return [path.join(ROOT, 'r/R/panthr.R'), ...Object.values(config.extensions)];
}

function fail(message: string, code: number): never {
  process.stderr.write(`panthr: ${message}\n`);
  process.exit(code);
}

async function listen(app: App, config: Config, log: Logger): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    app.http.once('error', reject);
    app.http.listen(config.port, config.host, () => resolve());
  });
  const { port } = app.http.address() as AddressInfo;
  log.info({ port, host: config.host }, `PanthR server listening on http://${config.host}:${port}`);
}

async function main(): Promise<void> {
  const file = process.env.PANTHR_CONFIG ?? path.join(ROOT, 'panthr_config.json');
  let config: Config;
  try {
    config = loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
  mkdirSync(config.data_dir, { recursive: true, mode: 0o750 });
  const log = createLogger({ level: config.log_level, dir: path.join(config.data_dir, 'logs') });
  if (config.allow_full_r) {
    log.warn('allow_full_r is true: every logged-in user can run any R code as this server user');
  }

  let store: Store | undefined;
  let r: RService | undefined;
  let app: App | undefined;
  const shutdown = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    timer.unref();
    await app?.close();
    await r?.stop();
    await store?.close();
    log.info('stopped');
    log.flush();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal));
  }

  try {
    store = await openStore({ data_dir: config.data_dir, mongodb_url: config.mongodb_url }, log);
    r = await startR({
      preload: preloadFiles(config),
      log,
      warm: config.r.warm_sessions,
      max: config.r.max_sessions,
      sessionMemoryMb: config.r.session_memory_mb,
      startTimeoutMs: config.r.start_timeout * 1000,
    });
    app = createApp({ config, store, log, r, secret: loadSecret(config) });
    await listen(app, config, log);
  } catch (err) {
    await r?.stop().catch(() => undefined);
    await store?.close().catch(() => undefined);
    if (err instanceof RStartError) fail(err.message, 3);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      fail(`cannot listen on ${config.host}:${config.port}: ${code}`, 4);
    }
    log.fatal({ err }, 'start failed');
    fail(`start failed: ${(err as Error).message}`, 1);
  }
}

await main();
