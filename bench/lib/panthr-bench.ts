/**
 * Helpers shared by the realtime benchmarks: a seeded dataset, timed requests over a
 * connected client, accounts made concurrently, and the memory of a process group.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { TestServer } from '../../test/fixtures/server.ts';
import { uniform } from '../../test/fixtures/compute/datasets.ts';
import { freePort } from '../../test/fixtures/rserve-process.ts';
import { createUser, type TestClient, type TestUser } from '../../test/fixtures/users.ts';
import { now, since } from './stats.ts';

export { freePort };

/** A PanthR dataset of `rows` rows and scalar variables `names` (about 1% missing). */
export function benchDataset(
  name: string,
  rows: number,
  names: readonly string[],
  seed = 1,
): { type: 'dataset'; name: string; variables: Record<string, unknown>[] } {
  const rnd = uniform(seed);
  return {
    type: 'dataset',
    name,
    variables: names.map((v, j) => ({
      type: 'vector',
      name: v,
      variableType: 'scalar',
      values: Array.from({ length: rows }, () =>
        rnd() < 0.01 ? null : Math.round((rnd() * 100 + j * 10) * 1000) / 1000,
      ),
    })),
  };
}

/** A descriptives report request. */
export function descriptivesRequest(
  name: string,
  dataset: string,
  variables: readonly string[],
): Record<string, unknown> {
  return { type: 'report', name, reportType: 'descriptives', dataset, variables: [...variables] };
}

/** The reply to one request and how long it took (send to reply, in ms). */
export interface Timed {
  readonly ms: number;
  readonly objects: Record<string, unknown>[];
}

/**
 * Sends `objects` as one `data` message and resolves with the reply's objects and the
 * round-trip time; rejects after `timeoutMs` or when the connection drops first.
 */
export function timedRequest(
  client: TestClient,
  objects: readonly unknown[],
  timeoutMs = 30_000,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const socket = client.socket;
    let seq = -1;
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('disconnect', onDisconnect);
    };
    const onData = (m: { replyTo: number | null; objects: Record<string, unknown>[] }): void => {
      if (m.replyTo !== seq) return;
      cleanup();
      resolve({ ms: since(started), objects: m.objects });
    };
    const onDisconnect = (reason: string): void => {
      cleanup();
      reject(new Error(`disconnected: ${reason}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData);
    socket.on('disconnect', onDisconnect);
    const started = now();
    seq = client.send([...objects]);
  });
}

/** Whether a reply holds an error object (its code), or null. */
export function errorCode(objects: readonly Record<string, unknown>[]): string | null {
  const e = objects.find((o) => o.type === 'error');
  return e === undefined ? null : String(e.code);
}

/** Runs `fn` on every item with at most `limit` running at once; results in item order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * `n` verified, logged-in users, `concurrency` at a time, each registering, verifying and logging in
 * from its own address (`X-Forwarded-For: 10.x.y.z`; the server must run with
 * `trust_proxy: 1`), so that the per-address limits on /register, /verify and /login
 * allow hundreds of accounts (the logins went from one address and stopped near 300).
 */
export function createUsersFromOwnAddresses(
  ts: TestServer,
  n: number,
  concurrency = 8,
): Promise<TestUser[]> {
  return mapLimit(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    (i) =>
      createUser(ts, 'load', {
        'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      }),
  );
}

/** Memory of a set of processes, in MB: resident (RSS) and proportional (PSS, shared pages split). */
export interface GroupMemory {
  readonly processes: number;
  readonly rssMb: number;
  readonly pssMb: number;
}

/**
 * Sums the memory of the live processes of group `pgid` named `comm` (Linux /proc). Reads
 * asynchronously (libuv's pool), so sampling does not stall the server's event loop.
 */
export async function groupMemory(pgid: number, comm: string): Promise<GroupMemory> {
  const one = async (entry: string): Promise<{ rss: number; pss: number } | null> => {
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // After the command (which may hold spaces) in parentheses: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(fields[2]) !== pgid || fields[0] === 'Z' || name !== comm) return null;
      const rollup = await readFile(`/proc/${entry}/smaps_rollup`, 'utf8');
      return {
        rss: Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0),
        pss: Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0),
      };
    } catch {
      return null; // the process exited while we read it
    }
  };
  const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  const found = (await Promise.all(entries.map(one))).filter((x) => x !== null);
  return {
    processes: found.length,
    rssMb: found.reduce((a, x) => a + x.rss, 0) / 1024,
    pssMb: found.reduce((a, x) => a + x.pss, 0) / 1024,
  };
}
