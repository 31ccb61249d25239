/**
 * Uploading a dataset in row slices (docs/api.md, "Uploading in parts"): parts cut by
 * `uploadParts` carry `slice`, are answered without their values (no echo), and the last
 * slice of each group of variables is answered with the server's checksums of what it put
 * together. R, the stored workspace and another tab of the same user get the whole dataset.
 * Real server, R, store.
 */
import assert from 'node:assert/strict';
import {
  checksumHex,
  uploadParts,
  valuesChecksum,
  type PanthrVector,
} from '../../converters/index.ts';
import { userIdOf } from '../fixtures/client-model.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient, type TestUser } from '../fixtures/users.ts';

const ROWS = 3000;

/** 12 binary scalar columns, a JSON scalar one with missing values, a nominal one. */
function dataset(): { type: 'dataset'; name: string; label: string; variables: PanthrVector[] } {
  const variables: PanthrVector[] = Array.from({ length: 12 }, (_, j) => {
    const f = new Float64Array(ROWS);
    for (let i = 0; i < ROWS; i++) f[i] = i % 97 === j ? NaN : Math.sin(i + j) * 100;
    return { type: 'vector', name: `x${j}`, variableType: 'scalar', values: f };
  });
  variables.push({
    type: 'vector',
    name: 'j',
    variableType: 'scalar',
    values: Array.from({ length: ROWS }, (_, i) => (i % 10 === 0 ? null : i / 8)),
  });
  variables.push({
    type: 'vector',
    name: 'g',
    variableType: 'nominal',
    values: Array.from({ length: ROWS }, (_, i) => ['a', 'b', 'é'][i % 3] as string),
  });
  return { type: 'dataset', name: 'big', label: 'sliced', variables };
}

/** Sends every part in order; returns the replies (one object each). */
async function send(
  c: TestClient,
  parts: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const replies: Record<string, unknown>[] = [];
  for (const p of parts) {
    const [reply] = await c.request([p]);
    assert.ok(reply !== undefined);
    replies.push(reply);
  }
  return replies;
}

