/**
 * One of the two processes of store-rules.test.ts: opens the MongoDB backend on the URL and
 * database it is given, prints `ready`, then for each JSON line on stdin runs the asked
 * workspace operations all at once and prints their outcomes as one JSON line.
 */
import { createInterface } from 'node:readline';
import {
  createWorkspace,
  deleteWorkspace,
  openMongoStore,
  renameWorkspace,
  WorkspaceRuleError,
} from '../../server/store/index.ts';

interface Ask {
  op: 'create' | 'delete' | 'rename';
  userId: string;
  /** Names to create, ids to delete, or `[id, name]` pairs to rename. */
  items: (string | [string, string])[];
}

const [url = '', dbName = ''] = process.argv.slice(2);
const store = await openMongoStore(url, { dbName, serverSelectionTimeoutMS: 5000 });

/** What one operation came to: `ok`, a rule's name, a delete's result, or the error. */
async function outcome(work: () => Promise<unknown>): Promise<string> {
  try {
    const result = await work();
    return typeof result === 'string' ? result : result === null ? 'not_found' : 'ok';
  } catch (error) {
    return error instanceof WorkspaceRuleError ? error.rule : `error: ${String(error)}`;
  }
}

function run({ op, userId, items }: Ask): Promise<string[]> {
  return Promise.all(
    items.map((item) =>
      outcome(() => {
        if (op === 'create') return createWorkspace(store, userId, item as string);
        if (op === 'delete') return deleteWorkspace(store, userId, item as string);
        const [id, name] = item as [string, string];
        return renameWorkspace(store, userId, id, name);
      }),
    ),
  );
}

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify(await run(JSON.parse(line) as Ask))}\n`);
}
await store.close();
