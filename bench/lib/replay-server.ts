/**
 * A fake Rserve on 127.0.0.1 that greets, answers `Sys.getpid()` with 0, and answers every
 * other request with one recorded response. Both clients then receive identical bytes with
 * no R work in between, so the time measured is the client's own framing and decoding.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSEXP, rInteger } from '../../r/qap1/index.ts';
import {
  DT,
  itemHeaderLength,
  MessageAssembler,
  messageHeader,
  RESP_OK,
  writeItemHeader,
} from '../../r/qap1/protocol.ts';

const GREETING = Buffer.from('Rsrv0103QAP1\r\n\r\n--------------\r\n', 'latin1');

/** A running replay server. */
export interface ReplayServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `response` (a whole QAP1 message, header included) to every eval. */
export async function replayServer(response: Buffer): Promise<ReplayServer> {
  const sexp = encodeSEXP(rInteger([0]));
  const param = Buffer.alloc(itemHeaderLength(sexp.length));
  writeItemHeader(param, 0, DT.sexp, sexp.length);
  const pid = Buffer.concat([messageHeader(RESP_OK, param.length + sexp.length), param, sexp]);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    const assembler = new MessageAssembler((m) => {
      socket.write(m.payload.includes('Sys.getpid') ? pid : response);
    });
    socket.on('data', (chunk: Buffer) => assembler.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.write(GREETING);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs {@link replayServer} in a child process; `close()` ends it. */
export async function spawnReplayServer(response: Buffer): Promise<ReplayServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qap1-replay-'));
  const file = path.join(dir, 'answer.bin');
  await writeFile(file, response);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./replay-main.ts', import.meta.url)), file],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`replay server exited (${code})`)));
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  return {
    port,
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
