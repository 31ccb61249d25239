/**
 * Analyses on ROWS rows (default 1,000,000) through the server against the same
 * computation in R alone (issue 16, goal 1: within 1.5x): both are set up first, then each
 * case runs RUNS times in R alone and through the server by turns, and the medians are
 * compared, so that a busy moment of the machine hits both alike.
 * - Through the server: a test server (test/fixtures/server.ts), one user, the dataset
 *   uploaded once with binary values (not timed), then each request timed from the
 *   client's emit to the reply (validation, R, the durable save, the reply).
 * - R alone: a bare Rserve session (PanthR.r loaded but unused) with the same numbers read
 *   from files, each computation timed inside R: what an analyst would type to get the
 *   numbers the server's result shows (its r_code: lm's estimates on z-scores, AIC, BIC and
 *   Durbin-Watson, aov's Levene test, t.test's Cohen's d). No gc() before
 *   each timing: it would give R alone a freshly collected heap that the server's session,
 *   timed from the client, never has. R alone runs with glibc's allocator and R's heap as
 *   an analyst's R does (the goal's baseline); the same R tuned as the server runs it
 *   (r/supervisor: large vectors' pages kept for the next one, garbage collected from 256
 *   MB of vectors on) is printed beside it.
 * Run: `npx tsx bench/analyses.ts [ROWS] [RUNS]` (RUNS default 3; a few minutes at 1e6 rows;
 * temp dirs only).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rString } from '../r/qap1/sexp.ts';
import { normal } from '../test/fixtures/compute/datasets.ts';
import { startPanthrR } from '../test/fixtures/compute/panthr-r.ts';
import { startTestServer, type TestServer } from '../test/fixtures/server.ts';
import { connect, createUser, type TestClient } from '../test/fixtures/users.ts';
import { ms, percentile, verdict } from './lib/stats.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const GOAL = 1.5;

/** One analysis: the PanthR request and the R an analyst would run on d (y, x, g). */
interface Case {
  readonly label: string;
  readonly request: Record<string, unknown>;
  readonly r: string;
}

// R alone writes its PNGs into the bench's temp dir (a forked session's tempdir() is gone).
const png =
  'f <- tempfile(tmpdir = .bench_dir, fileext = ".png"); png(f, 640, 480, type = "cairo");';
const CASES: readonly Case[] = [
  {
    label: 'descriptives [y]',
    request: { type: 'report', reportType: 'descriptives', variables: ['y'] },
    r: 'c(sum(!is.na(d$y)), mean(d$y), sd(d$y), quantile(d$y, c(0, .25, .5, .75, 1)))',
  },
  {
    label: 't.test [y, g]',
    request: { type: 'test', test: 't.test', variables: ['y', 'g'] },
    r: 't.test(y ~ g, data = d); effectsize::cohens_d(y ~ g, data = d)',
  },
  {
    label: 'cor.test [x, y]',
    request: { type: 'test', test: 'cor.test', variables: ['x', 'y'] },
    r: 'cor.test(d$x, d$y)',
  },
  {
    label: 'lm [y, x]',
    request: { type: 'test', test: 'lm', variables: ['y', 'x'] },
    // What the result shows, as its r_code computes it: the fit, its intervals, the
    // estimates on z-scores, AIC, BIC and Durbin-Watson.
    r:
      'fit <- lm(y ~ x, data = d); summary(fit); confint(fit); z <- d; ' +
      'z[c("y", "x")] <- lapply(z[c("y", "x")], function(v) as.numeric(scale(v))); ' +
      'coef(lm(y ~ x, data = z)); c(AIC(fit), BIC(fit)); r <- residuals(fit); ' +
      'sum(diff(r)^2) / sum(r^2)',
  },
  {
    label: 'aov [y, g]',
    request: { type: 'test', test: 'aov', variables: ['y', 'g'] },
    // With the check of equal variances the result shows (Levene, median-centred).
    r:
      'summary(aov(y ~ g, data = d)); ' + 'anova(lm(abs(d$y - ave(d$y, d$g, FUN = median)) ~ d$g))',
  },
  {
    label: 'hist PNG [y]',
    request: { type: 'graph', graphType: 'hist', variables: ['y'], format: 'png' },
    r: `${png} hist(d$y); dev.off(); readBin(f, "raw", file.size(f))`,
  },
  {
    label: 'scatter [x, y] (PNG by default)',
    request: { type: 'graph', graphType: 'scatter', variables: ['x', 'y'] },
    r: `${png} plot(d$x, d$y); dev.off(); readBin(f, "raw", file.size(f))`,
  },
];

/** Seeded columns: y and x normal, g two groups (codes 1, 2). */
function columns(rows: number): { y: Float64Array; x: Float64Array; g: Float64Array } {
  const rnd = normal(16);
  const make = (f: (i: number) => number): Float64Array =>
    Float64Array.from({ length: rows }, (_, i) => f(i));
  const g = make((i) => 1 + (i % 2));
  const x = make(() => Math.round(rnd() * 1e6) / 1e3);
  const y = make((i) => Math.round((rnd() + 0.01 * (g[i] ?? 1)) * 1e6) / 1e3);
  return { y, x, g };
}

