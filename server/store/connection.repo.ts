/**
 * The connection log: one record per client connection (who, from where, when, why it
 * ended, how many messages). It never holds data values. Embedded:
 * embedded/connection.sqlite.ts; MongoDB: mongo/connection.mongo.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from './store.types.ts';

/** One client connection (MongoDB: collection `connections`). Never holds data values. */
export interface ConnectionLogDoc {
  _id: string;
  userId: string | null;
  address: string;
  openedAt: Date;
  closedAt?: Date | null;
  reason?: string | null;
  messages?: number;
}

/** The connection log; `store.connections`. */
export interface ConnectionRepository {
  /** Records a connection that just opened. */
  insert(doc: ConnectionLogDoc): Promise<void>;
  /** Records that connection `id` closed at `closedAt`, why, and how many messages it carried. */
  close(id: string, end: { closedAt: Date; reason: string; messages: number }): Promise<void>;
  /** The record of connection `id`, or null. */
  get(id: string): Promise<ConnectionLogDoc | null>;
  /** The `limit` most recent connections, newest first. */
  recent(limit: number): Promise<ConnectionLogDoc[]>;
}

/** Records a connection that just opened; returns its log id. */
export async function logConnectionOpened(
  store: Store,
  entry: { userId: string | null; address: string },
): Promise<string> {
  const doc: ConnectionLogDoc = {
    _id: randomUUID(),
    userId: entry.userId,
    address: entry.address,
    openedAt: new Date(),
    closedAt: null,
    reason: null,
    messages: 0,
  };
  await store.connections.insert(doc);
  return doc._id;
}

/** Records that connection `id` closed, why, and how many messages it carried. */
export async function logConnectionClosed(
  store: Store,
  id: string,
  end: { reason: string; messages: number },
): Promise<void> {
  await store.connections.close(id, { closedAt: new Date(), ...end });
}

/** The most recent connections, newest first (`limit` at most 1000). */
export async function recentConnections(store: Store, limit = 100): Promise<ConnectionLogDoc[]> {
  return store.connections.recent(Math.min(Math.max(1, limit), 1000));
}
