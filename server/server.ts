/**
 * Starting and stopping the whole server in order: store -> R -> app -> listen, and
 * back. `main.ts` and the test harness both use it, so tests run the production path.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
import { openStore, type Store } from './store/index.ts';
import { startReloadableR, type ReloadableR } from '../r/index.ts';
import { createApp, type App } from './app.ts';
import { joinCluster, sweepWhileOthersSave, type ClusterNode } from './cluster/index.ts';
import { PROJECT_ROOT } from './paths.ts';
import { privateDir } from './private-files.ts';

const ROOT = PROJECT_ROOT;

/** A listening server. */
export interface RunningServer {
  readonly app: App;
  readonly store: Store;
  /** R; `r.reload(preloadFiles(config))` takes changed extensions live (main.ts, SIGHUP). */
  readonly r: ReloadableR;
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Orderly stop: clients (bye) -> sessions -> R -> store. Idempotent. */
  stop(): Promise<void>;
}

/** The R files preloaded into Rserve: the PanthR library, then each extension. */
export function preloadFiles(config: Config): string[] {
  return [path.join(ROOT, 'r/R/panthr.R'), ...Object.values(config.extensions)];
}

/**
 * Takes the configuration's extensions live after a reload: a new Rserve with them serves
 * the sessions leased from now on, and the old one stops when its last session ends
 * (r/reload.ts). Never rejects: a failure is logged and the running R stays as it was.
 */
export async function reloadExtensions(
  server: RunningServer,
  config: Config,
  log: Logger,
): Promise<boolean> {
  try {
    await server.r.reload(preloadFiles(config));
    log.info({ extensions: Object.keys(config.extensions) }, 'extensions reloaded');
    return true;
  } catch (err) {
    log.error({ err }, 'extensions not reloaded: the new Rserve did not start; R runs as before');
    return false;
  }
}

/**
 * Reads the session secret, creating it (mode 0600) on first start. Throws when the file
 * holds nothing: express-session would then fail every request with a 500.
 */
export function loadSecret(config: Config): string {
  const file = config.session_secret_file ?? path.join(config.data_dir, 'session.secret');
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fresh = randomBytes(32).toString('base64url');
    try {
      writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another node sharing the file made it first: use theirs.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadSecret(config);
      throw e;
    }
    return fresh;
  }
  if (secret === '') {
    throw new Error(
      `the session secret file ${file} is empty: put a secret in it, or delete it to have one made`,
    );
  }
  return secret;
}

/**
 * A cluster node the store has not answered for a lease TTL holds nobody (cluster/
 * store.silence.ts): it closes every new TCP connection at once, so that nginx
 * (`proxy_next_upstream error`) passes the request to another node, until the store answers.
 */
function refuseWhileFenced(cluster: ClusterNode, http: Server): void {
  let fenced = false;
  cluster.onFence((f) => (fenced = f));
  http.on('connection', (socket: Socket) => {
    if (fenced) socket.destroy();
  });
}

/** Opens the store, starts R, builds the app and listens; undoes what it did on failure. */
export async function startServer(
  config: Config,
  log: Logger,
  options: { clientDir?: string } = {},
): Promise<RunningServer> {
  privateDir(config.data_dir);
  // Before R starts: a bad secret file should stop the start at once.
  const secret = loadSecret(config);
  let store: Store | undefined;
  let r: ReloadableR | undefined;
  let app: App | undefined;
  let cluster: ClusterNode | null = null;
  try {
    store = await openStore(
      {
        data_dir: config.data_dir,
        mongodb_url: config.mongodb_url,
        // On a cluster another node may be saving now: cluster/sweep.ts sweeps instead.
        sweep: config.cluster === null,
      },
      log,
    );
    if (config.mongodb_url === null) log.info('embedded store: this server is a single node');
    cluster = await joinCluster(config, log, store.leases);
    r = await startReloadableR(
      {
        preload: preloadFiles(config),
        log,
        warm: config.r.warm_sessions,
        max: config.r.max_sessions,
        sessionMemoryMb: config.r.session_memory_mb,
        startTimeoutMs: config.r.start_timeout * 1000,
        interruptGraceMs: Math.round(config.r.interrupt_grace * 1000),
        user: config.r.user,
        maxRestartFailures: config.r.restart_attempts,
        ...(config.r.binary === null ? {} : { binary: config.r.binary }),
      },
      // An old Rserve waits for its sessions at most as long as a connection may last.
      () => Math.min(2 ** 31 - 1, (config.max_time ?? Infinity) * 1000),
    );
    app = createApp({
      config,
      store,
      log,
      r,
      secret,
      cluster,
      ...(options.clientDir === undefined ? {} : { clientDir: options.clientDir }),
    });
    const http = app.http;
    if (cluster !== null) refuseWhileFenced(cluster, http);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    // Undo what started; a failure here is logged, the start failure is what is thrown.
    const undo = (what: string) => (e: unknown) => {
      log.warn({ err: e }, `after a failed start: could not ${what}`);
    };
    await app?.close().catch(undo('close the app'));
    await cluster?.close().catch(undo('leave the cluster'));
    await r?.stop().catch(undo('stop R'));
    await store?.close().catch(undo('close the store'));
    throw err;
  }
  const { port } = app.http.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const running = { app, store, r };
  const sweep = cluster === null ? null : sweepWhileOthersSave(store, log);
  let stopping: Promise<void> | undefined;
  return {
    ...running,
    url: `http://${host}:${port}`,
    stop() {
      // Each step runs even if an earlier one failed: no R process is left behind.
      stopping ??= (async () => {
        try {
          await running.app.close();
        } finally {
          try {
            // After the sessions ended (their leases released), before the store closes.
            sweep?.stop();
            await cluster?.close();
          } finally {
            try {
              await running.r.stop();
            } finally {
              await running.store.close();
            }
          }
        }
      })();
      return stopping;
    },
  };
}