/** A timer of one case, and how to stop what it started. */
interface Timer {
  time(i: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * R alone: a bare session holding d; a case is timed inside R. `rDefaults`: glibc's
 * allocator and R's heap as in an analyst's R (the goal's baseline), or tuned as the server
 * runs R.
 */
async function rAlone(
  cols: ReturnType<typeof columns>,
  dir: string,
  rDefaults: boolean,
): Promise<Timer> {
  const r = await startPanthrR([], { rDefaults });
  const conn = await stopOnFailure(
    async () => {
      const conn = await r.connect();
      const files = (['y', 'x', 'g'] as const).map((k) => {
        const f = join(dir, `${k}.bin`);
        writeFileSync(f, cols[k]);
        return f;
      });
      await conn.assign('.bench_files', rString(files));
      await conn.assign('.bench_dir', rString([dir]));
      await conn.eval(
        `{ v <- lapply(.bench_files, readBin, what = "double", n = ${ROWS}); ` +
          'd <<- data.frame(y = v[[1]], x = v[[2]], g = factor(c("a", "b")[v[[3]]])); TRUE }',
      );
      // The first call of a session pays for loading code; the server's session gets the same.
      await conn.eval(`{ ${CASES[0]?.r ?? ''}; TRUE }`);
      return conn;
    },
    () => r.stop(),
  );
  return {
    async time(i) {
      const t = await conn.eval(
        `{ t0 <- proc.time()[[3]]; invisible({ ${CASES[i]?.r ?? ''} }); (proc.time()[[3]] - t0) * 1000 }`,
        { timeoutMs: 600_000 },
      );
      return t.kind === 'double' ? (t.values[0] ?? NaN) : NaN;
    },
    stop: () => r.stop(),
  };
}

/** Runs `setup`; if it fails, runs `stop` (what the setup started) and rethrows. */
async function stopOnFailure<T>(setup: () => Promise<T>, stop: () => Promise<void>): Promise<T> {
  try {
    return await setup();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

/** A verified user of `ts` holding d (uploaded with binary values) after one warm request. */
async function uploaded(ts: TestServer, cols: ReturnType<typeof columns>): Promise<TestClient> {
  const { cookie } = await createUser(ts, 'bench');
  const client = await connect(ts, cookie, { binaryValues: true });
  const dataset = {
    type: 'dataset',
    name: 'd',
    variables: [
      { type: 'vector', name: 'y', variableType: 'scalar', values: cols.y },
      { type: 'vector', name: 'x', variableType: 'scalar', values: cols.x },
      {
        type: 'vector',
        name: 'g',
        variableType: 'nominal',
        values: Array.from(cols.g, (v) => (v === 1 ? 'a' : 'b')),
      },
    ],
  };
  const [up] = await client.request([dataset], 600_000);
  if (up?.type !== 'dataset') throw new Error(`upload: ${JSON.stringify(up).slice(0, 300)}`);
  await client.request([{ ...CASES[0]?.request, name: 'warm', dataset: 'd' }], 600_000);
  return client;
}

/** Through the server: one user holding d; a case is timed from the emit to the reply. */
async function throughServer(cols: ReturnType<typeof columns>): Promise<Timer> {
  const ts = await startTestServer({ compute_timeout: 600 });
  const client = await stopOnFailure(
    () => uploaded(ts, cols),
    () => ts.stop(),
  );
  let k = 0;
  return {
    async time(i) {
      const c = CASES[i] as Case;
      const t = performance.now();
      const [reply] = await client.request(
        [{ ...c.request, name: `a${k++}`, dataset: 'd' }],
        600_000,
      );
      const elapsed = performance.now() - t;
      if (reply?.type === 'error') throw new Error(`${c.label}: ${JSON.stringify(reply)}`);
      return elapsed;
    },
    async stop() {
      client.close();
      await ts.stop();
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'panthr-bench-analyses-'));
const timers: Timer[] = [];
try {
  const cols = columns(ROWS);
  const alone = await rAlone(cols, dir, true);
  timers.push(alone);
  const tuned = await rAlone(cols, dir, false);
  timers.push(tuned);
  const server = await throughServer(cols);
  timers.push(server);
  console.log(
    `Analyses on ${ROWS} rows: through the server against R alone (median of ${RUNS}, by turns)`,
  );
  for (const [i, c] of CASES.entries()) {
    const r: number[] = [];
    const t: number[] = [];
    const s: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      r.push(await alone.time(i));
      t.push(await tuned.time(i));
      s.push(await server.time(i));
    }
    const [sm, rm, tm] = [percentile(s, 50), percentile(r, 50), percentile(t, 50)];
    console.log(
      `  ${c.label.padEnd(34)} server ${ms(sm).padStart(9)}  R ${ms(rm).padStart(9)}  ${verdict(sm / rm, GOAL, false)}` +
        `  (R with the server's R settings ${ms(tm)}: ${(sm / tm).toFixed(2)}x)`,
    );
  }
} finally {
  for (const t of timers) await t.stop();
  rmSync(dir, { recursive: true, force: true });
}
