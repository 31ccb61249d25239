/**
 * Payloads for the realtime fuzz test: seeded random events (fast-check) and hand-made
 * hostile cases, each with what must happen to the connection that sent it.
 */
import fc from 'fast-check';
import type { TestClient } from '../fixtures/users.ts';

/** What a hostile payload may do to its connection. */
export type Outcome = 'answers' | 'dropped';

/** A hand-made hostile payload. */
export interface HostileCase {
  readonly name: string;
  /** `dropped` only where Socket.IO itself documents closing the connection. */
  readonly expect: Outcome;
  send(c: TestClient): void;
}

/** Events a client may not emit (socket.io-client throws); sent raw in the hostile cases. */
const RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);
const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  '$set',
  'a.b',
  '.',
  '',
  'toString',
  'hasOwnProperty',
];
const FIELDS = [
  'type',
  'name',
  'variables',
  'values',
  'variableType',
  'dataset',
  'reportType',
  'test',
  'graphType',
  'command',
  'formula',
  'options',
  'by',
  'filter',
  'labels',
  'missing',
  'format',
  'width',
  'height',
  'code',
  'text',
  'target',
  'variable',
  'settings',
  'xaxis',
  'label',
  'description',
  'hash',
  'result',
];
const TYPES = ['vector', 'dataset', 'filter', 'command', 'report', 'test', 'graph', 'r', 'error'];

const vector = (name: string, values: unknown[]) => ({
  type: 'vector',
  name,
  variableType: 'scalar',
  values,
});
/** Valid objects that the near-valid generator mutates one field of. */
const TEMPLATES: readonly Record<string, unknown>[] = [
  {
    type: 'dataset',
    name: 'fz',
    variables: [vector('y', [1, 2, 3, 4]), vector('z', [4, 3, 2, 9])],
  },
  { type: 'report', name: 'rp', reportType: 'descriptives', dataset: 'fz', variables: ['y'] },
  { type: 'report', name: 'fq', reportType: 'frequency', dataset: 'fz', variables: ['y'] },
  { type: 'test', name: 'tt', test: 't.test', dataset: 'fz', variables: ['y'], options: {} },
  { type: 'test', name: 'lm', test: 'lm', dataset: 'fz', variables: ['y', 'z'] },
  { type: 'graph', name: 'gr', graphType: 'hist', dataset: 'fz', variables: ['y'] },
  { type: 'filter', name: 'fl', dataset: 'fz', formula: 'y > 1' },
  {
    type: 'command',
    name: 'nv',
    command: 'newvar',
    dataset: 'fz',
    variable: 'w',
    formula: 'y * 2',
  },
  { type: 'command', name: 'rd', command: 'read', format: 'csv', text: 'a,b\n1,x\n2,y\n' },
  { type: 'command', name: 'dl', command: 'delete', target: 'rp' },
  { type: 'r', name: 'rr', code: '1 + 1' },
];

const anyValue = fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true });
const validName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,10}$/);
const fieldValue = fc.oneof(
  anyValue,
  validName,
  fc.array(validName, { maxLength: 4 }),
  fc.array(fc.oneof(fc.double(), fc.constant(null), fc.string()), { maxLength: 20 }),
  fc.constantFrom('descriptives', 'frequency', 't.test', 'lm', 'hist', 'nominal', 'x > 1', 'fz'),
  fc.constantFrom(['y'], ['y', 'z'], ['nope']),
);
const key = fc.oneof(fc.constantFrom(...FIELDS, ...HOSTILE_KEYS), fc.string({ maxLength: 8 }));
/** An object with PanthR-like fields of random types. */
const panthrLike = fc
  .tuple(
    fc.oneof(fc.constantFrom(...TYPES), anyValue),
    fc.oneof(validName, anyValue),
    fc.dictionary(key, fieldValue, { maxKeys: 6 }),
  )
  .map(([type, name, extra]) => ({ ...extra, type, name }));
/** A valid object with one field replaced by a random value, or removed. */
const nearValid = fc
  .tuple(fc.constantFrom(...TEMPLATES), key, fieldValue, fc.boolean())
  .map(([template, k, v, drop]) => {
    const o: Record<string, unknown> = structuredClone(template);
    if (drop) delete o[k];
    else Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
    return o;
  });
