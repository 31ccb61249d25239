/**
 * Child process of store-crash.test.ts: writes to the embedded store in `argv[2]` without
 * end, printing a line for every write once the store has acknowledged it:
 *   `insert ID`        a connection log record was inserted
 *   `save NAME HASH`   saveObject stored NAME with HASH in workspace `argv[3]`
 * The test kills this process with SIGKILL in the middle of the burst.
 */
import { openEmbeddedStore, saveObject } from '../../server/store/index.ts';

const [dataDir, workspaceId, prefix] = process.argv.slice(2);
if (dataDir === undefined || workspaceId === undefined || prefix === undefined) {
  throw new Error('usage: store-crash.child.ts DATA_DIR WORKSPACE_ID PREFIX');
}
const store = await openEmbeddedStore(dataDir, { sweepEveryMs: 0 });
const payload = 'x'.repeat(2000);
process.stdout.write('ready\n');
for (let i = 0; ; i += 1) {
  const id = `${prefix}-${i}`;
  await store.connections.insert({
    _id: id,
    userId: null,
    address: payload,
    openedAt: new Date(),
  });
  process.stdout.write(`insert ${id}\n`);
  const name = `o${i % 20}`;
  const saved = await saveObject(store, workspaceId, { name, type: 'dataset', i });
  if (saved === null) throw new Error('the workspace vanished');
  process.stdout.write(`save ${name} ${saved.hash}\n`);
}
