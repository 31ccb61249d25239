/**
 * Child process of store-delete-crash.test.ts: in the embedded store in `argv[2]`, gives
 * user `u1` two workspaces, the first with objects (one with values long enough to go to
 * chunks), prints `ready FIRST SECOND`, then deletes the first one and dies (SIGKILL) at
 * the moment deleteWorkspace goes from the workspace's document to its objects.
 */
import {
  createWorkspace,
  deleteWorkspace,
  openEmbeddedStore,
  saveObject,
} from '../../server/store/index.ts';

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: store-delete-crash.child.ts DATA_DIR');
const store = await openEmbeddedStore(dataDir, { sweepEveryMs: 0 });
const first = await createWorkspace(store, 'u1', 'first');
const second = await createWorkspace(store, 'u1', 'second');
const values = Array.from({ length: 10_000 }, (_, i) => i / 3);
for (const w of [first, second]) {
  await saveObject(store, w._id, { name: 'd', type: 'dataset', variables: [{ values }] });
  await saveObject(store, w._id, { name: 'r', type: 'report', result: { n: 1 } });
}
process.stdout.write(`ready ${first._id} ${second._id}\n`);
// The process dies between the two deletes: the workspace document is gone, its objects not.
store.workspaces.removeData = () => {
  process.kill(process.pid, 'SIGKILL');
  return new Promise(() => undefined);
};
await deleteWorkspace(store, 'u1', first._id);
