/**
 * The floor for a round trip: a minimal hand-written QAP1 eval on a bare net.Socket, with
 * no queue, no wrapping and no decoding. Also records whole answers for the replay server.
 * It does not use r/qap1/protocol.ts on purpose: a floor built from the client's own framing
 * would measure part of the client it is the baseline for.
 */
import net from 'node:net';
import type { RAddress } from '../../r/qap1/index.ts';

/** A bare QAP1 socket. */
export interface RawQap1 {
  /** Sends an eval of `code` and resolves with the whole answer (header included). */
  roundTrip(code: string): Promise<Buffer>;
  close(): void;
}

/** A CMD_eval frame for `code`: header, DT_STRING parameter. */
function evalFrame(code: string): Buffer {
  const text = Buffer.from(`${code}\0`);
  const padded = (text.length + 3) & ~3;
  const frame = Buffer.alloc(16 + 4 + padded);
  frame.writeUInt32LE(3, 0); // CMD_eval
  frame.writeUInt32LE(4 + padded, 4);
  frame.writeUInt32LE((4 | (padded << 8)) >>> 0, 16); // DT_STRING
  text.copy(frame, 20);
  return frame;
}

/** Connects and swallows the 32-byte greeting. */
export async function rawQap1(address: RAddress): Promise<RawQap1> {
  const socket =
    'path' in address ? net.connect(address.path) : net.connect(address.port, address.host);
  if (!('path' in address)) socket.setNoDelay(true);
  let chunks: Buffer[] = [];
  let have = 0;
  let skip = 32; // the greeting
  let done: { resolve: (answer: Buffer) => void; reject: (err: Error) => void } | undefined;
  let greeted: () => void = () => undefined;
  let failed: (err: Error) => void = () => undefined;
  const greeting = new Promise<void>((resolve, reject) => {
    greeted = resolve;
    failed = reject;
  });
  // A benchmark must stop with the reason, not wait forever, when Rserve goes away.
  const gone = (err: Error): void => {
    failed(err);
    done?.reject(err);
    done = undefined;
  };
  socket.on('error', gone);
  socket.on('close', () => gone(new Error('Rserve closed the connection')));
  socket.on('data', (chunk: Buffer) => {
    if (skip > 0) {
      const n = Math.min(skip, chunk.length);
      skip -= n;
      chunk = chunk.subarray(n);
      if (skip === 0) greeted();
      if (chunk.length === 0) return;
    }
    chunks.push(chunk);
    have += chunk.length;
    const first = chunks[0];
    if (first === undefined || have < 16) return;
    const head = first.length >= 16 ? first : Buffer.concat(chunks);
    const total = 16 + head.readUInt32LE(4);
    if (have < total) return;
    const all = chunks.length === 1 ? first : Buffer.concat(chunks, have);
    chunks = [];
    have = 0;
    const d = done;
    done = undefined;
    d?.resolve(all.subarray(0, total));
  });
  await greeting;
  return {
    roundTrip: (code) =>
      new Promise<Buffer>((resolve, reject) => {
        done = { resolve, reject };
        socket.write(evalFrame(code));
      }),
    close: () => socket.destroy(),
  };
}
