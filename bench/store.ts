/**
 * Store benchmarks, each a ratio against a baseline measured in the same run:
 * 1. Workspaces: saving and loading a 1 MB workspace (100 objects of ~10 KB) with the
 *    embedded store vs a plain JSON file written with fsync / read and parsed; and saving
 *    one changed object vs rewriting that whole file (what a file-per-workspace design does).
 * 2. Logins per second, reported apart: argon2id (@node-rs/argon2, default parameters)
 *    dominates; the store's own share of a login (find the user, store the session) is
 *    measured separately.
 * Run: `npx tsx bench/store.ts` (about 20 s; temp dirs only).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import type { SessionData } from 'express-session';
import {
  createWorkspace,
  loadObjects,
  openEmbeddedStore,
  saveObject,
  StoreSessionStore,
  type EmbeddedStore,
  type WorkspaceObject,
} from '../server/store/index.ts';
import { ms, percentile, timeRuns } from './lib/stats.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The store below runs with libuv's pool as the server has it (scripts/start).
await asProductionRuns();

const RUNS = 7;
const median = (xs: readonly number[]): number => percentile(xs, 50);

/** 100 dataset-like objects of about 10 KB each: 1 MB of JSON. */
function workspaceObjects(): WorkspaceObject[] {
  return Array.from({ length: 100 }, (_, i) => ({
    name: `d${i}`,
    type: 'dataset',
    variables: [
      {
        name: 'x',
        values: Array.from({ length: 1200 }, (_, j) => Math.round(Math.sin(i + j) * 1e6) / 1e3),
      },
    ],
  }));
}

/** The baseline: the whole workspace as one JSON file, written and fsynced. */
async function writeJsonFile(file: string, objects: readonly WorkspaceObject[]): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(JSON.stringify(objects));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function row(label: string, store: number, file: number): void {
  const ratio = store / file;
  console.log(
    `${label.padEnd(44)} store ${ms(store).padStart(10)}   json file ${ms(file).padStart(10)}   store/file ${ratio.toFixed(2)}x`,
  );
}

async function workspaceBench(store: EmbeddedStore, dir: string): Promise<void> {
  const objects = workspaceObjects();
  const bytes = Buffer.byteLength(JSON.stringify(objects));
  console.log(
    `\n1. Workspace of ${objects.length} objects, ${(bytes / 1e6).toFixed(2)} MB of JSON (median of ${RUNS})`,
  );
  const file = join(dir, 'workspace.json');

  let run = 0;
  const saveAll = await timeRuns(async () => {
    // a name once per user (a store rule): one workspace per run
    const ws = await createWorkspace(store, 'bench', `w${++run}`);
    for (const object of objects) await saveObject(store, ws._id, object);
  }, RUNS);
  const writeAll = await timeRuns(() => writeJsonFile(file, objects), RUNS);
  row('save the whole workspace (durable)', median(saveAll), median(writeAll));

  const ws = await createWorkspace(store, 'bench', 'loaded');
  for (const object of objects) await saveObject(store, ws._id, object);
  let n = 0;
  const saveOne = await timeRuns(
    () => saveObject(store, ws._id, { ...objects[n++ % 100]!, v: n }),
    RUNS * 5,
  );
  const rewrite = await timeRuns(() => writeJsonFile(file, objects), RUNS * 5);
  row('save one changed object (durable)', median(saveOne), median(rewrite));

  let loaded = 0;
  const load = await timeRuns(
    async () => (loaded = (await loadObjects(store, ws._id)).length),
    RUNS,
  );
  const read = await timeRuns(
    async () => JSON.parse(await readFile(file, 'utf8')) as unknown,
    RUNS,
  );
  if (loaded !== objects.length) throw new Error(`loaded ${loaded} objects`);
  row('load the whole workspace', median(load), median(read));
}

/**
 * Logins per second: argon2id verification (the password check) alone, sequential and with
 * two in parallel (2 cores), and the store's share of a login (the user's lookup by email,
 * the session write), reported apart.
 */