describe('realtime: a dataset uploaded in row slices', function () {
  this.timeout(120_000);
  const ts = useTestServer({ max_data: 100_000 });
  let user: TestUser;
  before(async () => {
    user = await createUser(ts, 'slices');
  });

  it('answers slices without values; R, the store and another tab get the whole dataset', async () => {
    const d = dataset();
    const parts = uploadParts(d, 20_000);
    assert.ok(parts.length > 10, `${parts.length} parts`);
    const other = await connect(ts, user.cookie);
    const c = await connect(ts, user.cookie);
    try {
      const before = other.received.length;
      const replies = await send(c, parts);
      for (const [i, r] of replies.entries()) {
        assert.equal(r.type, 'dataset', JSON.stringify(r).slice(0, 300));
        assert.deepEqual(r.variables, [], 'no values echoed');
        assert.deepEqual(r.slice, parts[i]?.slice);
        assert.ok(JSON.stringify(r).length < 1000);
      }
      const finals = replies.filter((r) => (r.result as { checksums?: unknown }).checksums);
      const groups = parts.filter((p) => (p.slice as { from: number }).from === 0).length;
      assert.equal(groups, 2, 'at most 10 binary variables a part');
      assert.equal(finals.length, groups, 'one last slice per group of variables');
      const sums = Object.assign(
        {},
        ...finals.map((r) => (r.result as { checksums: Record<string, string> }).checksums),
      ) as Record<string, string>;
      for (const v of d.variables)
        assert.equal(sums[v.name], checksumHex(valuesChecksum(v.values)), v.name);
      assert.deepEqual(finals.at(-1)?.result, {
        rows: ROWS,
        variables: 14,
        checksums:
          finals.at(-1)?.result && (finals.at(-1)?.result as { checksums: unknown }).checksums,
      });
      const middle = replies.find((r) => !(r.result as { checksums?: unknown }).checksums);
      assert.equal((middle?.result as { rows: number }).rows, ROWS);
      // R holds every column: means and missing counts as computed here.
      const [report] = await c.request([
        {
          type: 'report',
          name: 'r',
          reportType: 'descriptives',
          dataset: 'big',
          variables: ['x0', 'x11', 'j'],
        },
      ]);
      const rows = (report?.result as { rows: unknown[][] }).rows;
      for (const row of rows) {
        const v = d.variables.find((x) => x.name === row[0]) as PanthrVector;
        const xs = Array.from(v.values as ArrayLike<number | null>).filter(
          (x): x is number => x !== null && !Number.isNaN(x),
        );
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        assert.equal(row[1], xs.length, `n of ${String(row[0])}`);
        assert.equal(row[2], ROWS - xs.length);
        assert.ok(
          Math.abs((row[3] as number) - mean) <= 1e-9 * Math.abs(mean),
          `mean ${String(row[0])}`,
        );
      }
      // The other tab got the dataset as stored after each group's last slice, nothing else.
      const pushed = other.received
        .slice(before)
        .flatMap((m) => m.objects)
        .filter((o) => o.name === 'big');
      assert.equal(pushed.length, groups);
      assert.ok(pushed.every((o) => o.slice === undefined));
      const whole = pushed.at(-1) as { variables: { name: string; values: unknown[] }[] };
      assert.equal(whole.variables.length, 14);
      assert.deepEqual(whole.variables.at(-1)?.values.slice(0, 4), ['a', 'b', 'é', 'a']);
    } finally {
      c.close();
      other.close();
    }
    // The workspace sent on connect holds it once, whole.
    const again = await connect(ts, user.cookie);
    try {
      const stored = (again.received[0]?.objects ?? []).filter((o) => o.name === 'big');
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.label, 'sliced');
      const vars = stored[0]?.variables as { name: string; values: unknown[] }[];
      assert.deepEqual(
        vars.map((v) => v.name),
        d.variables.map((v) => v.name),
      );
      assert.equal(vars[0]?.values[0], null, 'NaN is missing');
      assert.equal(vars[0]?.values[1], (d.variables[0]?.values as Float64Array)[1]);
      assert.deepEqual(vars[12]?.values.slice(0, 11), d.variables[12]?.values.slice(0, 11));
    } finally {
      again.close();
    }
  });

  it('answers a whole dataset or part sent with echoValues false by checksums; stores it whole, without the key', async () => {
    const d = dataset();
    const first = { ...d, name: 'lean', variables: d.variables.slice(0, 10), echoValues: false };
    const rest = {
      type: 'dataset',
      name: 'lean',
      append: true,
      echoValues: false,
      variables: d.variables.slice(10),
    };
    const other = await connect(ts, user.cookie);
    const c = await connect(ts, user.cookie);
    try {
      const before = other.received.length;
      const replies = await send(c, [first, rest]);
      const sums = (vs: readonly PanthrVector[]): Record<string, string> =>
        Object.fromEntries(vs.map((v) => [v.name, checksumHex(valuesChecksum(v.values))]));
      for (const [r, vs, total] of [
        [replies[0], first.variables, 10],
        [replies[1], rest.variables, 14],
      ] as const) {
        assert.equal(r?.type, 'dataset', JSON.stringify(r).slice(0, 300));
        assert.deepEqual(r.variables, [], 'no values echoed');
        assert.equal(typeof r.hash, 'number');
        assert.equal(r.echoValues, undefined);
        assert.deepEqual(r.result, { rows: ROWS, variables: total, checksums: sums(vs) });
      }
      assert.equal(replies[0]?.label, 'sliced');
      // A client that leaves the key out (or sends true) gets its values back, as API.md says.
      const [echoed] = await c.request([
        { ...first, name: 'full', variables: d.variables.slice(12), echoValues: true },
      ]);
      assert.equal((echoed?.variables as unknown[]).length, 2);
      assert.equal(echoed?.echoValues, undefined);
      const pushed = other.received
        .slice(before)
        .flatMap((m) => m.objects)
        .filter((o) => o.name === 'lean');
      assert.equal(pushed.length, 2);
      // Another tab gets what it always gets, values included (the part as sent for an
      // `append`), and never the key.
      assert.equal(pushed.length, 2);
      assert.ok(pushed.every((o) => !('echoValues' in o)));
      assert.equal((pushed[0]?.variables as unknown[]).length, 10);
      const part = pushed[1]?.variables as { name: string; values: unknown[] }[];
      assert.deepEqual(part.at(-1)?.values.slice(0, 3), ['a', 'b', 'é']);
      // R holds the values sent: the appended JSON column's mean.
      const [report] = await c.request([
        {
          type: 'report',
          name: 'r',
          reportType: 'descriptives',
          dataset: 'lean',
          variables: ['j'],
        },
      ]);
      const j = (d.variables[12]?.values as (number | null)[]).filter((x) => x !== null);
      const mean = j.reduce((a, b) => a + b, 0) / j.length;
      const row = (report?.result as { rows: number[][] }).rows[0] as number[];
      assert.equal(row[1], j.length);
      assert.ok(Math.abs((row[3] as number) - mean) <= 1e-9 * mean);
    } finally {
      c.close();
      other.close();
    }
    const again = await connect(ts, user.cookie);
    try {
      const stored = (again.received[0]?.objects ?? []).find((o) => o.name === 'lean');
      assert.equal(stored?.echoValues, undefined);
      assert.equal((stored?.variables as unknown[]).length, 14);
    } finally {
      again.close();
    }
  });

  it('refuses slices out of order, of other rows, or past max_data, and keeps nothing of them', async () => {
    const c = await connect(ts, user.cookie);
    const x = (from: number, n: number, rows: number): Record<string, unknown> => ({
      type: 'dataset',
      name: 's',
      slice: { from, rows },
      variables: [
        {
          type: 'vector',
          name: 'x',
          variableType: 'scalar',
          values: new Float64Array(n).fill(from),
        },
      ],
    });
    try {
      const [first, gap, late, over, past] = await c.request([
        x(0, 4, 10),
        x(6, 4, 10),
        x(4, 4, 10),
        x(8, 4, 10),
        {
          ...x(0, 1, 20_000),
          variables: Array.from({ length: 6 }, (_, i) => ({
            type: 'vector',
            name: `v${i}`,
            variableType: 'scalar',
            values: [1],
          })),
        },
      ]);
      assert.deepEqual(first?.result, { rows: 10, received: 4 });
      assert.equal(gap?.code, 'invalid_object');
      assert.match(String(gap?.message), /does not follow the 4 rows received/);
      assert.equal(late?.code, 'invalid_object', 'the gap ended the upload');
      assert.match(String(late?.message), /send it again from row 0/);
      assert.equal(over?.code, 'invalid_object');
      assert.match(String(over?.message), /slice/);
      assert.equal(past?.code, 'too_large');
      const [append] = await c.request([{ ...x(0, 2, 7), name: 'big', append: true }]);
      assert.equal(append?.code, 'invalid_object');
      assert.match(String(append?.message), /7 rows where dataset "big" has 3000/);
      const [report] = await c.request([
        { type: 'report', name: 'r2', reportType: 'descriptives', dataset: 's', variables: ['x'] },
      ]);
      assert.equal(report?.code, 'not_found');
    } finally {
      c.close();
    }
  });

  it('undo takes each group of a sliced upload off as one change', async () => {
    const c = await connect(ts, user.cookie);
    const describe = async (variable: string): Promise<Record<string, unknown> | undefined> =>
      (
        await c.request([
          {
            type: 'report',
            name: 'r3',
            reportType: 'descriptives',
            dataset: 'u',
            variables: [variable],
          },
        ])
      )[0];
    try {
      const d = { ...dataset(), name: 'u', variables: dataset().variables.slice(0, 2) };
      // Over 32 parts' worth: one column at a time, each group one change.
      const parts = uploadParts(d, 1000);
      assert.deepEqual([...new Set(parts.map((p) => p.variables[0]?.name))], ['x0', 'x1']);
      await send(c, parts);
      assert.equal((await describe('x1'))?.type, 'report');
      const [undo] = await c.request([{ type: 'command', name: 'un', command: 'undo' }]);
      assert.equal(undo?.type, 'command', JSON.stringify(undo));
      assert.equal((await describe('x1'))?.code, 'not_found');
      assert.equal((await describe('x0'))?.type, 'report');
      await c.request([{ type: 'command', name: 'un', command: 'undo' }]);
      assert.equal((await describe('x0'))?.code, 'not_found');
    } finally {
      c.close();
    }
  });

  it('a group that fails on a later column in R leaves the old dataset in R, as in the store', async () => {
    const c = await connect(ts, user.cookie);
    const id = await userIdOf(ts, user.email);
    const col = (name: string, n: number, x: number): PanthrVector => ({
      type: 'vector',
      name,
      variableType: 'scalar',
      values: new Float64Array(n).fill(x),
    });
    const mean = async (variable: string): Promise<unknown> => {
      const [r] = await c.request([
        {
          type: 'report',
          name: 'rk',
          reportType: 'descriptives',
          dataset: 'k',
          variables: [variable],
        },
      ]);
      return (r?.result as { rows?: unknown[][] } | undefined)?.rows?.[0]?.[3] ?? r?.code;
    };
    // R itself refuses to set a column named "boom" (a method in the session's global
    // environment, found before data.frame's own): what a failure on column k looks like.
    const refuse = (on: boolean): Promise<unknown> =>
      ts.server.app.realtime.inspectR(id, (conn) =>
        conn.voidEval(
          on
            ? 'assign("[[<-.data.frame", function(x, i, value) { if (identical(i, "boom")) stop("refused here"); NextMethod() }, envir = globalenv())'
            : 'rm("[[<-.data.frame", envir = globalenv())',
          { timeoutMs: 5000 },
        ),
      );
    try {
      const [old] = await c.request([
        { type: 'dataset', name: 'k', variables: [col('a', 6, 1), col('b', 6, 2)] },
      ]);
      assert.equal(old?.type, 'dataset');
      await refuse(true);
      const whole = {
        type: 'dataset' as const,
        name: 'k',
        variables: [col('a', 6, 5), col('boom', 6, 7)],
      };
      const added = {
        ...whole,
        append: true as const,
        variables: [col('b', 6, 9), col('boom', 6, 7)],
      };
      for (const d of [whole, added]) {
        const parts = uploadParts(d, 100);
        assert.ok(parts.length > 2 && parts.every((p) => p.slice !== undefined));
        const replies = await send(c, parts);
        assert.equal(replies.at(-1)?.code, 'r_error', JSON.stringify(replies.at(-1)));
        assert.equal(await mean('a'), 1, 'R holds the old "a"');
        assert.equal(await mean('b'), 2, 'R holds the old "b"');
        assert.equal(await mean('boom'), 'not_found');
      }
      const held = await ts.server.app.realtime.inspectR(id, async (conn, names) =>
        conn
          .eval(
            'sort(grep("^[.]panthr_d[0-9]+$", ls(all.names = TRUE, envir = globalenv()), value = TRUE))',
            {
              timeoutMs: 5000,
            },
          )
          .then((v) => ({ v, names })),
      );
      assert.deepEqual(
        (held.v as unknown as { values: string[] }).values,
        [...held.names.values()].sort(),
        'no half-built frame is left in R',
      );
    } finally {
      await refuse(false).catch(() => undefined);
      c.close();
    }
    const again = await connect(ts, user.cookie);
    try {
      const k = (again.received[0]?.objects ?? []).find((o) => o.name === 'k');
      const vars = k?.variables as { name: string; values: unknown[] }[];
      assert.deepEqual(
        vars.map((v) => [v.name, v.values[0]]),
        [
          ['a', 1],
          ['b', 2],
        ],
      );
    } finally {
      again.close();
    }
  });

  it('refuses a group whose checksums differ, or a slice of another tab, storing nothing', async () => {
    const a = await connect(ts, user.cookie);
    const b = await connect(ts, user.cookie);
    const col = (name: string, x: number): PanthrVector => ({
      type: 'vector',
      name,
      variableType: 'scalar',
      values: new Float64Array(40).map((_, i) => i * x),
    });
    const d = { type: 'dataset' as const, name: 'm', variables: [col('p', 1), col('q', 2)] };
    const parts = uploadParts(d, 200) as (Record<string, unknown> & {
      slice: { from: number; rows: number; checksums?: Record<string, string> };
    })[];
    assert.ok(parts.length > 3 && parts[0]?.slice.checksums?.q !== undefined);
    const report = async (): Promise<unknown> =>
      (
        await a.request([
          {
            type: 'report',
            name: 'rm',
            reportType: 'descriptives',
            dataset: 'm',
            variables: ['q'],
          },
        ])
      )[0]?.code;
    try {
      // Checksums that are not those of the values: nothing is stored or run.
      const first = parts[0];
      const tampered = {
        ...first,
        slice: { ...first.slice, checksums: { p: first.slice.checksums?.p, q: '00000000' } },
      };
      const replies = await send(a, [tampered, ...parts.slice(1)]);
      assert.equal(replies.at(-1)?.code, 'invalid_object', JSON.stringify(replies.at(-1)));
      assert.match(String(replies.at(-1)?.message), /values received for q of "m"/);
      assert.equal(await report(), 'not_found');
      // Another tab's slice never continues this tab's upload, and leaves it going.
      await send(a, parts.slice(0, 2));
      const [foreign] = await send(b, parts.slice(2, 3));
      assert.equal(foreign?.code, 'invalid_object');
      assert.match(String(foreign?.message), /started by another connection/);
      const rest = await send(a, parts.slice(2));
      assert.ok(
        rest.every((r) => r.type === 'dataset'),
        JSON.stringify(rest.at(-1)),
      );
      assert.equal(await report(), undefined, 'the upload finished');
      // Deleting the dataset ends an upload of it under way.
      await send(a, parts.slice(0, 2));
      await a.request([{ type: 'command', name: 'del', command: 'delete', target: 'm' }]);
      const [after] = await send(a, parts.slice(2, 3));
      assert.match(String(after?.message), /no upload of "m"/);
      // A tab that leaves takes its upload with it: the slice is not "another connection's".
      await send(b, parts.slice(0, 2));
      b.close();
      await new Promise((r) => setTimeout(r, 300));
      const [orphan] = await send(a, parts.slice(2, 3));
      assert.match(String(orphan?.message), /no upload of "m"/);
    } finally {
      a.close();
      b.close();
    }
  });
});
