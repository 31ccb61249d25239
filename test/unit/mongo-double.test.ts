/**
 * The MongoDB test double's own semantics, checked against examples from MongoDB's
 * documentation (not against the server's code): what makes it an independent check of
 * the MongoDB backend.
 */
import assert from 'node:assert/strict';
import { matches, project, sortDocs } from '../fixtures/mongo-wire/query.double.ts';
import { applyOperators, upsertDocument } from '../fixtures/mongo-wire/update.double.ts';

describe('MongoDB test double: queries as MongoDB documents them', () => {
  it('{field: null} matches a null or a missing field', () => {
    assert.equal(matches({ a: null }, { a: null }), true);
    assert.equal(matches({}, { a: null }), true);
    assert.equal(matches({ a: 0 }, { a: null }), false);
  });

  it('equality on an array field matches an element or the whole array', () => {
    assert.equal(matches({ tags: ['x', 'y'] }, { tags: 'y' }), true);
    assert.equal(matches({ tags: ['x', 'y'] }, { tags: ['x', 'y'] }), true);
    assert.equal(matches({ tags: ['x', 'y'] }, { tags: ['y', 'x'] }), false);
    assert.equal(matches({ items: [{ n: 1 }, { n: 2 }] }, { 'items.n': 2 }), true);
  });

  it('compares only within a type (type bracketing) and Dates by time', () => {
    assert.equal(matches({ a: '9' }, { a: { $gt: 5 } }), false);
    assert.equal(matches({ a: 9 }, { a: { $gt: 5, $lte: 9 } }), true);
    assert.equal(matches({ d: new Date(5) }, { d: { $gte: new Date(5) } }), true);
    assert.equal(matches({ d: new Date(5) }, { d: { $gt: 4 } }), false);
  });

  it('$ne and $nin also match a missing field; $exists and $type as documented', () => {
    assert.equal(matches({}, { a: { $ne: 1 } }), true);
    assert.equal(matches({}, { a: { $nin: [1, 2] } }), true);
    assert.equal(matches({ a: null }, { a: { $exists: true } }), true);
    assert.equal(matches({}, { a: { $exists: false } }), true);
    assert.equal(matches({ a: new Date(0) }, { a: { $type: 'date' } }), true);
    assert.equal(matches({ a: null }, { a: { $type: 'date' } }), false);
  });

  it('refuses an operator it does not know, as MongoDB refuses an unknown one', () => {
    assert.throws(() => matches({ a: 1 }, { a: { $near: 1 } }), /unknown operator/);
    assert.throws(() => matches({ a: 1 }, { $where: 'true' }), /unknown top level/);
  });

  it('sorts an array field by its smallest element ascending, largest descending', () => {
    const docs = [
      { _id: 1, v: [2, 9] },
      { _id: 2, v: [5] },
    ];
    assert.deepEqual(
      sortDocs(docs, { v: 1 }).map((d) => d._id),
      [1, 2],
    );
    assert.deepEqual(
      sortDocs(docs, { v: -1 }).map((d) => d._id),
      [1, 2],
    );
    // null and missing sort before numbers, numbers before strings
    const mixed = [{ _id: 'a', v: 'x' }, { _id: 'b' }, { _id: 'c', v: 1 }];
    assert.deepEqual(
      sortDocs(mixed, { v: 1 }).map((d) => d._id),
      ['b', 'c', 'a'],
    );
  });

  it('projects by inclusion (with _id unless excluded) or exclusion, never both', () => {
    const doc = { _id: 1, a: 1, b: { c: 2, d: 3 } };
    assert.deepEqual(project(doc, { 'b.c': 1 }), { _id: 1, b: { c: 2 } });
    assert.deepEqual(project(doc, { a: 1, _id: 0 }), { a: 1 });
    assert.deepEqual(project(doc, { b: 0 }), { _id: 1, a: 1 });
    assert.throws(() => project(doc, { a: 1, b: 0 }), /mix/);
  });
});

describe('MongoDB test double: updates and upserts as MongoDB documents them', () => {
  it('$inc creates a missing field; $set of the same value changes nothing', () => {
    const doc: Record<string, unknown> = { _id: 1, n: 1 };
    assert.equal(applyOperators(doc, { $inc: { m: 5 } }, false), true);
    assert.equal(doc.m, 5);
    assert.equal(applyOperators(doc, { $set: { n: 1 } }, false), false);
    assert.throws(() => applyOperators(doc, { $inc: { s: 'x' } }, false), /non-numeric/);
  });

  it('$setOnInsert only on insert; an upsert starts from the equality fields', () => {
    const doc: Record<string, unknown> = { _id: 1 };
    applyOperators(doc, { $setOnInsert: { a: 1 } }, false);
    assert.equal('a' in doc, false);
    const inserted = upsertDocument(
      { _id: 'u', count: { $lt: 5 }, $and: [{ kind: 'k' }], $or: [{ x: 1 }, { x: 2 }] },
      { $inc: { count: 1 }, $setOnInsert: { at: 0 } },
    );
    assert.deepEqual(inserted, { _id: 'u', kind: 'k', count: 1, at: 0 });
  });

  it('$push, $addToSet (with $each) and $pull on arrays', () => {
    const doc: Record<string, unknown> = { _id: 1, m: ['a'] };
    applyOperators(doc, { $push: { m: 'a' } }, false);
    assert.deepEqual(doc.m, ['a', 'a']);
    assert.equal(applyOperators(doc, { $addToSet: { m: 'a' } }, false), false);
    applyOperators(doc, { $addToSet: { m: { $each: ['b', 'c', 'b'] } } }, false);
    assert.deepEqual(doc.m, ['a', 'a', 'b', 'c']);
    applyOperators(doc, { $pull: { m: 'a' } }, false);
    assert.deepEqual(doc.m, ['b', 'c']);
    applyOperators(doc, { $pull: { m: { $in: ['c'] } } }, false);
    assert.deepEqual(doc.m, ['b']);
  });

  it('refuses a change of _id (code 66) and an unknown modifier (code 9)', () => {
    assert.throws(
      () => applyOperators({ _id: 1 }, { $set: { _id: 2 } }, false),
      (e: { code?: number }) => e.code === 66,
    );
    assert.throws(
      () => applyOperators({ _id: 1 }, { $rename: { a: 'b' } }, false),
      (e: { code?: number }) => e.code === 9,
    );
  });
});
