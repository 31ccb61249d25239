/**
 * The server's environment as scripts/start and deploy/panthr.service give it
 * (scripts/server.env: glibc's allocator settings), for benchmarks that run the server in
 * their own process: {@link runAsServer} starts the benchmark again with it when it is
 * missing, and {@link clientEnv} leaves it out of the processes that play the clients (a
 * browser has its own allocator).
 */
import { spawnSync } from 'node:child_process';
import { serverEnv } from '../../test/fixtures/server-env.ts';

/**
 * Returns when this process has the server's environment; otherwise runs this benchmark
 * again (same arguments, output passed through) with it, and exits with its status.
 */
export function runAsServer(): void {
  const env = serverEnv();
  if (Object.entries(env).every(([k, v]) => process.env[k] === v)) return;
  const argv = [...process.execArgv, ...process.argv.slice(1)];
  const r = spawnSync(process.execPath, argv, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  process.exit(r.status ?? 1);
}

/** This process's environment without the server's settings, for a client's process. */
export function clientEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(serverEnv())) delete env[k];
  return env;
}
