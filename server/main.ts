/**
 * The composition root: config -> logger -> server (store, R, app) -> listen; signals.
 * The only module that reads the environment or handles signals.
 */
import path from 'node:path';
import { ConfigError, createLiveConfig, loadConfig, type Config } from './config/index.ts';
import { createLogger, type Logger } from './log.ts';
import { RStartError } from '../r/index.ts';
import { reloadExtensions, startServer, type RunningServer } from './server.ts';
import { PROJECT_ROOT } from './paths.ts';

const ROOT = PROJECT_ROOT;
/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 20_000;
/**
 * How long the process keeps answering (with /ready at 503) after the supervisor gave up on
 * R, before it stops and exits 1 so that a service manager restarts it.
 */
const R_FAILED_EXIT_MS = 10_000;

function fail(message: string, code: number): never {
  process.stderr.write(`panthr: ${message}\n`);
  process.exit(code);
}

function configFile(): string {
  return process.env.PANTHR_CONFIG ?? path.join(ROOT, 'panthr_config.json');
}

function readConfig(): Config {
  const file = configFile();
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

/** The logger in `data_dir/logs`; a data_dir that cannot hold it is a configuration error. */
function openLog(config: Config): Logger {
  const dir = path.join(config.data_dir, 'logs');
  try {
    return createLogger({ level: config.log_level, dir });
  } catch (err) {
    fail(`data_dir: cannot write the log in ${dir}: ${(err as Error).message}`, 2);
  }
}

/**
 * SIGHUP: reads the configuration file again. Live keys apply at once (no one is dropped),
 * the other changed keys are named in one line as needing a restart, and an invalid file
 * changes nothing (its errors are logged).
 */
function reloadOnHangup(
  live: ReturnType<typeof createLiveConfig>,
  log: Logger,
  server: () => RunningServer | undefined,
): void {
  process.on('SIGHUP', () => {
    let next: Config;
    try {
      next = loadConfig(configFile());
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : String(err);
      log.error(
        { errors: message },
        'configuration not reloaded: the file is invalid; nothing changed',
      );
      return;
    }
    const { applied, needRestart } = live.reload(next);
    if (applied.includes('log_level')) log.level = live.config.log_level;
    const running = server();
    if (applied.includes('extensions') && running !== undefined) {
      void reloadExtensions(running, live.config, log);
    }
    log.info({ applied }, `configuration reloaded: ${applied.length} key(s) changed`);
    if (needRestart.length > 0) {
      log.warn(
        { keys: needRestart },
        `configuration keys that need a restart: ${needRestart.join(', ')}`,
      );
    }
  });
}

async function main(): Promise<void> {
  const live = createLiveConfig(readConfig());
  const config = live.config;
  const log = openLog(config);
  let server: RunningServer | undefined;
  reloadOnHangup(live, log, () => server);
  if (config.allow_full_r) {
    log.warn('allow_full_r is true: every logged-in user can run any R code as this server user');
  }
  let stopping = false;
  const shutdown = async (signal: string, exitCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await server?.stop();
    log.info('stopped');
    log.flush();
    process.exit(exitCode);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
  try {
    server = await startServer(config, log);
  } catch (err) {
    if (err instanceof RStartError) fail(err.message, 3);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      fail(`cannot listen on ${config.host}:${config.port} (${code})`, 4);
    }
    log.fatal({ err }, 'start failed');
    fail(`start failed: ${(err as Error).message}`, 1);
  }
  server.r.onFailed((err: unknown) => {
    log.fatal(
      { err },
      `R cannot be started again; /ready answers 503 and the server exits in ${R_FAILED_EXIT_MS / 1000} s`,
    );
    setTimeout(() => void shutdown('r_failed', 1), R_FAILED_EXIT_MS).unref();
  });
  log.info({ url: server.url }, `PanthR server listening on ${server.url}`);
}

await main();
