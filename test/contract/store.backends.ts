/**
 * The store backends the contract suite runs on: the embedded store (temp dir), the MongoDB
 * backend through the real driver against the wire-protocol TEST DOUBLE (always), and a real
 * MongoDB when the environment variable MONGODB_URL is set.
 */
import { writeOldCollection } from './legacy-tables.ts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type IndexDescription } from 'mongodb';
import Database from 'better-sqlite3';
import {
  EMBEDDED_FILE,
  openEmbeddedStore,
  openMongoStore,
  type Store,
} from '../../server/store/index.ts';
import {
  startMongoWireDouble,
  type MongoWireDouble,
} from '../fixtures/mongo-wire/mongo-wire.double.ts';

/** One backend under test; each test gets a fresh, empty database. */
export interface Backend {
  readonly name: string;
  /** Starts what the backend needs (the double); before the suite. */
  start(): Promise<void>;
  /** A fresh store; the same `place` reopens an existing one. */
  open(place?: string): Promise<{ store: Store; place: string }>;
  /** The indexes of one collection, as the server reports them (null: not inspectable). */
  indexes(place: string, collection: string): Promise<IndexDescription[] | null>;
  /**
   * Writes documents into `collection` of the closed store at `place` exactly as an older
   * version did (embedded: its collection table of EJSON rows; MongoDB: the collection).
   */
  writeOld(place: string, collection: string, docs: Record<string, unknown>[]): Promise<void>;
  /** Removes what `place` holds; after each test. */
  drop(place: string): Promise<void>;
  /** After the suite. */
  stop(): Promise<void>;
}

function embedded(): Backend {
  const dirs = new Set<string>();
  return {
    name: 'embedded (SQLite)',
    start: () => Promise.resolve(),
    async open(place) {
      const dir = place ?? mkdtempSync(join(tmpdir(), 'panthr-store-'));
      dirs.add(dir);
      return { store: await openEmbeddedStore(dir, { sweepEveryMs: 0 }), place: dir };
    },
    indexes: () => Promise.resolve(null),
    writeOld(place, collection, docs) {
      const db = new Database(join(place, EMBEDDED_FILE));
      try {
        writeOldCollection(db, collection, docs);
      } finally {
        db.close();
      }
      return Promise.resolve();
    },
    drop(place) {
      rmSync(place, { recursive: true, force: true });
      dirs.delete(place);
      return Promise.resolve();
    },
    stop() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function mongo(
  name: string,
  url: () => string,
  setup?: () => Promise<() => Promise<void>>,
): Backend {
  let teardown: (() => Promise<void>) | null = null;
  let admin: MongoClient | null = null;
  const client = (): MongoClient => {
    admin ??= new MongoClient(url(), { serverSelectionTimeoutMS: 5000 });
    return admin;
  };
  return {
    name,
    async start() {
      if (setup !== undefined) teardown = await setup();
    },
    async open(place) {
      const dbName = place ?? `panthr_contract_${randomUUID().slice(0, 8)}`;
      const store = await openMongoStore(url(), { dbName, serverSelectionTimeoutMS: 5000 });
      return { store, place: dbName };
    },
    async indexes(place, collection) {
      return client().db(place).collection(collection).indexes();
    },
    async writeOld(place, collection, docs) {
      await client().db(place).collection(collection).insertMany(docs);
    },
    async drop(place) {
      await client().db(place).dropDatabase();
    },
    async stop() {
      await admin?.close();
      admin = null;
      await teardown?.();
    },
  };
}

/** Every backend to run the contract on, in this environment. */
export function backends(): Backend[] {
  let double: MongoWireDouble | null = null;
  const list = [
    embedded(),
    mongo(
      'mongodb driver -> wire-protocol test double',
      () => double?.url ?? 'mongodb://127.0.0.1:1',
      async () => {
        double = await startMongoWireDouble();
        return () => double?.close() ?? Promise.resolve();
      },
    ),
  ];
  const real = process.env.MONGODB_URL;
  if (real !== undefined && real !== '') list.push(mongo('real MongoDB (MONGODB_URL)', () => real));
  return list;
}
