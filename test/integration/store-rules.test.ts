/**
 * The workspace rules across processes (issue 18): two processes, each with its own MongoDB
 * backend on one shared store (the wire-protocol test double, or a real MongoDB when
 * MONGODB_URL is set; a fresh database either way; nothing shared in memory),
 * asked at the same moment. A name goes to exactly one, the cap is never passed, the last
 * workspace is never deleted: store rules, where process locks could not reach.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import {
  createWorkspace,
  listWorkspaces,
  MAX_WORKSPACES,
  openMongoStore,
  type MongoStore,
} from '../../server/store/index.ts';
import {
  startMongoWireDouble,
  type MongoWireDouble,
} from '../fixtures/mongo-wire/mongo-wire.double.ts';

const CHILD = fileURLToPath(new URL('./store-rules.child.ts', import.meta.url));

/** A child process and the lines it prints, one at a time. */
interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
}

function startWorker(url: string, dbName: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, dbName]);
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line: IteratorResult<string, unknown> = await lines.next();
    if (line.done === true) throw new Error(`the child ended: ${err}`);
    return line.value;
  };
  return next().then((line) => {
    assert.equal(line, 'ready');
    return { child, next };
  });
}

describe('workspace rules across two processes on one store', function () {
  this.timeout(120_000);
  let store: MongoStore;
  let workers: Worker[] = [];

  const real = process.env.MONGODB_URL;
  let double: MongoWireDouble | null = null;
  let dbName = '';

  before(async () => {
    if (real === undefined || real === '') double = await startMongoWireDouble();
    const url = double?.url ?? real ?? '';
    dbName = `panthr_rules_${randomUUID().slice(0, 8)}`;
    store = await openMongoStore(url, { dbName, serverSelectionTimeoutMS: 5000 });
    workers = await Promise.all([startWorker(url, dbName), startWorker(url, dbName)]);
  });

  after(async () => {
    for (const { child } of workers) {
      child.stdin.end();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
    if (double === null && real !== undefined) {
      const client = await MongoClient.connect(real, { serverSelectionTimeoutMS: 5000 });
      await client.db(dbName).dropDatabase();
      await client.close();
    }
    await store?.close();
    await double?.close();
  });

  /** Sends each worker its request in the same moment; every outcome, both together. */
  async function both(asks: [unknown, unknown]): Promise<string[]> {
    workers.forEach((w, i) => w.child.stdin.write(`${JSON.stringify(asks[i])}\n`));
    const replies = await Promise.all(workers.map((w) => w.next()));
    return replies.flatMap((line) => JSON.parse(line) as string[]);
  }

  const count = (outcomes: string[], what: string) => outcomes.filter((o) => o === what).length;

  it('gives a workspace name to exactly one of creates at once in two processes', async () => {
    for (let round = 0; round < 5; round++) {
      const userId = `name-${round}`;
      const items = ['Report', 'report', 'REPORT'];
      const outcomes = await both([
        { op: 'create', userId, items },
        { op: 'create', userId, items },
      ]);
      assert.equal(count(outcomes, 'ok'), 1, outcomes.join());
      assert.equal(count(outcomes, 'name_taken'), 5, outcomes.join());
      assert.equal((await listWorkspaces(store, userId)).length, 1);
    }
  });

  it('gives a new name to exactly one of renames at once in two processes', async () => {
    const userId = 'rename';
    const ids: string[] = [];
    for (const n of ['a', 'b', 'c', 'd']) ids.push((await createWorkspace(store, userId, n))._id);
    const outcomes = await both([
      {
        op: 'rename',
        userId,
        items: [
          [ids[0], 'Same'],
          [ids[1], 'same'],
        ],
      },
      {
        op: 'rename',
        userId,
        items: [
          [ids[2], 'SAME'],
          [ids[3], 'sAME'],
        ],
      },
    ]);
    assert.equal(count(outcomes, 'ok'), 1, outcomes.join());
    const names = (await listWorkspaces(store, userId)).map((w) => w.name.toLowerCase());
    assert.equal(names.filter((n) => n === 'same').length, 1);
  });

  it(`never passes the cap of ${MAX_WORKSPACES} with creates at once in two processes`, async () => {
    const userId = 'cap';
    for (let i = 0; i < MAX_WORKSPACES - 2; i++) await createWorkspace(store, userId, `w${i}`);
    const outcomes = await both([
      { op: 'create', userId, items: ['x1', 'x2', 'x3'] },
      { op: 'create', userId, items: ['y1', 'y2', 'y3'] },
    ]);
    assert.equal(count(outcomes, 'ok'), 2, outcomes.join());
    assert.equal(count(outcomes, 'cap'), 4, outcomes.join());
    assert.equal(await store.workspaces.count(userId), MAX_WORKSPACES);
  });

  it('never deletes the last workspace with deletes at once in two processes', async () => {
    for (let round = 0; round < 3; round++) {
      const userId = `last-${round}`;
      const ids: string[] = [];
      for (const n of ['a', 'b', 'c', 'd']) ids.push((await createWorkspace(store, userId, n))._id);
      const outcomes = await both([
        { op: 'delete', userId, items: ids.slice(0, 2) },
        { op: 'delete', userId, items: ids.slice(2) },
      ]);
      assert.equal(count(outcomes, 'deleted'), 3, outcomes.join());
      assert.equal(count(outcomes, 'last_workspace'), 1, outcomes.join());
      assert.equal((await listWorkspaces(store, userId)).length, 1);
    }
  });
});
