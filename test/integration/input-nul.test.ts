/**
 * A NUL character (U+0000) in any text of a client object (a value, a label, a missing
 * code, a title, an option) or in a CSV cell is refused with `invalid_object` naming the
 * field, through the real server: R's strings cannot hold NUL, and before this check the
 * QAP1 encoder threw and the client got `internal`. Nothing is stored, and the user's
 * session carries on.
 */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient } from '../fixtures/users.ts';

const NUL = '\u0000';
const vector = (extra: Record<string, unknown>) => ({
  type: 'vector',
  name: 'g',
  variableType: 'nominal',
  values: ['a', 'b', 'a'],
  ...extra,
});
const dataset = (name: string, variable: Record<string, unknown>) => ({
  type: 'dataset',
  name,
  variables: [variable],
});
const good = dataset('good', vector({}));

/** Each case: the object, and the field its error must name. */
const CASES: [string, Record<string, unknown>, RegExp][] = [
  [
    'a nominal value',
    dataset('d1', vector({ values: ['a', `b${NUL}c`, 'a'] })),
    /"variables\[0\]\.values\[1\]"/,
  ],
  [
    'a level label',
    dataset('d2', vector({ values: [1, 2, 1], labels: ['x', `y${NUL}`] })),
    /"variables\[0\]\.labels\[1\]"/,
  ],
  [
    'a coded label',
    dataset('d3', vector({ values: [1, 2, 1], labels: { '1': 'x', '2': `${NUL}` } })),
    /"variables\[0\]\.labels\.2"/,
  ],
  [
    'a missing code',
    dataset('d4', vector({ missing: [`n${NUL}a`] })),
    /"variables\[0\]\.missing\[0\]"/,
  ],
  ["a variable's label", dataset('d5', vector({ label: `G${NUL}` })), /"variables\[0\]\.label"/],
  [
    "a graph's title",
    { type: 'graph', name: 'h', graphType: 'bar', dataset: 'good', variables: ['g'], label: NUL },
    /"label"/,
  ],
  [
    "a report's description",
    {
      type: 'report',
      name: 'r',
      reportType: 'frequency',
      dataset: 'good',
      variables: ['g'],
      description: `x${NUL}`,
    },
    /"description"/,
  ],
  [
    'a CSV cell',
    { type: 'command', name: 'c1', command: 'read', format: 'csv', text: `a,b\n1,x\n2,y${NUL}z\n` },
    /line 3 column 2 \("b"\)/,
  ],
  [
    'a CSV header',
    { type: 'command', name: 'c2', command: 'read', format: 'csv', text: `a,b${NUL}\n1,x\n` },
    /line 1 column 2 of the header/,
  ],
];

describe('input: a NUL character is invalid_object naming the field', function () {
  this.timeout(60_000);
  const ts = useTestServer();
  let client: TestClient | undefined;
  after(() => client?.close());

  it('refuses each field with a NUL, keeps the rest and the session', async () => {
    const user = await createUser(ts, 'nul');
    client = await connect(ts, user.cookie);
    const [first] = await client.request([good]);
    assert.equal(first?.type, 'dataset', JSON.stringify(first));
    for (const [what, object, field] of CASES) {
      const [answer] = await client.request([object]);
      assert.equal(answer?.type, 'error', `${what}: ${JSON.stringify(answer)}`);
      assert.equal(answer?.code, 'invalid_object', `${what}: ${JSON.stringify(answer)}`);
      assert.equal(answer?.name, object.name, `${what}: ${JSON.stringify(answer)}`);
      assert.match(String(answer?.message), field, `${what}: ${JSON.stringify(answer)}`);
      assert.match(String(answer?.message), /NUL/, what);
    }
    // R still answers, and the refused objects were not stored.
    const [report] = await client.request([
      { type: 'report', name: 'f', reportType: 'frequency', dataset: 'good', variables: ['g'] },
    ]);
    assert.equal(report?.type, 'report', JSON.stringify(report));
    client.close();
    client = await connect(ts, user.cookie);
    const names = client.received[0]?.objects.map((o) => o.name);
    assert.deepEqual(names, ['good', 'f']);
  });
});
