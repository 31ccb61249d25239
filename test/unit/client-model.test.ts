/**
 * The client's workspace model (issue 10, defect 1): the workspace sent on connect is state
 * (a command in it is a record, never applied again), and a replaced variable keeps its
 * place, as on the server.
 */
import assert from 'node:assert/strict';
import { WorkspaceModel } from '../../client/src/model.ts';
import type { CommandOf, Dataset, ObjectOf, Vector } from '../../client/src/types.ts';

const vec = (name: string, values: number[]): Vector => ({
  type: 'vector',
  name,
  variableType: 'scalar',
  values,
});
const tg: Dataset = {
  type: 'dataset',
  name: 'tg',
  variables: [vec('len', [4.2, 33.9]), vec('dose', [0.5, 2])],
};
const newvar = (result?: unknown): CommandOf<'newvar'> & { result?: unknown } => ({
  type: 'command',
  name: 'n1',
  command: 'newvar',
  dataset: 'tg',
  variable: 'len',
  formula: 'len * 2',
  ...(result === undefined ? {} : { result }),
});

describe('client workspace model: what R holds', () => {
  it('never applies a command from the workspace sent on connect', () => {
    const m = new WorkspaceModel();
    // An older server sent the record with its old result: still not applied.
    m.reset([tg, newvar({ variable: vec('len', [8.4, 67.8]) })]);
    assert.deepEqual(m.dataset('tg')?.variables, tg.variables);
    assert.equal(m.has('n1'), false);
  });

  it('replaces a variable in its own place, and a new one goes last', () => {
    const m = new WorkspaceModel();
    m.reset([tg]);
    m.apply([newvar({ variable: vec('len', [8.4, 67.8]) })]);
    assert.deepEqual(
      m.dataset('tg')?.variables.map((v) => [v.name, v.values]),
      [
        ['len', [8.4, 67.8]],
        ['dose', [0.5, 2]],
      ],
    );
    m.apply([{ ...newvar({ variable: vec('w', [1, 2]) }), variable: 'w' }]);
    assert.deepEqual(
      m.dataset('tg')?.variables.map((v) => v.name),
      ['len', 'dose', 'w'],
    );
  });

  it('drops an object the newvar record replaced on the server (same name)', () => {
    const m = new WorkspaceModel();
    const other: Dataset = { ...tg, name: 'n1' };
    m.reset([tg, other]);
    m.apply([newvar({ variable: vec('len', [8.4, 67.8]) })]);
    assert.equal(m.dataset('n1'), undefined);
  });
});

describe('client workspace model: an upload in row slices', () => {
  const big: Dataset = {
    type: 'dataset',
    name: 'big',
    label: 'L',
    variables: [vec('a', [1, 2, 3]), vec('b', [4, 5, 6]), vec('c', [7, 8, 9])],
  };
  const sums = { a: '00000001', b: '00000002', c: '00000003' };
  const reply = (
    result: Record<string, unknown>,
    extra: { hash?: number; append?: true } = {},
  ): ObjectOf<'dataset'> => ({
    type: 'dataset',
    name: 'big',
    slice: { from: 0, rows: 3 },
    variables: [],
    result,
    ...extra,
  });

  it('builds the dataset from what was sent once the last slices confirm its checksums', () => {
    const m = new WorkspaceModel();
    m.reset([]);
    m.expectUpload(big, sums);
    m.apply([reply({ rows: 3, received: 2 })]);
    assert.equal(m.dataset('big'), undefined, 'nothing shown before the last slice');
    m.apply([reply({ rows: 3, variables: 2, checksums: { a: sums.a, b: sums.b } }, { hash: 7 })]);
    const first = m.dataset('big');
    assert.deepEqual(
      first?.variables.map((v) => v.name),
      ['a', 'b'],
    );
    assert.equal(first?.label, 'L');
    assert.equal(first?.hash, 7);
    m.apply([
      reply({ rows: 3, variables: 3, checksums: { c: sums.c } }, { append: true, hash: 8 }),
    ]);
    const whole = m.dataset('big');
    assert.deepEqual(whole?.variables, big.variables);
    assert.equal(whole?.hash, 8);
    assert.equal(m.errorFor('big'), undefined);
  });

  it('shows an error instead when the server names other checksums', () => {
    const m = new WorkspaceModel();
    m.reset([]);
    m.expectUpload(big, sums);
    m.apply([reply({ rows: 3, variables: 3, checksums: { ...sums, b: 'ffffffff' } }, { hash: 3 })]);
    assert.equal(m.dataset('big'), undefined);
    assert.equal(m.errorFor('big')?.code, 'checksum_mismatch');
    assert.match(String(m.errorFor('big')?.message), /for b:/);
  });

  it('forgets an upload the server refused: a later reply is not matched with it', () => {
    const m = new WorkspaceModel();
    m.reset([]);
    m.expectUpload(big, sums);
    m.apply([
      { type: 'error', name: 'big', code: 'invalid_object', message: 'the values received...' },
    ]);
    m.apply([reply({ rows: 3, variables: 3, checksums: sums }, { hash: 4 })]);
    assert.equal(m.dataset('big'), undefined);
    assert.equal(m.errorFor('big')?.code, 'invalid_object');
  });

  it('never takes a slice reply for the dataset itself (another upload, or none expected)', () => {
    const m = new WorkspaceModel();
    m.reset([tg]);
    m.apply([{ ...reply({ rows: 2, variables: 2, checksums: {} }), name: 'tg' }]);
    assert.deepEqual(m.dataset('tg'), tg);
  });
});
