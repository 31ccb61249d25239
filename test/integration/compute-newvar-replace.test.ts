/**
 * Replacing data on real R (issue 10, defects 1 and 2): `newvar` of an existing variable
 * needs `replace: true`; what was computed from the old values is stored again marked
 * `stale`; `newvar` records that no longer describe the data leave the workspace.
 */
import assert from 'node:assert/strict';
import type { PanthrDataset, StoredPanthrObject } from '../../converters/index.ts';
import type { RunOutcome, WorkspaceRuntime } from '../../server/compute/index.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, runRaw } from '../fixtures/compute/run.ts';

const CSV = 'len,supp,dose\n4.2,VC,0.5\n11.5,VC,0.5\n16.5,OJ,1\n33.9,OJ,2\n';

function newvar(name: string, variable: string, formula: string, replace?: boolean) {
  return {
    type: 'command',
    name,
    command: 'newvar',
    dataset: 'tg',
    variable,
    formula,
    ...(replace === undefined ? {} : { replace }),
  };
}

function byName(out: RunOutcome, name: string): StoredPanthrObject | undefined {
  return out.store.find((o) => o.name === name);
}

describe('compute: replacing a variable or a dataset', function () {
  this.timeout(60_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;

  before(async () => {
    r = await startPanthrR();
  });
  beforeEach(async () => {
    rt = await r.runtime();
    await runRaw(rt, { type: 'command', name: 'tg', command: 'read', format: 'csv', text: CSV });
  });
  after(async () => r?.stop());

  it('refuses newvar of an existing variable without replace: true, and changes nothing', async () => {
    for (const replace of [undefined, false]) {
      const e = await errorOf(rt, newvar('n1', 'len', 'len * 2', replace));
      assert.equal(e.code, 'invalid_object');
      assert.match(e.message, /already has a variable "len".*"replace": true/);
    }
    const tg = rt.list().find((o) => o.name === 'tg') as PanthrDataset;
    assert.deepEqual(tg.variables[0]?.values, [4.2, 11.5, 16.5, 33.9]);
  });

  it('replaces in place with replace: true and stores the record without the values', async () => {
    const out = await runRaw(rt, newvar('n1', 'len', 'len * 2', true));
    const reply = out.reply[0] as { result: { variable: { values: unknown[] } } };
    assert.deepEqual(reply.result.variable.values, [8.4, 23, 33, 67.8]);
    const ds = byName(out, 'tg') as PanthrDataset;
    assert.deepEqual(
      ds.variables.map((v) => v.name),
      ['len', 'supp', 'dose'],
      'the replaced variable keeps its place',
    );
    const record = byName(out, 'n1');
    assert.equal(record?.type, 'command');
    assert.equal('result' in (record ?? {}), false, 'a result in the record would be re-applied');
  });

  it('marks what used the old values stale, and only that', async () => {
    const f = { type: 'filter', name: 'big', dataset: 'tg', formula: 'len > 10' };
    const onLen = {
      type: 'report',
      name: 'rLen',
      reportType: 'descriptives',
      dataset: 'tg',
      variables: ['len'],
    };
    const onDose = { ...onLen, name: 'rDose', variables: ['dose'] };
    const doseInBig = { ...onDose, name: 'rDoseBig', filter: 'big' };
    for (const o of [f, onLen, onDose, doseInBig]) await runRaw(rt, o);
    const added = await runRaw(rt, newvar('n0', 'len2', 'len * 2'));
    assert.deepEqual(
      added.store.map((o) => o.name),
      ['n0', 'tg'],
      'a new variable leaves every result current',
    );
    const out = await runRaw(rt, newvar('n1', 'len', 'len * 2', true));
    const stale = out.store.filter((o) => o.stale !== undefined).map((o) => o.name);
    assert.deepEqual(stale.sort(), ['big', 'rDoseBig', 'rLen']);
    assert.match(String(byName(out, 'rLen')?.stale), /variable "len" of dataset "tg" was replaced/);
    assert.deepEqual(
      out.reply.map((o) => o.name),
      ['n1'],
      'the reply holds one object per object sent',
    );
    assert.deepEqual(
      (out.changed ?? []).map((o) => o.name).sort(),
      stale.sort(),
      'the stale results go to every tab after it',
    );
    const again = await runRaw(rt, onLen);
    assert.equal(byName(again, 'rLen')?.stale, undefined, 'running it again makes it current');
  });

  it('drops newvar records whose dataset was replaced or deleted, or whose variable was redefined', async () => {
    await runRaw(rt, newvar('n1', 'len2', 'len * 2'));
    await runRaw(rt, newvar('n2', 'len3', 'len * 3'));
    const redefined = await runRaw(rt, newvar('n3', 'len2', 'len * 4', true));
    assert.deepEqual(redefined.remove, ['n1']);
    const read = { type: 'command', name: 'tg', command: 'read', format: 'csv', text: CSV };
    const report = {
      type: 'report',
      name: 'rep',
      reportType: 'descriptives',
      dataset: 'tg',
      variables: ['dose'],
    };
    await runRaw(rt, report);
    const replaced = await runRaw(rt, read);
    assert.deepEqual(replaced.remove.sort(), ['n2', 'n3']);
    assert.match(String(byName(replaced, 'rep')?.stale), /dataset "tg" was replaced/);
    await runRaw(rt, newvar('n4', 'len2', 'len * 2'));
    const deleted = await runRaw(rt, {
      type: 'command',
      name: 'del',
      command: 'delete',
      target: 'tg',
    });
    assert.deepEqual(deleted.remove.sort(), ['n4', 'tg']);
    assert.match(String(byName(deleted, 'rep')?.stale), /dataset "tg" was deleted/);
    assert.deepEqual(
      rt
        .list()
        .filter((o) => o.type === 'command')
        .map((o) => o.name),
      [],
    );
  });
});
