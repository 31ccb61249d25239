/**
 * The store contract: one suite, run on every backend (embedded SQLite; the MongoDB backend
 * through the real driver against the wire-protocol test double; a real MongoDB when
 * MONGODB_URL is set). Each test gets a fresh, empty store.
 */
import { backends } from './store.backends.ts';
import { accountCases } from './account.cases.ts';
import { connectionCases } from './connection.cases.ts';
import { groupCases } from './group.cases.ts';
import { leaseCases } from './lease.cases.ts';
import { preferenceCases } from './preference.cases.ts';
import { repoCases } from './repo.cases.ts';
import { rulesCases } from './rules.cases.ts';
import { sessionCases } from './session.cases.ts';
import { shareCases } from './share.cases.ts';
import { twoStoresCases } from './two-stores.cases.ts';
import { sharingCases } from './sharing.cases.ts';
import { tokenCases } from './token.cases.ts';
import { workspaceCases } from './workspace.cases.ts';
import type { ContractContext } from './contract.context.ts';

for (const backend of backends()) {
  describe(`store contract: ${backend.name}`, function () {
    const ctx = { backend } as ContractContext;

    before(async () => backend.start());
    after(async () => backend.stop());

    beforeEach(async () => {
      const { store, place } = await backend.open();
      ctx.store = store;
      ctx.place = place;
    });

    afterEach(async () => {
      await ctx.store.close();
      await backend.drop(ctx.place);
    });

    repoCases(ctx);
    rulesCases(ctx);
    sessionCases(ctx);
    sharingCases(ctx);
    leaseCases(ctx);
    preferenceCases(ctx);
    connectionCases(ctx);
    groupCases(ctx);
    shareCases(ctx);
    twoStoresCases(ctx);
    accountCases(ctx);
    tokenCases(ctx);
    workspaceCases(ctx);
  });
}
