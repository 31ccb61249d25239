/**
 * API 1.1 `undo` / `redo` and live results over the real server: the history is in the
 * store (it survives a reconnect and a server restart), R's copy follows every undo (a
 * descriptives computed afterwards by R sees the restored values), outputs computed from
 * changed data are re-run and pushed to every tab, and an output whose variable is gone
 * says so.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser, login, type TestClient, type TestUser } from '../fixtures/users.ts';

type Obj = Record<string, unknown>;

const CSV = 'x;g\n1,5;a\n2,5;b\n3,5;a\n4,5;b\n';
const readCsv = {
  ...{ type: 'command', name: 'd', command: 'read', format: 'csv', text: CSV },
  ...{ separator: ';', decimal: ',' },
};
const report = {
  ...{ type: 'report', name: 'm', reportType: 'descriptives', dataset: 'd' },
  ...{ variables: ['x'], statistics: ['n', 'mean'] },
};
const edit = (name: string, row: number, value: number): Obj => ({
  type: 'command',
  name,
  command: 'edit',
  dataset: 'd',
  variable: 'x',
  rows: [row],
  values: [value],
});
const undo = (name: string): Obj => ({ type: 'command', name, command: 'undo' });
const redo = (name: string): Obj => ({ type: 'command', name, command: 'redo' });

/** The mean of the descriptives result `o` (columns n, mean). */
function mean(o: Obj | undefined): unknown {
  return (o?.['result'] as { rows: unknown[][] } | undefined)?.rows[0]?.[2];
}

/** The next push (replyTo null) after `from` messages that holds an object named `name`. */
function pushed(c: TestClient, from: number, name: string): Promise<Obj> {
  return c.until(
    () =>
      c.received
        .slice(from)
        .filter((m) => m.replyTo === null)
        .flatMap((m) => m.objects)
        .find((o) => o.name === name),
    30_000,
    `a push of ${name}`,
  );
}

/** Waits for a push to `c` of report `name` whose mean is `expected` (and to no other). */
async function pushedMean(c: TestClient, from: number, name: string, expected: number) {
  await c.until(
    () =>
      c.received
        .slice(from)
        .filter((m) => m.replyTo === null)
        .flatMap((m) => m.objects)
        .some((o) => o.name === name && mean(o) === expected),
    30_000,
    `a push of ${name} with mean ${expected}`,
  );
}

/** The values of `x` in dataset `d` of the workspace sent on connect. */
function xOnConnect(c: TestClient): unknown {
  const d = c.received[0]?.objects.find((o) => o.name === 'd') as
    { variables: { name: string; values: unknown }[] } | undefined;
  return d?.variables.find((v) => v.name === 'x')?.values;
}

