/**
 * docs/examples run against a real server and real R: the Node script and the curl session
 * each upload a CSV with a personal access token and run a t-test, and print what R's own
 * `t.test` gives on the same file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { useTestServer } from '../fixtures/server.ts';
import { createUser } from '../fixtures/users.ts';
import { call } from './auth-http.helpers.ts';

const run = promisify(execFile);
const EXAMPLES = path.resolve(import.meta.dirname, '../../docs/examples');
const CSV = 'score,group\n12.1,a\n14.3,a\n11.8,a\n13.0,a\n15.2,b\n16.9,b\n14.8,b\n17.5,b\n';

describe('docs/examples: a token uploads a CSV and runs a t-test', function () {
  this.timeout(120_000);
  const ts = useTestServer();
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let expected: { statistic: number; df: number; p_value: number };

  before(async () => {
    const user = await createUser(ts, 'examples');
    const made = await call(
      ts,
      'POST',
      '/api/v1/tokens',
      { name: 'examples', scopes: ['compute'], expires_in_days: 1 },
      { cookie: user.cookie },
    );
    assert.equal(made.status, 201, made.text);
    dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-examples-'));
    await writeFile(path.join(dir, 'data.csv'), CSV);
    env = { ...process.env, PANTHR_URL: ts.url, PANTHR_TOKEN: made.body.token as string };
    const r = await run('Rscript', [
      '-e',
      `t <- t.test(score ~ group, data = read.csv("${path.join(dir, 'data.csv')}")); cat(sprintf("%.17g", c(t$statistic, t$parameter, t$p.value)))`,
    ]);
    const [statistic, df, p] = r.stdout.trim().split(/\s+/).map(Number);
    expected = { statistic: statistic!, df: df!, p_value: p! };
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const same = (out: string) => {
    const got = JSON.parse(out.trim()) as { method: string } & Record<string, number>;
    assert.match(got.method, /Welch/);
    for (const key of ['statistic', 'df', 'p_value'] as const) {
      const g = Array.isArray(got[key]) ? (got[key] as unknown as number[])[0]! : got[key]!;
      assert.ok(Math.abs(g - expected[key]) <= 1e-9 * Math.abs(expected[key]), `${key}: ${g}`);
    }
  };

  it('the Node script', async () => {
    const r = await run('node', [path.join(EXAMPLES, 'ttest.mjs'), 'data.csv', 'score', 'group'], {
      cwd: dir,
      env,
    });
    same(r.stdout);
  });

  it('the curl session', async () => {
    const r = await run(
      'bash',
      [path.join(EXAMPLES, 'ttest-curl.sh'), 'data.csv', 'score', 'group'],
      {
        cwd: dir,
        env,
      },
    );
    same(r.stdout);
  });

  it('a read token is refused at the upload', async () => {
    const user = await createUser(ts, 'examples-read');
    const made = await call(
      ts,
      'POST',
      '/api/v1/tokens',
      { name: 'ro', scopes: ['read'] },
      { cookie: user.cookie },
    );
    await assert.rejects(
      run('node', [path.join(EXAMPLES, 'ttest.mjs'), 'data.csv', 'score', 'group'], {
        cwd: dir,
        env: { ...env, PANTHR_TOKEN: made.body.token as string },
      }),
      /forbidden/,
    );
  });
});