async function loginBench(store: EmbeddedStore): Promise<void> {
  console.log('\n2. Logins (reported apart: argon2id dominates)');
  const password = 'correct horse battery staple';
  const hashed = await hash(password);
  const hashing = await timeRuns(() => hash(password), RUNS);
  const verifying = await timeRuns(() => verify(hashed, password), RUNS);
  const pairs = await timeRuns(
    () => Promise.all([verify(hashed, password), verify(hashed, password)]),
    RUNS,
  );
  console.log(`argon2id hash (registration)            ${ms(median(hashing))}`);
  console.log(
    `argon2id verify (login)                 ${ms(median(verifying))}  -> ${(1000 / median(verifying)).toFixed(1)} logins/s on one core`,
  );
  console.log(
    `two verifies in parallel                ${ms(median(pairs))}  -> ${(2000 / median(pairs)).toFixed(1)} logins/s on two`,
  );

  for (let i = 0; i < 1000; i += 1) {
    await store.accounts.createUser({
      _id: randomUUID(),
      email: `user${i}@example.org`,
      passwordHash: hashed,
      verified: true,
      createdAt: new Date(),
      currentWorkspace: 'w',
    });
  }
  const sessions = new StoreSessionStore(store);
  let i = 0;
  const storeShare = await timeRuns(
    async () => {
      const user = await store.accounts.findByEmail(`user${i++ % 1000}@example.org`);
      if (user === null) throw new Error('user not found');
      const data = {
        cookie: { expires: new Date(Date.now() + 3_600_000) },
        passport: { user: user._id },
      };
      await sessions.setSession(randomUUID(), data as unknown as SessionData);
    },
    200,
    10,
  );
  console.log(
    `store share of a login (find + session)  ${ms(median(storeShare))}  (p95 ${ms(percentile(storeShare, 95))}; ${((median(storeShare) / median(verifying)) * 100).toFixed(1)}% of a verify)`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'panthr-bench-store-'));
  const store = await openEmbeddedStore(join(dir, 'data'), { sweepEveryMs: 0 });
  try {
    console.log(
      `Store benchmark: embedded SQLite (WAL, synchronous=FULL) vs a JSON file + fsync, in ${tmpdir()}`,
    );
    await workspaceBench(store, dir);
    await loginBench(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * 3. (accounts) Logins over real HTTP, end to end: POST /login against the whole server
 * (express, session store, passport, argon2id) sequentially and 4 at a time, and logins by
 * a remember-me cookie (no argon2: the token rotation and the session write), each against
 * argon2id verify alone measured in the same run.
 */
async function httpLoginBench(): Promise<void> {
  const { parseConfig } = await import('../server/config/index.ts');
  const { silentLogger } = await import('../server/log.ts');
  const { startServer } = await import('../server/server.ts');
  const dir = mkdtempSync(join(tmpdir(), 'panthr-bench-login-'));
  const config = parseConfig({
    port: 0,
    host: '127.0.0.1',
    data_dir: dir,
    mail: null,
    r: { warm_sessions: 0 },
  });
  const server = await startServer(config, silentLogger());
  try {
    const email = 'bench@example.org';
    const password = 'correct horse battery staple';
    const post = (body: unknown, cookie?: string) =>
      fetch(`${server.url}/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(cookie === undefined ? {} : { cookie }),
        },
        body: JSON.stringify(body),
      });
    const reg = await fetch(`${server.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
    await server.store.accounts.markVerified(
      (await server.store.accounts.findByEmail(email))?._id ?? '',
    );
    const login = async (): Promise<Response> => {
      const res = await post({ email, password, remember: true });
      if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      return res;
    };
    const hashed = (await server.store.accounts.findByEmail(email))?.passwordHash ?? '';
    const verifying = await timeRuns(() => verify(hashed, password), 15);
    const sequential = await timeRuns(login, 30, 2);
    const parallelStart = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let k = 0; k < 10; k++) await login();
      }),
    );
    const parallelMs = performance.now() - parallelStart;

    let remember = decodeURIComponent(
      /panthr_remember=([^;]*)/.exec((await login()).headers.getSetCookie().join('\n'))?.[1] ?? '',
    );
    const byCookie = await timeRuns(
      async () => {
        const res = await fetch(`${server.url}/api/v1/preferences`, {
          headers: { cookie: `panthr_remember=${encodeURIComponent(remember)}` },
        });
        const next = /panthr_remember=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1];
        if (res.status !== 200 || next === undefined)
          throw new Error(`remember login: ${res.status}`);
        remember = decodeURIComponent(next);
        await res.arrayBuffer();
      },
      50,
      3,
    );

    const v = median(verifying);
    const s = median(sequential);
    console.log('\n3. Logins over HTTP, end to end (whole server, embedded store)');
    console.log(`argon2id verify alone (baseline)        ${ms(v)}  -> ${(1000 / v).toFixed(1)}/s`);
    console.log(
      `POST /login, one at a time              ${ms(s)}  -> ${(1000 / s).toFixed(1)} logins/s  (${(s / v).toFixed(2)}x a verify)`,
    );
    console.log(
      `POST /login, 4 clients at once          ${(40_000 / parallelMs).toFixed(1)} logins/s  (40 logins in ${ms(parallelMs)})`,
    );
    console.log(
      `remember-me cookie login (no argon2)    ${ms(median(byCookie))}  -> ${(1000 / median(byCookie)).toFixed(0)} logins/s  (${(median(byCookie) / v).toFixed(3)}x a verify)`,
    );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await httpLoginBench();
