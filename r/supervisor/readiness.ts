/**
 * Readiness of a fresh Rserve: a real QAP1 greeting on its socket within a deadline, then
 * one session that proves the preload ran and lists the files that failed.
 */
import net from 'node:net';
import type { RAddress, RConnection } from '../qap1/index.ts';
import { GREETING_LENGTH, rAttrStrings, type RValue } from '../qap1/index.ts';
import { rQuote } from '../r-quote.ts';
import { BOOT_DONE_VAR, BOOT_ERRORS_VAR } from './rserve-conf.ts';

/** Connects once and reads the 32-byte greeting; resolves whether it is QAP1's. */
function probeGreeting(address: RAddress, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket =
      'path' in address
        ? net.createConnection(address.path)
        : net.createConnection(address.port, address.host);
    let data = Buffer.alloc(0);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < GREETING_LENGTH) return;
      done(data.toString('latin1', 0, 4) === 'Rsrv' && data.toString('latin1', 8, 12) === 'QAP1');
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

/**
 * Polls until a greeting arrives: true then, false once `deadline` (epoch ms) passed.
 * Rejects with the signal's reason when `signal` aborts (the server exited, or a stop).
 */
export async function waitForGreeting(
  address: RAddress,
  deadline: number,
  signal: AbortSignal,
): Promise<boolean> {
  for (;;) {
    signal.throwIfAborted();
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (await probeGreeting(address, Math.min(left, 1000))) return true;
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the boot script left in the Rserve parent, as seen from a fresh session. */
export interface PreloadReport {
  /** Whether the boot script ran to its end. */
  readonly done: boolean;
  /** Failed files with R's message. */
  readonly errors: readonly { readonly file: string; readonly message: string }[];
}

/** Reads the boot sentinel and the per-file errors in a fresh session. */
export async function readPreloadReport(
  connect: (address: RAddress) => Promise<RConnection>,
  address: RAddress,
  timeoutMs: number,
): Promise<PreloadReport> {
  const conn = await connect(address);
  try {
    const done = await conn.eval(
      `exists(${rQuote(BOOT_DONE_VAR)}, envir = globalenv(), inherits = FALSE)`,
      {
        timeoutMs,
      },
    );
    if (!isTrue(done)) return { done: false, errors: [] };
    const errors = await conn.eval(`get(${rQuote(BOOT_ERRORS_VAR)}, envir = globalenv())`, {
      timeoutMs,
    });
    const files = rAttrStrings(errors, 'names');
    const messages = errors.kind === 'string' ? errors.values : [];
    return {
      done: true,
      errors: messages.map((message, i) => ({ file: files[i] ?? '?', message: message ?? 'NA' })),
    };
  } finally {
    await conn.close({ cancel: true });
  }
}

function isTrue(value: RValue): boolean {
  return value.kind === 'logical' && value.values.length === 1 && value.values[0] === 1;
}