const someObject = fc.oneof(panthrLike, nearValid, anyValue);
const dataPayload = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      seq: fc.nat(1_000_000),
      objects: fc.array(someObject, { maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ seq: anyValue, objects: anyValue }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyValue },
);
const binary = fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b));

/** One random event: [name, ...args]. */
const randomEvent: fc.Arbitrary<[string, ...unknown[]]> = fc.oneof(
  { weight: 8, arbitrary: dataPayload.map((p): [string, unknown] => ['data', p]) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(anyValue, fc.record({ seq: fc.oneof(fc.nat(), anyValue) }))
      .map((p): [string, unknown] => ['ok', p]),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(anyValue, fc.record({ t: anyValue }))
      .map((p): [string, unknown] => ['ping', p]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('data', 'ok', 'ping'), binary, fc.boolean())
      .map(([e, b, wrap]): [string, unknown] => [e, wrap ? { seq: 1, objects: [b], t: b } : b]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 12 }).filter((e) => !RESERVED.has(e)),
        fc.array(anyValue, { maxLength: 3 }),
      )
      .map(([e, args]): [string, ...unknown[]] => [e, ...args]),
  },
);

/** `count` random events from `seed` (the same seed gives the same events). */
export function randomEvents(seed: number, count: number): [string, ...unknown[]][] {
  return fc.sample(randomEvent, { seed, numRuns: count });
}

/** A JSON text nested `depth` levels deep (built as text: no recursion anywhere). */
export function deepJson(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object'
    ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
    : '['.repeat(depth) + ']'.repeat(depth);
}

/** Sends a raw Socket.IO packet (`2[...]` is an EVENT) over the client's Engine.IO socket. */
function raw(c: TestClient, packet: string): void {
  c.socket.io.engine.write(packet);
}

const emit =
  (event: string, ...args: unknown[]) =>
  (c: TestClient): void => {
    c.socket.emit(event, ...args);
  };

function answers(name: string, send: (c: TestClient) => void): HostileCase {
  return { name, expect: 'answers', send };
}
function dropped(name: string, send: (c: TestClient) => void): HostileCase {
  return { name, expect: 'dropped', send };
}

/** Float64 values as bytes (`values` may be binary). */
function float64Bytes(values: number[]): Buffer {
  return Buffer.from(new Float64Array(values).buffer);
}

