/**
 * The client half of bench/cpu.ts, in its own process so that its CPU is not the server's:
 * connects with the cookie it is given, sends the dataset, then on the parent's word sends
 * `warmup` + `n` descriptives requests (or, with mode `echo`, empty round trips) one at a time and reports when the measured ones begin
 * and end (IPC messages 'measure' and 'done').
 */
import { io } from 'socket.io-client';
import { TestClient } from '../../test/fixtures/users.ts';
import { benchDataset, descriptivesRequest, errorCode, timedRequest } from './panthr-bench.ts';

const [url = '', cookie = '', nArg = '1000', warmupArg = '100', mode = 'request'] =
  process.argv.slice(2);
const VARIABLES = ['x', 'y', 'z'] as const;

function tell(message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(message, (err: Error | null) => (err === null ? resolve() : reject(err)));
  });
}

function word(): Promise<void> {
  return new Promise((resolve) => process.once('message', () => resolve()));
}

async function main(): Promise<void> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie },
  });
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await client.until(() => client.received.length > 0, 20_000, 'the workspace');
  const loaded = await timedRequest(client, [benchDataset('d', 1000, VARIABLES)]);
  if (errorCode(loaded.objects) !== null) throw new Error(JSON.stringify(loaded.objects));
  const request = descriptivesRequest('bench', 'd', VARIABLES);
  let t = 0;
  const echo = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      t += 1;
      const reply = (await socket.emitWithAck('echo', { t })) as { t?: unknown; error?: unknown };
      if (reply.t !== t || reply.error !== undefined)
        throw new Error(`echo: ${JSON.stringify(reply)}`);
      // Within the server's 200 echoes a second per socket.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const requests = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const reply = await timedRequest(client, [request]);
      const report = reply.objects[0] as { result?: unknown } | undefined;
      if (report?.result === undefined) throw new Error(JSON.stringify(reply.objects));
    }
  };
  const run = mode === 'echo' ? echo : requests;
  await run(Number(warmupArg));
  await tell('warm');
  await word();
  await tell('measure');
  await run(Number(nArg));
  await tell('done');
  socket.disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
