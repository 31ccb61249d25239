/**
 * Data work (API 1.1) over the real server: a file read from Socket.IO binary bytes, a cell
 * edit, and both surviving a reconnect (the stored dataset and R's copy are the same).
 */
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';
import { rFile } from '../fixtures/compute/rscript.ts';

type Obj = Record<string, unknown>;

describe('data: read and edit over Socket.IO (API 1.1)', function () {
  this.timeout(120_000);
  let ts: TestServer;
  let user: TestUser;

  before(async () => {
    ts = await startTestServer({});
    user = await createUser(ts, 'datart');
  });
  after(async () => ts?.stop());

  it('reads an SPSS file sent as binary, edits a cell, and finds both after a reconnect', async () => {
    const bytes = await rFile(
      'haven::write_sav(data.frame(g = haven::labelled_spss(c(1, 2, 1, 9), c(a = 1, b = 2),\n' +
        '  na_values = 9), x = c(1.5, 2.5, 3.5, 4.5)), path)',
      'sav',
    );
    const a = await connect(ts, user.cookie);
    const read = await a.request([
      { type: 'command', name: 'sp', command: 'read', format: 'sav', data: bytes },
    ]);
    // As for a CSV read: the reply is the command with its result (API.md §3), the dataset
    // in it as stored (under the command's name, with its hash), the bytes left out.
    const reply = read[0] as Obj & {
      result: { dataset: Obj & { variables: Obj[] }; warnings: unknown };
    };
    assert.equal(reply.type, 'command', JSON.stringify(reply).slice(0, 300));
    assert.equal(reply['data'], undefined, 'the bytes are not sent back');
    assert.deepEqual(reply.result.warnings, []);
    const dataset = reply.result.dataset;
    assert.equal(dataset['name'], 'sp');
    assert.equal(typeof dataset['hash'], 'number');
    assert.deepEqual(dataset.variables[0]?.['labels'], { '1': 'a', '2': 'b' });
    assert.deepEqual(dataset.variables[0]?.['missing'], [9]);
    const edit = await a.request([
      {
        type: 'command',
        name: 'e1',
        command: 'edit',
        dataset: 'sp',
        variable: 'x',
        rows: [2],
        values: [10],
      },
      { type: 'report', name: 'm', reportType: 'descriptives', dataset: 'sp', variables: ['x'] },
    ]);
    assert.equal(edit[0]?.type, 'command', JSON.stringify(edit[0]));
    const rows = (edit[1] as { result: { rows: unknown[][] } }).result.rows;
    assert.equal(rows[0]?.[3], (1.5 + 10 + 3.5 + 4.5) / 4);
    a.close();

    const b = await connect(ts, user.cookie);
    const sp = b.received[0]?.objects.find((o) => o.name === 'sp') as
      { variables: { name: string; values: unknown[] }[] } | undefined;
    assert.deepEqual(sp?.variables.find((v) => v.name === 'x')?.values, [1.5, 10, 3.5, 4.5]);
    const again = await b.request([
      { type: 'report', name: 'f', reportType: 'frequency', dataset: 'sp', variables: ['g'] },
    ]);
    const freq = (again[0] as { result: { rows: unknown[][] } }).result.rows;
    assert.deepEqual(
      freq.map((r) => [r[1], r[2]]),
      [
        ['a', 2],
        ['b', 1],
        [null, 1],
      ],
    );
    b.close();
  });
});
