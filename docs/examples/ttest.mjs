#!/usr/bin/env node
/* global console, process */
// Uploads a CSV to a PanthR server and runs a t-test, with a personal access token (API 1.1).
// Usage: PANTHR_URL=https://stats.example.org PANTHR_TOKEN=pat_... node ttest.mjs data.csv y group
// The token needs the "compute" scope (create one under Account > Access tokens).
import { readFileSync } from 'node:fs';
import { io } from 'socket.io-client';

const [file, y, group] = process.argv.slice(2);
const url = process.env.PANTHR_URL ?? 'http://localhost';
const token = process.env.PANTHR_TOKEN;
if (!file || !y || !token) {
  console.error('usage: PANTHR_URL=... PANTHR_TOKEN=... node ttest.mjs FILE.csv Y [GROUP]');
  process.exit(2);
}

const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
let seq = 0;
const waiting = new Map();

// Every server `data` is acknowledged (the server sends the next one after the ok);
// a reply to one of ours settles the request that sent it.
socket.on('data', (message) => {
  socket.emit('ok', { seq: message.seq });
  waiting.get(message.replyTo)?.(message.objects);
});
socket.on('bye', ({ reason }) => console.error(`server said bye: ${reason}`));
socket.on('connect_error', (err) => {
  console.error(`connection refused: ${err.message}`);
  process.exit(1);
});

function request(objects) {
  seq += 1;
  const mine = seq;
  return new Promise((resolve) => {
    waiting.set(mine, resolve);
    socket.emit('data', { seq: mine, objects });
  });
}

function check([result]) {
  if (result.type === 'error') throw new Error(`${result.code}: ${result.message}`);
  return result;
}

socket.on('connect', async () => {
  try {
    const text = readFileSync(file, 'utf8');
    check(await request([{ type: 'command', name: 'data', command: 'read', format: 'csv', text }]));
    const variables = group ? [y, group] : [y];
    const test = check(
      await request([{ type: 'test', name: 'ttest', test: 't.test', dataset: 'data', variables }]),
    );
    const { method, statistic, df, p_value: p } = test.result;
    console.log(JSON.stringify({ method, statistic, df, p_value: p }));
  } catch (err) {
    console.error(err.message);
    process.exitCode = 1;
  } finally {
    socket.close();
  }
});
