/** Contract cases: the preference sets (preference.repo.ts), through the repository only. */
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.context.ts';

export function preferenceCases(ctx: ContractContext): void {
  describe('preference repository', () => {
    const set = (userId: string, name: string, color: string, at = 1) => ({
      userId,
      name,
      settings: { colors: [color], point: { size: 1.5 } },
      updatedAt: new Date(at),
    });

    it('puts (created, then updated), gets, lists by name, per user', async () => {
      const prefs = ctx.store.preferences;
      assert.equal(await prefs.put(set('u1', 'b', 'red'), 10), 'created');
      assert.equal(await prefs.put(set('u1', 'a', 'blue'), 10), 'created');
      assert.equal(await prefs.put(set('u2', 'b', 'green'), 10), 'created');
      assert.equal(await prefs.put(set('u1', 'b', 'black', 7), 10), 'updated');
      assert.deepEqual(await prefs.get('u1', 'b'), {
        _id: 'u1/b',
        ...set('u1', 'b', 'black', 7),
      });
      assert.equal(await prefs.get('u1', 'c'), null);
      assert.deepEqual(
        (await prefs.list('u1')).map((p) => [p.name, p.settings.colors]),
        [
          ['a', ['blue']],
          ['b', ['black']],
        ],
      );
      assert.deepEqual((await prefs.get('u2', 'b'))?.settings.colors, ['green']);
      assert.equal(await prefs.count('u1'), 2);
      assert.deepEqual(await prefs.list('nobody'), []);
    });

    it('refuses a new name at the cap but still replaces an existing set', async () => {
      const prefs = ctx.store.preferences;
      assert.equal(await prefs.put(set('u1', 'a', 'red'), 2), 'created');
      assert.equal(await prefs.put(set('u1', 'b', 'red'), 2), 'created');
      assert.equal(await prefs.put(set('u1', 'c', 'red'), 2), 'full');
      assert.equal(await prefs.get('u1', 'c'), null, 'a refused set is not written');
      assert.equal(await prefs.put(set('u1', 'b', 'blue'), 2), 'updated');
      assert.equal(await prefs.put(set('u2', 'c', 'red'), 2), 'created', 'the cap is per user');
    });

    it('two puts of one new name at once store one set', async () => {
      const prefs = ctx.store.preferences;
      const outcomes = await Promise.all([
        prefs.put(set('u1', 'x', 'red'), 10),
        prefs.put(set('u1', 'x', 'blue'), 10),
      ]);
      assert.deepEqual([...outcomes].sort(), ['created', 'updated']);
      assert.equal(await prefs.count('u1'), 1);
    });

    it('never lets new sets at once pass the cap', async () => {
      const prefs = ctx.store.preferences;
      assert.equal(await prefs.put(set('u1', 'a', 'red'), 3), 'created');
      assert.equal(await prefs.put(set('u1', 'b', 'red'), 3), 'created');
      // One place left, four new names at once: at most one is kept, the rest refused.
      const outcomes = await Promise.all(
        ['c', 'd', 'e', 'f'].map((name) => prefs.put(set('u1', name, 'red'), 3)),
      );
      assert.ok(outcomes.filter((o) => o === 'created').length <= 1, String(outcomes));
      assert.ok(
        outcomes.every((o) => o === 'created' || o === 'full'),
        String(outcomes),
      );
      assert.ok((await prefs.count('u1')) <= 3);
      assert.equal(await prefs.count('u1'), 2 + outcomes.filter((o) => o === 'created').length);
    });

    it('deletes one set, then every set of a user', async () => {
      const prefs = ctx.store.preferences;
      for (const name of ['a', 'b', 'c']) await prefs.put(set('u1', name, 'red'), 10);
      await prefs.put(set('u2', 'a', 'red'), 10);
      assert.equal(await prefs.delete('u1', 'a'), true);
      assert.equal(await prefs.delete('u1', 'a'), false);
      assert.equal(await prefs.delete('u2', 'zz'), false);
      assert.equal(await prefs.deleteOfUser('u1'), 2);
      assert.equal(await prefs.count('u1'), 0);
      assert.equal(await prefs.count('u2'), 1);
    });
  });
}
