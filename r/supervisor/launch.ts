/**
 * One Rserve generation: write its files, spawn it under the watchdog, wait for the QAP1
 * greeting and check the preload. Any failure tears the generation down before it throws.
 */
import { constants } from 'node:fs';
import { access, rm, writeFile } from 'node:fs/promises';
import type { RAddress, RConnection } from '../qap1/index.ts';
import { OutputDrain } from './output-drain.ts';
import { spawnWatchdog, stopGroup, type WatchdogChild } from './process-group.ts';
import { readPreloadReport, waitForGreeting } from './readiness.ts';
import { bootScript, rserveConf, socketPath, type PrivateLayout } from './rserve-conf.ts';
import { dropPrefix, giveTo, type RUser } from './r-user.ts';
import { INSTALL_HINT, RStartError, type RLogger, type RServerInfo } from './supervisor.types.ts';

/** What a launch needs. */
export interface LaunchParams {
  readonly layout: PrivateLayout;
  readonly generation: number;
  readonly preload: readonly string[];
  readonly rBinary: string;
  readonly rserveBinary: string;
  readonly env: Readonly<Record<string, string>>;
  readonly startTimeoutMs: number;
  readonly log: RLogger;
  readonly connect: (address: RAddress) => Promise<RConnection>;
  /** The user R runs as (the server is root); undefined: the server's own user. */
  readonly runAs: RUser | undefined;
  /** util-linux's setpriv, used with `runAs`. */
  readonly setpriv: string;
}

/** A running generation. `exited` resolves once the watchdog (so Rserve) has exited. */
export interface Generation {
  readonly info: RServerInfo;
  readonly child: WatchdogChild;
  readonly stderr: OutputDrain;
  readonly startedAt: number;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Fails with an RStartError unless R, Rserve and every preload file are there. */
export async function checkFiles(
  p: Pick<LaunchParams, 'rBinary' | 'rserveBinary' | 'preload'>,
): Promise<void> {
  for (const [what, file] of [
    ['R', p.rBinary],
    ['Rserve', p.rserveBinary],
  ] as const) {
    try {
      await access(file, constants.X_OK);
    } catch (err) {
      throw new RStartError(`${what} was not found at ${file}`, INSTALL_HINT, { cause: err });
    }
  }
  for (const file of p.preload) {
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      throw new RStartError(
        `the R preload file ${file} cannot be read`,
        'Check the path (the PanthR library, or an extension in the configuration)',
        { cause: err },
      );
    }
  }
}

/** Starts one generation and resolves when it is ready; see the file comment. */
export async function launch(p: LaunchParams, signal: AbortSignal): Promise<Generation> {
  const socket = socketPath(p.layout.dir, p.generation);
  // Rserve reads its configuration as root, before it drops root; R sources the boot
  // script after, so that one belongs to R's user.
  await writeFile(p.layout.conf, rserveConf(p.layout, socket, p.runAs), { mode: 0o600 });
  await writeFile(p.layout.boot, bootScript(p.preload), { mode: 0o600 });
  if (p.runAs !== undefined) await giveTo(p.runAs, [p.layout.boot]);
  await rm(socket, { force: true });
  const command = [
    ...(p.runAs === undefined ? [] : dropPrefix(p.setpriv)),
    p.rBinary,
    'CMD',
    p.rserveBinary,
    '--no-save',
    '--silent',
    '--RS-conf',
    p.layout.conf,
  ];
  const child = spawnWatchdog(p.layout.dir, command, p.env);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, sig) => resolve({ code, signal: sig }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  // The life line must never throw into the process when the watchdog is gone.
  child.stdin.on('error', () => undefined);
  const pgid = child.pid ?? 0;
  new OutputDrain(child.stdout, p.log, 'stdout', p.generation);
  const stderr = new OutputDrain(child.stderr, p.log, 'stderr', p.generation);
  const generation: Generation = {
    info: { path: socket, pgid, generation: p.generation },
    child,
    stderr,
    startedAt: Date.now(),
    exited,
  };
  try {
    if (pgid === 0) throw new RStartError('cannot run /bin/sh to start R', INSTALL_HINT);
    await becomeReady(p, generation, signal);
    return generation;
  } catch (err) {
    await teardown(generation, 0);
    throw asStartError(err, generation);
  }
}

async function becomeReady(p: LaunchParams, g: Generation, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + p.startTimeoutMs;
  const local = new AbortController();
  const onAbort = (): void => local.abort(signal.reason);
  signal.addEventListener('abort', onAbort);
  void g.exited.then(({ code, signal: sig }) => {
    local.abort(
      new RStartError(
        `Rserve exited during start (${describeExit(code, sig)})${tailText(g)}`,
        INSTALL_HINT,
      ),
    );
  });
  try {
    if (!(await waitForGreeting({ path: g.info.path }, deadline, local.signal))) {
      throw new RStartError(
        `Rserve did not answer within ${p.startTimeoutMs} ms${tailText(g)}`,
        'Check that R and Rserve work (apt-get install r-base-core r-cran-rserve), or raise r.start_timeout',
      );
    }
    const report = await readPreloadReport(
      p.connect,
      { path: g.info.path },
      Math.max(1000, deadline - Date.now()),
    );
    local.signal.throwIfAborted();
    if (!report.done) {
      throw new RStartError(`the R preload script did not run${tailText(g)}`, 'Check R and Rserve');
    }
    if (report.errors.length > 0) {
      const list = report.errors.map((e) => `${e.file}: ${e.message}`).join('; ');
      // As root, R reads the files as its own user: a file in a private folder is unreadable.
      const reader =
        p.runAs === undefined ? '' : ` (R runs as ${p.runAs.name}: it must be able to read it)`;
      throw new RStartError(
        `R could not load ${report.errors.length === 1 ? 'a preload file' : 'preload files'}: ${list}`,
        `Fix the file or remove it from the configuration${reader}`,
      );
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Stops a generation's process group and lets go of its life line; how its watchdog exited. */
export async function teardown(
  g: Generation,
  graceMs: number,
): Promise<{ code: number | null; signal: string | null }> {
  if (g.info.pgid > 1) await stopGroup(g.info.pgid, graceMs);
  g.child.stdin.destroy();
  const exit = await Promise.race([
    g.exited,
    new Promise<null>((resolve) => setTimeout(resolve, 2000, null)),
  ]);
  await rm(g.info.path, { force: true });
  // Not seen to exit within the wait: report what was sent last.
  return exit ?? { code: null, signal: 'SIGKILL' };
}

function asStartError(err: unknown, g: Generation): Error {
  if (err instanceof RStartError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RStartError(`R did not start: ${message}${tailText(g)}`, INSTALL_HINT, { cause: err });
}

function tailText(g: Generation): string {
  const lines = g.stderr.tail().slice(-5);
  return lines.length === 0 ? '' : ` (R said: ${lines.join(' | ')})`;
}

/** A process exit in words. */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal !== null) return `signal ${signal}`;
  if (code === 127) return 'status 127: a command was not found';
  return `status ${code ?? '?'}`;
}