describe('data: undo, redo and live results (API 1.1)', function () {
  this.timeout(180_000);
  let ts: TestServer;
  let user: TestUser;

  before(async () => {
    ts = await startTestServer({});
    user = await createUser(ts, 'undo');
  });
  after(async () => ts?.stop());

  it('undoes and redoes an edit in R and the store; outputs re-run in every tab', async () => {
    const a = await connect(ts, user.cookie);
    const b = await connect(ts, user.cookie);
    const read = (await a.request([readCsv]))[0] as { type: string; result: { dataset: Obj } };
    assert.equal(read.type, 'command');
    assert.equal(read.result.dataset['type'], 'dataset');
    assert.equal(mean((await a.request([report]))[0]), 3);

    let seen = a.received.length;
    await a.request([edit('e1', 1, 9.5)]);
    // The report runs again with the new data and reaches both tabs.
    assert.equal(mean(await pushed(a, seen, 'm')), 5);
    await pushedMean(b, 0, 'm', 5);

    seen = a.received.length;
    const u = await a.request([undo('u1')]);
    assert.deepEqual(u[0]?.['result'], {
      undone: 'edit of variable "x" of dataset "d"',
      removed: [],
    });
    assert.equal(u[1]?.name, 'd');
    assert.equal(mean(await pushed(a, seen, 'm')), 3);
    // Re-running an output is not a change: redo is still there.
    assert.equal(mean((await a.request([report]))[0]), 3);

    seen = a.received.length;
    const seenB = b.received.length;
    const r = await a.request([redo('r1')]);
    assert.deepEqual(r[0]?.['result'], {
      redone: 'edit of variable "x" of dataset "d"',
      removed: [],
    });
    assert.equal(mean(await pushed(a, seen, 'm')), 5);
    await pushedMean(b, seenB, 'm', 5);
    a.close();
    b.close();
  });

  it('keeps the history across a reconnect; a new change clears redo', async () => {
    const a = await connect(ts, user.cookie);
    await a.request([edit('e2', 2, 10)]);
    a.close();
    const b = await connect(ts, user.cookie);
    assert.deepEqual(xOnConnect(b), [9.5, 10, 3.5, 4.5]);
    const u = await b.request([undo('u2'), { ...report, name: 'm2' }]);
    assert.equal(
      u[0]?.['result'] && (u[0]['result'] as Obj)['undone'],
      'edit of variable "x" of dataset "d"',
    );
    // R holds the restored values: a report computed right after sees them.
    assert.equal(mean(u.find((o) => o.name === 'm2')), 5);
    await b.request([edit('e3', 3, 0)]);
    const r = await b.request([redo('r2')]);
    assert.equal(r[0]?.type, 'error');
    assert.equal(r[0]?.['code'], 'not_found');
    b.close();
  });

  it('an edit that changes nothing is no step of the history, and leaves redo alone', async () => {
    const other = await createUser(ts, 'undo-noop');
    const a = await connect(ts, other.cookie);
    await a.request([readCsv]);
    await a.request([edit('n1', 1, 9.5)]);
    const same = await a.request([edit('n2', 1, 9.5)]);
    assert.equal(same[0]?.type, 'command', JSON.stringify(same[0]));
    const x = (same[0]?.['result'] as { variable: { values: unknown } }).variable.values;
    assert.deepEqual(x, [9.5, 2.5, 3.5, 4.5]);
    const u = await a.request([undo('n3')]);
    assert.equal((u[0]?.['result'] as Obj)['undone'], 'edit of variable "x" of dataset "d"');
    // Undone: x is as read. Editing a cell to the value it has now keeps the redo.
    await a.request([edit('n4', 2, 2.5)]);
    const r = await a.request([redo('n5')]);
    assert.equal((r[0]?.['result'] as Obj)['redone'], 'edit of variable "x" of dataset "d"');
    a.close();
    const b = await connect(ts, other.cookie);
    assert.deepEqual(xOnConnect(b), [9.5, 2.5, 3.5, 4.5]);
    // A long column of numbers is stored binary: a no-op edit of it is no change either.
    const values = Array.from({ length: 5000 }, (_, i) => i);
    await b.request([
      {
        type: 'dataset',
        name: 'd',
        variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values }],
      },
    ]);
    await b.request([edit('n6', 1, 7)]);
    await b.request([edit('n7', 1, 7)]);
    const undone = await b.request([undo('n8'), undo('n9')]);
    assert.deepEqual(
      undone.filter((o) => o.type === 'command').map((o) => (o['result'] as Obj)['undone']),
      ['edit of variable "x" of dataset "d"', 'dataset "d"'],
    );
    b.close();
  });

  it('an output whose dataset is deleted says so; undoing the deletion brings it back', async () => {
    const a = await connect(ts, user.cookie);
    const seen = a.received.length;
    const del = await a.request([{ type: 'command', name: 'x1', command: 'delete', target: 'd' }]);
    assert.equal(del[0]?.type, 'command');
    const gone = await pushed(a, seen, 'm');
    assert.equal(gone.type, 'error');
    assert.match(String(gone['message']), /cannot be computed again.*"d"/);
    const seen2 = a.received.length;
    const u = await a.request([undo('u3')]);
    assert.equal((u[0]?.['result'] as Obj)['undone'], 'deletion of "d"');
    assert.ok(u.some((o) => o.name === 'd' && o.type === 'dataset'));
    assert.equal(mean(await pushed(a, seen2, 'm')), (9.5 + 2.5 + 0 + 4.5) / 4);
    a.close();
  });

  it('an output, note or command named as a dataset: replacing it is a change undo takes back', async () => {
    const a = await connect(ts, user.cookie);
    const values = (o: Obj | undefined): unknown =>
      (o?.['variables'] as { name: string; values: unknown }[] | undefined)?.find(
        (v) => v.name === 'x',
      )?.values;
    await a.request([{ ...readCsv, name: 'c1' }]);
    await a.request([{ ...edit('c1e', 1, 7), dataset: 'c1' }]);
    // A command keeps its own reply, whatever the workspace holds under its name.
    const nv = await a.request([
      { type: 'command', name: 'c1', command: 'newvar', dataset: 'c1', variable: 'z' },
    ]);
    assert.equal(nv[0]?.type, 'error', 'newvar without a formula');
    const [made] = await a.request([
      {
        type: 'command',
        name: 'c1',
        command: 'newvar',
        dataset: 'c1',
        variable: 'z',
        formula: 'x * 3',
      },
    ]);
    assert.equal(made?.type, 'command', JSON.stringify(made).slice(0, 200));
    assert.deepEqual(
      (made?.['result'] as { variable: Obj }).variable['values'],
      [21, 7.5, 10.5, 13.5],
    );
    // A report named as its dataset replaces it (API.md §3); undo brings the dataset back.
    const [rep] = await a.request([{ ...report, name: 'c1', dataset: 'c1' }]);
    assert.equal(rep?.type, 'report');
    assert.equal(mean(rep), (7 + 2.5 + 3.5 + 4.5) / 4);
    const u1 = await a.request([undo('cu1')]);
    assert.equal(
      (u1[0]?.['result'] as Obj)['undone'],
      'replacement of dataset "c1" by a report',
      JSON.stringify(u1[0]),
    );
    const back = u1.find((o) => o.name === 'c1' && o.type === 'dataset');
    assert.deepEqual(values(back), [7, 2.5, 3.5, 4.5]);
    // The changes before it still undo in order: the new variable, then the edit.
    const u2 = await a.request([undo('cu2')]);
    assert.equal((u2[0]?.['result'] as Obj)['undone'], 'variable "z" of dataset "c1" computed');
    const u3 = await a.request([undo('cu3')]);
    assert.equal((u3[0]?.['result'] as Obj)['undone'], 'edit of variable "x" of dataset "c1"');
    assert.deepEqual(values(u3.find((o) => o.name === 'c1')), [1.5, 2.5, 3.5, 4.5]);
    // A note replacing the dataset is a change too: undo takes the note off, not the edit.
    await a.request([{ ...edit('c1f', 2, 9), dataset: 'c1' }]);
    await a.request([{ type: 'note', name: 'c1', text: 'oops' }]);
    const u4 = await a.request([undo('cu4')]);
    assert.equal((u4[0]?.['result'] as Obj)['undone'], 'replacement of dataset "c1" by a note');
    assert.deepEqual(values(u4.find((o) => o.name === 'c1')), [1.5, 9, 3.5, 4.5]);
    const r1 = await a.request([redo('cr1')]);
    assert.ok(
      r1.some((o) => o.name === 'c1' && o.type === 'note'),
      JSON.stringify(r1),
    );
    a.close();
  });

  it('undoes an import (the dataset goes) and keeps at least 50 changes', async () => {
    const a = await connect(ts, user.cookie);
    await a.request([{ ...readCsv, name: 'd2' }]);
    for (let i = 1; i <= 51; i++) await a.request([{ ...edit(`k${i}`, 1, i), dataset: 'd2' }]);
    for (let i = 1; i <= 50; i++) {
      const u = await a.request([undo(`z${i}`)]);
      assert.equal(u[0]?.type, 'command', JSON.stringify(u[0]));
    }
    const m3 = await a.request([{ ...report, name: 'm3', dataset: 'd2' }]);
    assert.equal(mean(m3[0]), (1 + 2.5 + 3.5 + 4.5) / 4);
    a.close();
  });
});

describe('data: undo after a server restart (API 1.1)', function () {
  this.timeout(180_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-undo-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('undoes a read and an edit made before the restart', async () => {
    let ts = await startTestServer({ data_dir: dir });
    let user: TestUser;
    try {
      user = await createUser(ts, 'restart');
      const a = await connect(ts, user.cookie);
      await a.request([readCsv, edit('e1', 4, 100)]);
      a.close();
    } finally {
      await ts.stop();
    }
    ts = await startTestServer({ data_dir: dir });
    try {
      const cookie = await login(ts, user.email, user.password);
      const a = await connect(ts, cookie);
      assert.deepEqual(xOnConnect(a), [1.5, 2.5, 3.5, 100]);
      const u1 = await a.request([undo('u1'), report]);
      assert.equal(mean(u1.find((o) => o.name === 'm')), 3);
      const u2 = await a.request([undo('u2')]);
      assert.deepEqual(u2[0]?.['result'], { undone: 'import of dataset "d"', removed: ['d'] });
      a.close();
      const b = await connect(ts, cookie);
      assert.equal(xOnConnect(b), undefined);
      b.close();
    } finally {
      await ts.stop();
    }
  });
});
