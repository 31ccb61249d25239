/**
 * The connection log: one document per client connection (who, from where, when, why it
 * ended, how many messages). It never holds data values.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionLogDoc, Store } from './store.types.ts';

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
  await store.connections.insertOne(doc);
  return doc._id;
}

/** Records that connection `id` closed, why, and how many messages it carried. */
export async function logConnectionClosed(
  store: Store,
  id: string,
  end: { reason: string; messages: number },
): Promise<void> {
  await store.connections.updateOne(
    { _id: id },
    { $set: { closedAt: new Date(), reason: end.reason, messages: end.messages } },
  );
}

/** The most recent connections, newest first (`limit` at most 1000). */
export async function recentConnections(store: Store, limit = 100): Promise<ConnectionLogDoc[]> {
  return store.connections
    .find({})
    .sort({ openedAt: -1 })
    .limit(Math.min(Math.max(1, limit), 1000))
    .toArray();
}
