/**
 * Opening a QAP1 connection: connect, check the greeting, learn the session's pid.
 */
import net from 'node:net';
import { Qap1Connection } from './client.ts';
import type { RAddress, RConnection } from './connection.types.ts';
import { RError } from './connection.types.ts';
import { checkGreeting, GREETING_LENGTH } from './protocol.ts';
import { SESSION_SETUP } from './requests.ts';

/** Options of {@link connectR}. */
export interface ConnectOptions {
  /** Milliseconds to connect, read the greeting and learn the pid (default 10000). */
  readonly connectTimeoutMs?: number;
  /**
   * Milliseconds an interrupted evaluation may take to stop before the session process is
   * killed (SIGKILL) and the connection closes (default 10000). R only notices SIGINT at its
   * interrupt checkpoints; C code that never checks must be killed.
   */
  readonly interruptGraceMs?: number;
}

/**
 * Connects to Rserve at `address`, checks the QAP1 greeting (no authentication), installs
 * the error-message handler (an attached `qap1:session` environment) and learns the
 * session's pid. Fails with RError('closed') when it cannot connect in time and
 * RError('protocol') when the peer is not an Rserve it can talk to.
 */
export async function connectR(address: RAddress, options?: ConnectOptions): Promise<RConnection> {
  const timeoutMs = options?.connectTimeoutMs ?? 10_000;
  const socket =
    'path' in address
      ? net.createConnection(address.path)
      : net.createConnection(address.port, address.host);
  if (!('path' in address)) socket.setNoDelay(true);
  const timer = setTimeout(() => {
    socket.destroy(new Error(`no Rserve greeting within ${timeoutMs} ms`));
  }, timeoutMs);
  try {
    const rest = await readGreeting(socket);
    const conn = new Qap1Connection(socket, options?.interruptGraceMs ?? 10_000);
    if (rest.length > 0) socket.unshift(rest);
    socket.resume();
    const pid = await conn.evalRaw(SESSION_SETUP);
    if (pid.kind !== 'integer' || pid.values.length !== 1) {
      throw new RError('protocol', `the session set-up answered a ${pid.kind}, not a pid`);
    }
    conn.pid = pid.values[0] ?? 0;
    return conn;
  } catch (e) {
    socket.destroy();
    if (e instanceof RError) throw e;
    throw new RError('closed', `cannot connect to Rserve: ${(e as Error).message}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the 32-byte greeting; resolves with any bytes that followed it. */
function readGreeting(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < GREETING_LENGTH) return;
      cleanup();
      socket.pause();
      const all = Buffer.concat(chunks);
      const problem = checkGreeting(all.subarray(0, GREETING_LENGTH));
      if (problem !== undefined) reject(new RError('protocol', problem));
      else resolve(all.subarray(GREETING_LENGTH));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('connection closed before the greeting'));
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}
