// Store bytes an undo record of a one-cell edit takes on a 1e5 x 10 dataset (docs/api.md,
// "Undo, redo and live results"): du of the data directory around five edits.
import { execFileSync } from 'node:child_process';
import { startTestServer } from '../test/fixtures/server.ts';
import { connect, createUser } from '../test/fixtures/users.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const du = (dir: string): number =>
  Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
const ts = await startTestServer();
try {
  const user = await createUser(ts, 'undo');
  const c = await connect(ts, user.cookie);
  const n = 1e5;
  const variables = Array.from({ length: 10 }, (_, j) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.round(Math.random() * 1e6) / 100 + j;
    return { type: 'vector', name: `x${j}`, variableType: 'scalar', values: v };
  });
  await c.request([{ type: 'dataset', name: 'big', variables }]);
  await new Promise((r) => setTimeout(r, 1500));
  const dir = String(ts.config.data_dir);
  const before = du(dir);
  const edits = 5;
  for (let k = 0; k < edits; k++) {
    const reply = await c.request([
      {
        type: 'command',
        name: `e${k}`,
        command: 'edit',
        dataset: 'big',
        variable: 'x3',
        rows: [k + 1],
        values: [k],
      },
    ]);
    if (JSON.stringify(reply).includes('"error"')) console.log(JSON.stringify(reply).slice(0, 300));
  }
  await new Promise((r) => setTimeout(r, 1500));
  const after = du(dir);
  console.log(
    `dataset ${n} x 10; ${edits} one-cell edits: store grew ${after - before} bytes, ${((after - before) / edits / 1e6).toFixed(2)} MB per edit`,
  );
  c.close();
} finally {
  await ts.stop();
}