/** The hand-made hostile cases; `limit` is Socket.IO's message limit in bytes. */
export function hostileCases(limit: number): HostileCase[] {
  const deepObject = deepJson(10_000, 'object');
  const deepArray = deepJson(10_000, 'array');
  const below = 'x'.repeat(Math.floor(limit * 0.7));
  const above = 'x'.repeat(limit + 2 ** 20);
  // A CSV of 50,000 rows x 2 columns (the max_data of the test), a few MB of text.
  const csv = `a,b\n${Array.from({ length: 50_000 }, (_, i) => `${i * 1.5},${i % 7}`).join('\n')}\n`;
  const hostile = JSON.parse(
    '{"type":"dataset","name":"p","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},' +
      '"$where":"sleep(5000)","a.b":1,"variables":[{"type":"vector","name":"a.b","variableType":"nominal",' +
      '"values":[1,2],"labels":{"1":"$where","2":"__proto__"},"__proto__":{"polluted":1}}]}',
  ) as unknown;
  const notFound = (i: number) => ({
    type: 'report',
    name: `nf${i}`,
    reportType: 'descriptives',
    dataset: 'nope',
    variables: ['x'],
  });
  return [
    answers('10,000-deep object in objects', (c) =>
      raw(c, `2["data",{"seq":11,"objects":[${deepObject}]}]`),
    ),
    answers('10,000-deep array as the data payload', (c) => raw(c, `2["data",${deepArray}]`)),
    answers('10,000-deep test options', (c) =>
      raw(
        c,
        `2["data",{"seq":12,"objects":[{"type":"test","name":"t","test":"t.test","dataset":"d","variables":["x"],"options":${deepObject}}]}]`,
      ),
    ),
    answers('10,000-deep graph settings', (c) =>
      raw(
        c,
        `2["data",{"seq":13,"objects":[{"type":"graph","name":"g","graphType":"hist","dataset":"d","variables":["x"],"settings":${deepObject}}]}]`,
      ),
    ),
    answers('10,000-deep ping t', (c) => raw(c, `2["ping",{"t":${deepObject}}]`)),
    answers('10,000-deep ok', (c) => raw(c, `2["ok",${deepArray}]`)),
    answers('10,000-deep unknown event', (c) => raw(c, `2["teleport",${deepObject}]`)),
    answers('huge string (below the limit) as seq', emit('data', { seq: below, objects: [] })),
    answers(
      'huge string as an object name',
      emit('data', { seq: 14, objects: [{ type: 'dataset', name: below }] }),
    ),
    answers(
      'huge string as a vector value',
      emit('data', {
        seq: 15,
        objects: [{ type: 'vector', name: 'hs', variableType: 'nominal', values: [below] }],
      }),
    ),
    answers(
      'huge string as a formula',
      emit('data', {
        seq: 16,
        objects: [{ type: 'filter', name: 'hf', dataset: 'd', formula: below }],
      }),
    ),
    answers('huge string as ping t', emit('ping', { t: below })),
    answers('huge string as ok seq', emit('ok', { seq: below })),
    answers('huge string in an unknown event', emit('teleport', below)),
    answers(
      'CSV read of 100,000 cells',
      emit('data', {
        seq: 17,
        objects: [{ type: 'command', name: 'bigcsv', command: 'read', format: 'csv', text: csv }],
      }),
    ),
    answers('binary as the data payload', emit('data', Buffer.alloc(2 ** 20, 7))),
    answers(
      'binary in objects',
      emit('data', {
        seq: 18,
        objects: [Buffer.alloc(1000, 1), { type: 'dataset', name: Buffer.alloc(3) }],
      }),
    ),
    answers(
      'binary vector values (valid float64)',
      emit('data', {
        seq: 19,
        objects: [vector('bv', [])].map((v) => ({ ...v, values: float64Bytes([1, NaN, 3.5, -0]) })),
      }),
    ),
    answers(
      'binary vector values (odd length)',
      emit('data', { seq: 20, objects: [{ ...vector('bo', []), values: Buffer.alloc(13) }] }),
    ),
    answers(
      'binary vector values (80,000 doubles)',
      emit('data', {
        seq: 21,
        objects: [
          {
            ...vector('bm', []),
            values: float64Bytes(Array.from({ length: 80_000 }, (_, i) => i)),
          },
        ],
      }),
    ),
    answers('binary as ping t and ok seq', (c) => {
      c.socket.emit('ping', { t: Buffer.alloc(64) });
      c.socket.emit('ok', { seq: Buffer.alloc(8) });
    }),
    answers(
      'hostile keys (__proto__, constructor, $where, dots)',
      emit('data', { seq: 22, objects: [hostile] }),
    ),
    answers('hostile keys as the data payload', (c) =>
      raw(
        c,
        '2["data",{"__proto__":{"seq":1,"objects":[]},"constructor":{"prototype":{"seq":2}}}]',
      ),
    ),
    answers(
      '5,000 objects in one message (over the limit)',
      emit('data', { seq: 23, objects: Array.from({ length: 5000 }, (_, i) => notFound(i)) }),
    ),
    answers(
      '1,000 objects in one message',
      emit('data', { seq: 24, objects: Array.from({ length: 1000 }, (_, i) => notFound(i)) }),
    ),
    answers('unknown events and event names', (c) => {
      c.socket.emit('teleport', { seq: 1 });
      c.socket.emit('', 1, 2, 3);
      raw(c, '2[42,{"seq":1}]');
    }),
    answers('an event without payload', (c) => raw(c, '2["data"]')),
    answers('an ack nobody asked for', (c) => raw(c, '3[]')),
    dropped('a second CONNECT for the namespace', (c) => raw(c, '0{}')),
    // Packets Socket.IO's parser cannot read are refused as malformed messages and the
    // connection goes on (server/realtime/forgiving-parser.ts); the next packet is read.
    answers('unparsable packet', (c) => raw(c, '2["data",{"seq":')),
    answers('an event packet that is not an array', (c) => raw(c, '2{"seq":1}')),
    answers('a reserved event name', (c) => raw(c, '2["disconnect"]')),
    answers('an unknown packet type', (c) => raw(c, '9["data"]')),
    answers('a binary packet whose attachment never comes', (c) =>
      raw(c, '51-["data",{"_placeholder":true,"num":0}]'),
    ),
    dropped('huge string above the message limit', emit('data', { seq: 25, objects: [above] })),
    dropped('binary above the message limit', emit('data', Buffer.alloc(limit + 2 ** 20))),
  ];
}
