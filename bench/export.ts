/**
 * Export and report speed (issue 15): a workspace of 100 real results (reports, tests,
 * models, graphs computed by R through a running server, plus notes) exported as the zip,
 * the HTML report and the Word report over HTTP, each against the time to read the same
 * workspace from the store (`loadObjects`, in the same process, the same run). Goal: the
 * zip in under 2 s.
 * Run: `npx tsx bench/export.ts` (about a minute: the results are computed first).
 */
import { loadObjects } from '../server/store/index.ts';
import { startTestServer } from '../test/fixtures/server.ts';
import { connect, createUser } from '../test/fixtures/users.ts';
import { fillWorkspace, OUTPUTS } from '../test/fixtures/export-workspace.ts';
import { ms, percentile, timeRuns } from './lib/stats.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const RUNS = 7;
const median = (xs: readonly number[]): number => percentile(xs, 50);

async function main(): Promise<void> {
  const ts = await startTestServer();
  try {
    const user = await createUser(ts, 'bench-export');
    const client = await connect(ts, user.cookie);
    await fillWorkspace(client);
    // The fixture's outputs again under new names until there are 100.
    const copies: Record<string, unknown>[] = [];
    for (let i = 0; OUTPUTS.length + copies.length < 100; i++) {
      const o = OUTPUTS[i % OUTPUTS.length] as Record<string, unknown>;
      copies.push({ ...o, name: `${String(o['name'])}_${i}` });
    }
    const replies = await client.request(copies, 300_000);
    const errors = replies.filter((o) => o['type'] === 'error');
    if (errors.length > 0) throw new Error(JSON.stringify(errors[0]));
    client.close();
    const list = (await (
      await fetch(`${ts.url}/api/v1/workspaces`, { headers: { cookie: user.cookie } })
    ).json()) as { workspaces: { id: string; current: boolean }[] };
    const id = list.workspaces.find((w) => w.current)?.id as string;
    const objects = await loadObjects(ts.server.store, id);
    const outputs = objects.filter((o) =>
      ['report', 'test', 'graph', 'note'].includes(String(o['type'])),
    );
    console.log(`workspace: ${objects.length} objects, ${outputs.length} outputs`);
    const read = await timeRuns(() => loadObjects(ts.server.store, id), RUNS);
    console.log(`read from the store (loadObjects): median ${ms(median(read))}`);
    // The Word report's first build renders every SVG graph (rsvg-convert); later ones reuse them.
    const cold = performance.now();
    await (
      await fetch(`${ts.url}/api/v1/workspaces/${id}/report?format=docx`, {
        headers: { cookie: user.cookie },
      })
    ).arrayBuffer();
    console.log(
      `report?format=docx, first build (graphs rendered): ${ms(performance.now() - cold)}`,
    );
    for (const path of ['export?format=zip', 'report?format=html', 'report?format=docx']) {
      let bytes = 0;
      const t = await timeRuns(async () => {
        const res = await fetch(`${ts.url}/api/v1/workspaces/${id}/${path}`, {
          headers: { cookie: user.cookie },
        });
        bytes = (await res.arrayBuffer()).byteLength;
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      }, RUNS);
      const m = median(t);
      console.log(
        `${path}: median ${ms(m)} (${(bytes / 1024).toFixed(0)} KB), ${(m / median(read)).toFixed(1)}x the store read${path.startsWith('export') ? (m < 2000 ? ', under 2 s: ok' : ', OVER 2 s') : ''}`,
      );
    }
  } finally {
    await ts.stop();
  }
}

await main();
