/**
 * Child-process entry of the replay server (so its sending does not share the measured
 * client's thread): `node --import tsx replay-main.ts ANSWER_FILE`; prints the port, serves
 * until its stdin closes.
 */
import { readFile } from 'node:fs/promises';
import { replayServer } from './replay-server.ts';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: replay-main.ts ANSWER_FILE');
const server = await replayServer(await readFile(file));
process.stdout.write(`${server.port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
