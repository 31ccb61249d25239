/**
 * One PanthR object type (issue 17): the client's objects, requests and replies are the
 * server's, the types inferred from the zod schemas in converters/. The type checks below
 * are compiled by tsc over test/ (scripts/test, `npm run check`) and fail to compile when
 * either side drifts: a client type written by hand again, a key or an error code only one
 * side knows, a second error object type on the server. The runtime checks hold the few
 * lists the browser keeps apart from the schemas (it cannot load zod) to them.
 */
import assert from 'node:assert/strict';
import {
  parseServerData,
  type ClientData,
  type ServerData as ClientServerData,
} from '../../client/src/protocol.ts';
import { analysisById, buildRequest } from '../../client/src/analyses.ts';
import { editCommand } from '../../client/src/cell-edit.ts';
import { WorkspaceModel } from '../../client/src/model.ts';
import { jsonValues } from '../../client/src/binary.ts';
import type { GraphSettings as EditorSettings } from '../../client/src/settings.ts';
import * as client from '../../client/src/types.ts';
import {
  ERROR_CODES,
  OBJECT_TYPES,
  isErrorObjectCode,
  isStoredPanthrObject,
  validateObject,
  type GraphSettings,
  type JsonDataset,
  type JsonForm,
  type JsonVector,
  type PanthrError,
  type PanthrObject,
  type ReplyObject,
  type StoredPanthrObject,
} from '../../converters/index.ts';
import type { ComputeErrorObject } from '../../server/compute/index.ts';
import { ErrorCode } from '../../server/errors.ts';
import type { ErrorObject, ServerData } from '../../server/sessions/index.ts';

/** True only when A and B are the same type (not merely assignable one way). */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only for `true`. */
type Holds<T extends true> = T;

/** What the server sends, once a client turned binary values into JSON. */
type Received = JsonForm<ServerData['objects'][number]>;
/** A client's reply objects less the one it makes itself (a reply the connection lost). */
type FromServer = Exclude<client.Reply, client.LostReply>;

// The type-level checks: unused aliases, each compiles only if its condition holds.
export type Checks = [
  // The client's object types are the schema's types, not copies of them.
  Holds<Equal<client.PObject, JsonForm<StoredPanthrObject>>>,
  Holds<Equal<client.Vector, JsonVector>>,
  Holds<Equal<client.Dataset, JsonDataset>>,
  Holds<Equal<client.PanthrObject, PanthrObject>>,
  Holds<Equal<Exclude<client.ErrorObject, client.LostReply>, PanthrError>>,
  // What the server puts in a `data` message is what the client reads from it...
  Holds<Equal<Received, FromServer>>,
  Holds<Equal<ClientServerData['objects'][number], client.Reply>>,
  Holds<Equal<JsonForm<ReplyObject>, FromServer>>,
  // ...and what the client sends is what the server validates.
  Holds<Equal<ClientData['objects'][number], PanthrObject>>,
  // Both ways: a workspace object the client holds may be sent back as a request, and a
  // request the server accepted is a workspace object once stored (JSON values).
  Holds<client.PObject extends PanthrObject ? true : false>,
  Holds<JsonForm<PanthrObject> extends client.PObject ? true : false>,
  // One error object on the server: the sessions', the compute layer's and the schema's.
  Holds<Equal<ErrorObject, PanthrError>>,
  Holds<ComputeErrorObject extends PanthrError ? true : false>,
  // An error object's codes are wire codes the server knows.
  Holds<[PanthrError['code']] extends [ErrorCode] ? true : false>,
  // The settings editor holds the schema's graph settings, every key of them.
  Holds<EditorSettings extends GraphSettings ? true : false>,
  Holds<Equal<keyof EditorSettings, keyof GraphSettings>>,
  // OBJECT_TYPES names every type of object, and only those.
  Holds<Equal<(typeof OBJECT_TYPES)[number], PanthrObject['type']>>,
];

describe('one PanthR object type for the client and the server (issue 17)', () => {
  it("takes every object type of the schemas, and error objects, in the client's replies", () => {
    for (const type of [...OBJECT_TYPES, 'error'])
      assert.ok(client.isPObject({ type, name: 'a' }), type);
    assert.ok(client.isPObject({ type: 'error', name: null, code: 'r_error', message: 'x' }));
    assert.equal(client.isPObject({ type: 'workspace', name: 'a' }), false);
    assert.equal(client.isPObject({ type: 'report', name: null }), false);
  });

  it('builds requests that the server validates as they are', () => {
    const requests: PanthrObject[] = [
      editCommand('e1', 'd', 'x', 2, 4.5),
      ...['descriptives', 't.test', 'hist'].map((id) => {
        const a = analysisById(id);
        assert.ok(a, id);
        return buildRequest(a, 'd', `o${id.replace('.', '')}`, {
          slots: { y: ['x'], x: ['x'], variables: ['x'] },
          options: {},
        });
      }),
    ];
    for (const r of requests) {
      const v = validateObject(r);
      assert.ok(v.ok, `${r.name}: ${v.ok ? '' : v.message}`);
      assert.deepEqual(v.object, r, `${r.name} is taken whole`);
    }
  });

  it("reads the server's objects, binary values and all, into the client's model", () => {
    const raw = {
      type: 'dataset',
      name: 'd',
      variables: [
        {
          type: 'vector',
          name: 'x',
          variableType: 'scalar',
          values: new Float64Array([1, NaN, 3]),
        },
        { type: 'vector', name: 'g', variableType: 'nominal', values: ['a', 'b', null] },
      ],
    };
    const v = validateObject(raw);
    assert.ok(v.ok);
    const sent: ServerData = { seq: 1, replyTo: null, objects: [{ ...v.object, hash: 1 }] };
    // As the client's connection takes a message: binary to JSON, then the protocol's check.
    const received = parseServerData(jsonValues(sent));
    assert.ok(received);
    const m = new WorkspaceModel();
    m.reset(received.objects);
    assert.deepEqual(
      m.dataset('d')?.variables.map((x) => x.values),
      [
        [1, null, 3],
        ['a', 'b', null],
      ],
    );
  });

  it("keeps error objects to the schema's codes, which the server knows", () => {
    const known: readonly string[] = Object.values(ErrorCode);
    for (const code of ERROR_CODES) assert.ok(known.includes(code), code);
    assert.equal(isErrorObjectCode('r_error'), true);
    assert.equal(isErrorObjectCode(ErrorCode.badRequest), false, 'an HTTP code');
  });

  it('tells stored PanthR objects from records of another kind', () => {
    assert.ok(isStoredPanthrObject({ type: 'note', name: 'n', text: 'x' }));
    assert.equal(isStoredPanthrObject({ type: 'change', name: '~change.1' }), false);
    assert.equal(isStoredPanthrObject({ name: 'x' }), false);
  });
});
