/**
 * The client's workspace model (issue 10, defect 1): the workspace sent on connect is state
 * (a command in it is a record, never applied again), and a replaced variable keeps its
 * place, as on the server.
 */
import assert from 'node:assert/strict';
import { WorkspaceModel } from '../../client/src/model.ts';
import type { CommandOf, Dataset, Vector } from '../../client/src/types.ts';

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
