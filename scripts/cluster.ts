/**
 * scripts/cluster's program: starts a whole cluster on this machine (test/fixtures/cluster.ts),
 * prints one JSON line `{"url", "nodes": [{"id", "url", "pid", "outbox"}]}` once every
 * part answers, and on SIGTERM or SIGINT stops everything it started.
 * Usage: node --import tsx scripts/cluster.ts [--nodes N]
 */
import { startCluster, type LocalCluster } from '../test/fixtures/cluster.ts';

function nodesArg(argv: readonly string[]): number {
  const i = argv.indexOf('--nodes');
  if (i === -1) return 2;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    process.stderr.write('cluster: --nodes takes a whole number from 1 to 16\n');
    process.exit(2);
  }
  return n;
}

const nodes = nodesArg(process.argv.slice(2));
if (process.env.MONGODB_URL === undefined || process.env.MONGODB_URL === '') {
  process.stderr.write(
    [
      '',
      "*** cluster: MONGODB_URL is not set: the store is the project's MongoDB TEST DOUBLE. ***",
      '*** It is for trying the cluster only: in memory, not MongoDB, everything is lost   ***',
      '*** when this script stops. Set MONGODB_URL to a real MongoDB for anything else.    ***',
      '',
      '',
    ].join('\n'),
  );
}
let cluster: LocalCluster | undefined;
let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`cluster: ${signal}: stopping every part\n`);
  void (cluster?.stop() ?? Promise.resolve()).then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
try {
  cluster = await startCluster({ nodes });
} catch (err) {
  process.stderr.write(`cluster: could not start: ${(err as Error).message}\n`);
  process.exit(1);
}
if (stopping) await cluster.stop();
else {
  const line = {
    url: cluster.url,
    nodes: cluster.nodes.map((n) => ({ id: n.id, url: n.url, pid: n.pid, outbox: n.outbox })),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
