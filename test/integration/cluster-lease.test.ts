/**
 * The pieces of a cluster node on the store, without R: the users' leases (one atomic
 * upsert, expiry by the document's timestamp), the keeper's check before a save, and the
 * start-up sweep that deletes only what stays unreferenced. Through the real driver, on the
 * MongoDB test double (or real MongoDB with MONGODB_URL).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  LeaseKeeper,
  LeaseLostError,
  type LeaseKeeperDeps,
} from '../../server/cluster/lease.keeper.ts';
import { leasedPersistence } from '../../server/cluster/leased.persistence.ts';
import { AppError } from '../../server/errors.ts';
import type { WorkspacePersistence } from '../../server/sessions/index.ts';
import { sweepWhileOthersSave } from '../../server/cluster/sweep.ts';
import {
  CHUNK_SWEEP_MIN_AGE_MS,
  openStore,
  type LeaseRepository,
  type Store,
} from '../../server/store/index.ts';
import { silentLogger } from '../../server/log.ts';
import { startRelay } from '../fixtures/netns.ts';
import {
  startMongoWireDouble,
  type MongoWireDouble,
} from '../fixtures/mongo-wire/mongo-wire.double.ts';

describe('cluster: leases and the start-up sweep on the store', function () {
  this.timeout(30_000);
  let double: MongoWireDouble | undefined;
  let url: string;
  let leaseStore: Store | undefined;
  let leases: LeaseRepository;
  let dir: string;

  before(async () => {
    const real = process.env.MONGODB_URL;
    if (real === undefined || real === '') {
      double = await startMongoWireDouble();
      url = `${double.url}/panthr_lease_test`;
    } else url = real;
    dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-lease-'));
    leaseStore = await openStore({ data_dir: dir, mongodb_url: url, sweep: false });
    leases = leaseStore.leases;
  });
  after(async () => {
    await leaseStore?.close();
    await double?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('one holder at a time; an expired lease is taken over; release frees it', async () => {
    const user = `u-${Date.now()}`;
    assert.equal(await leases.take(user, 'a', 5_000), true);
    assert.equal(await leases.take(user, 'a', 5_000), true, 'the holder keeps it');
    assert.equal(await leases.take(user, 'b', 5_000), false, 'another node cannot');
    assert.equal((await leases.holder(user))?.nodeId, 'a');
    // Judged by the document's timestamp: past it, another node takes the user.
    const later = new Date(Date.now() + 6_000);
    assert.equal(await leases.take(user, 'b', 5_000, later), true);
    assert.equal(await leases.renew(user, 'a', 5_000), false, 'a cannot renew what b holds');
    await leases.release(user, 'a');
    assert.equal((await leases.holder(user))?.nodeId, 'b', "a's release leaves b's lease");
    await leases.release(user, 'b');
    assert.equal(await leases.holder(user), null);
  });

  it('of two nodes taking a user at once, exactly one holds it', async () => {
    const user = `race-${Date.now()}`;
    const won = await Promise.all(['a', 'b', 'c'].map((n) => leases.take(user, n, 5_000)));
    assert.equal(won.filter(Boolean).length, 1);
  });

  it('the keeper refuses a save once another node took the user, and says so', async () => {
    const user = `k-${Date.now()}`;
    const lost: string[] = [];
    const keeper = new LeaseKeeper({
      leases,
      nodeId: 'a',
      ttlMs: 2_000,
      log: silentLogger(),
      active: () => true,
      onLost: (u) => lost.push(u),
    });
    assert.deepEqual(await keeper.admit(user), { kind: 'held' });
    await keeper.check(user);
    // b takes the user after a's lease expired (a paused, or was cut off).
    assert.equal(await leases.take(user, 'b', 2_000, new Date(Date.now() + 3_000)), true);
    await assert.rejects(keeper.check(user), LeaseLostError);
    assert.deepEqual(lost, [user]);
    assert.deepEqual(await keeper.admit(user), { kind: 'moved', node: 'b' });
    await keeper.close();
    assert.equal((await leases.holder(user))?.nodeId, 'b', 'closing a keeps what b holds');
  });

  it('a store that stops answering: leases lost within the TTL, saves refused, node fenced until it answers', async () => {
    // The store through a relay that holds every byte, as a network partition does: the
    // driver's requests hang (they do not fail) until it passes them again.
    const relay = await startRelay('127.0.0.1', {
      host: new URL(url).hostname,
      port: Number(new URL(url).port),
    });
    const cut = await openStore({
      data_dir: dir,
      mongodb_url: url.replace(/^mongodb:\/\/[^/]+/, `mongodb://127.0.0.1:${relay.port}`),
      sweep: false,
    });
    const user = `p-${Date.now()}`;
    const lost: string[] = [];
    const fences: boolean[] = [];
    const ttlMs = 1_500;
    const keeper = new LeaseKeeper({
      leases: cut.leases,
      nodeId: 'a',
      ttlMs,
      log: silentLogger(),
      active: () => true,
      onLost: (u) => lost.push(u),
      onFence: (f) => fences.push(f),
    });
    try {
      assert.deepEqual(await keeper.admit(user), { kind: 'held' });
      keeper.start();
      relay.freeze();
      const frozenAt = Date.now();
      // A save's check waits no longer than the lease has left, then refuses.
      await assert.rejects(keeper.check(user), LeaseLostError);
      assert.ok(Date.now() - frozenAt <= ttlMs + 200, 'the check waited at most the TTL');
      assert.deepEqual(lost, [user]);
      const lostAt = Date.now();
      assert.equal(keeper.holds(user), false);
      // The store was silent since the renewal was sent: fenced with the loss, not a tick later.
      assert.deepEqual(fences, [true]);
      relay.thaw();
      await until(() => fences.length > 1, 10_000, 'serving again');
      assert.deepEqual(fences, [true, false]);
      // Renewals held in the partition land now; each extends the lease to at most a TTL
      // after it was sent, so another node takes the user at the latest a TTL after the loss.
      let taken = false;
      while (!taken && Date.now() - lostAt < ttlMs + 500) {
        taken = await leases.take(user, 'b', 5_000);
        if (!taken) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(taken, 'node b took the user within a TTL of the loss');
      await leases.release(user, 'b');
    } finally {
      relay.thaw();
      await keeper.close();
      await cut.close();
      await relay.close();
    }
  });

  /** A keeper of node `a` on the store's leases; `released` lists the users it gave up. */
  function keeperOf(opts: Partial<LeaseKeeperDeps> & { released?: string[] } = {}): LeaseKeeper {
    const released = opts.released ?? [];
    const spied: LeaseRepository = {
      take: (...a) => leases.take(...a),
      renew: (...a) => leases.renew(...a),
      holder: (...a) => leases.holder(...a),
      release: async (user, node) => {
        released.push(user);
        await leases.release(user, node);
      },
    };
    return new LeaseKeeper({
      leases: spied,
      nodeId: 'a',
      ttlMs: 5_000,
      log: silentLogger(),
      active: () => true,
      onLost: () => undefined,
      ...opts,
    });
  }

  /** Waits (without a bound on speed) until `done` holds, failing after `ms`. */
  async function until(done: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`never: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a lease taken at a handshake that never became a session is released, renewals or not', async () => {
    const user = `h-${Date.now()}`;
    const released: string[] = [];
    // Renewed every 100 ms: each renewal is far less than a TTL after the last one.
    const keeper = keeperOf({ ttlMs: 300, active: () => false, released });
    try {
      assert.deepEqual(await keeper.admit(user), { kind: 'held' });
      keeper.start();
      await until(() => released.includes(user), 10_000, 'the lease released');
      assert.deepEqual(keeper.users, []);
      assert.equal(await leases.holder(user), null);
    } finally {
      await keeper.close();
    }
  });

  it("a tab admitted while the user's previous session ends keeps the lease", async () => {
    const user = `t-${Date.now()}`;
    // The new tab's session registers only after the old one ended: not active meanwhile.
    const keeper = keeperOf({ active: () => false });
    try {
      assert.deepEqual(await keeper.admit(user), { kind: 'held' });
      const ending = keeper.mark(); // the last tab left
      assert.deepEqual(await keeper.admit(user), { kind: 'held' }); // a new tab
      await keeper.release(user, ending); // the old session ended
      assert.deepEqual(keeper.users, [user]);
      assert.equal((await leases.holder(user))?.nodeId, 'a');
      // An ending with no admission after it gives the lease up.
      await keeper.release(user, keeper.mark());
      assert.deepEqual(keeper.users, []);
      assert.equal(await leases.holder(user), null);
    } finally {
      await keeper.close();
    }
  });

  it('admitting refuses (a store error) rather than send a client to this node itself', async () => {
    const user = `m-${Date.now()}`;
    assert.equal(await leases.take(user, 'b', 5_000), true);
    // b's lease seen as gone at every look, yet never takeable: it keeps changing hands.
    const keeper = new LeaseKeeper({
      leases: {
        take: (...a) => leases.take(...a),
        renew: (...a) => leases.renew(...a),
        release: (...a) => leases.release(...a),
        holder: () => Promise.resolve(null),
      },
      nodeId: 'a',
      ttlMs: 5_000,
      log: silentLogger(),
      active: () => true,
      onLost: () => undefined,
    });
    try {
      await assert.rejects(keeper.admit(user), (err: unknown) => !(err instanceof LeaseLostError));
      assert.deepEqual(keeper.users, []);
    } finally {
      await keeper.close();
      await leases.release(user, 'b');
    }
  });

  it("one user's renewal hanging holds back no other user's, and does not fence the node", async () => {
    const stamp = Date.now();
    const stuck = `stuck-${stamp}`;
    const others = [`o1-${stamp}`, `o2-${stamp}`];
    const lost: string[] = [];
    const fences: boolean[] = [];
    const renewed = new Map<string, number>();
    const ttlMs = 900;
    // One dead pooled connection: the stuck user's renewal never answers; the store does.
    const keeper = new LeaseKeeper({
      leases: {
        take: (...a) => leases.take(...a),
        holder: (...a) => leases.holder(...a),
        release: (...a) => leases.release(...a),
        renew: (user, ...a) => {
          if (user === stuck) return new Promise<boolean>(() => undefined);
          renewed.set(user, (renewed.get(user) ?? 0) + 1);
          return leases.renew(user, ...a);
        },
      },
      nodeId: 'a',
      ttlMs,
      log: silentLogger(),
      active: () => true,
      onLost: (u) => lost.push(u),
      onFence: (f) => fences.push(f),
    });
    try {
      for (const u of [stuck, ...others]) assert.deepEqual(await keeper.admit(u), { kind: 'held' });
      keeper.start();
      await until(() => lost.includes(stuck), 5_000, 'the stuck lease lost');
      // Three more TTLs: the others renewed every third of one all along.
      const from = new Map(others.map((u) => [u, renewed.get(u) ?? 0]));
      await new Promise((r) => setTimeout(r, 3 * ttlMs));
      assert.deepEqual(lost, [stuck], 'only the stuck lease is lost');
      for (const u of others) {
        assert.ok(keeper.holds(u), `${u} still held`);
        assert.ok((renewed.get(u) ?? 0) - (from.get(u) ?? 0) >= 6, `${u} renewed each tick`);
        assert.equal((await leases.holder(u))?.nodeId, 'a');
      }
      assert.deepEqual(fences, [], 'the store answered: the node was never fenced');
    } finally {
      await keeper.close();
    }
  });

  it('an error the store replies with is an answer (no fence); a driver-side error is not', async () => {
    const replied: boolean[] = [];
    const ws = {
      _id: `dup-${Date.now()}`,
      userId: `dup-user-${Date.now()}`,
      name: 'W',
      nameKey: 'w',
      createdAt: new Date(),
      updatedAt: new Date(),
      nextHash: 1,
    };
    await leaseStore!.workspaces.insert(ws);
    // A renewal the store refuses: a real server error (a duplicate key) through the driver.
    const refused = (): Promise<boolean> => leaseStore!.workspaces.insert(ws).then(() => true);
    // One the driver refuses before the store hears of it: no answer from the store.
    const unsent = (): Promise<boolean> => leases.renew('x', 'a', 0);
    for (const renew of [refused, unsent]) {
      const user = `e-${Date.now()}`;
      const fences: boolean[] = [];
      const lost: string[] = [];
      const keeper = keeperOf({
        ttlMs: 600,
        leases: {
          take: (...a) => leases.take(...a),
          holder: (...a) => leases.holder(...a),
          release: (...a) => leases.release(...a),
          renew,
        },
        onLost: (u) => lost.push(u),
        onFence: (f) => fences.push(f),
      });
      try {
        assert.deepEqual(await keeper.admit(user), { kind: 'held' });
        keeper.start();
        // Unconfirmed for a TTL, the lease is lost either way; then two TTLs more.
        await until(() => lost.includes(user), 5_000, 'the unrenewed lease lost');
        await new Promise((r) => setTimeout(r, 1_200));
        replied.push(fences.length === 0);
      } finally {
        await keeper.close();
        await leases.release(user, 'a');
      }
    }
    assert.deepEqual(replied, [true, false], 'fenced only when the store never replied');
  });

  it('every write is checked: one whose user is unknown is refused, a lost user too', async () => {
    const user = `w-${Date.now()}`;
    const writes: string[] = [];
    const inner = {
      current: (userId: string) => Promise.resolve({ id: `ws-of-${userId}`, name: 'W' }),
      save: (workspaceId: string, object: { name: string }) => {
        writes.push(`save ${workspaceId}`);
        return Promise.resolve(object);
      },
      saveRecord: (workspaceId: string) => {
        writes.push(`record ${workspaceId}`);
        return Promise.resolve();
      },
      remove: (workspaceId: string) => {
        writes.push(`remove ${workspaceId}`);
        return Promise.resolve();
      },
      purge: (userId: string) => {
        writes.push(`purge ${userId}`);
        return Promise.resolve();
      },
      prepare: (workspaceId: string) => {
        writes.push(`prepare ${workspaceId}`);
        return Promise.resolve({ discard: () => Promise.resolve() });
      },
    } as unknown as WorkspacePersistence;
    const keeper = keeperOf();
    const persistence = leasedPersistence(inner, keeper);
    const prepare = persistence.prepare?.bind(persistence);
    assert.ok(prepare, 'the wrapper passes writes ahead on');
    const object = { type: 'vector', name: 'x' } as never;
    try {
      assert.deepEqual(await keeper.admit(user), { kind: 'held' });
      // No session here opened this workspace: whose lease to check is unknown.
      await assert.rejects(persistence.save('ws-unknown', object), AppError);
      await assert.rejects(
        persistence.saveRecord('ws-unknown', { type: 'history', name: '~h' }),
        AppError,
      );
      await assert.rejects(persistence.remove('ws-unknown', 'x'), AppError);
      await assert.rejects(prepare('ws-unknown', object), AppError);
      assert.deepEqual(writes, []);
      const ws = await persistence.current(user);
      await prepare(ws.id, object);
      await persistence.save(ws.id, object);
      await persistence.purge(user);
      assert.deepEqual(writes, [`prepare ${ws.id}`, `save ${ws.id}`, `purge ${user}`]);
      // b took the user: neither a save nor a purge is written here any more.
      assert.equal(await leases.take(user, 'b', 5_000, new Date(Date.now() + 6_000)), true);
      await assert.rejects(persistence.save(ws.id, object), AppError);
      await assert.rejects(prepare(ws.id, object), AppError);
      await assert.rejects(persistence.purge(user), AppError);
      assert.equal(writes.length, 3);
    } finally {
      await keeper.close();
      await leases.release(user, 'b');
    }
  });

  it('the start-up sweep deletes only what stays unreferenced past the age threshold', async () => {
    const store: Store = await openStore(
      { data_dir: dir, mongodb_url: url, sweep: false },
      silentLogger(),
    );
    try {
      const ws = `ws-${Date.now()}`;
      await store.workspaces.insert({
        _id: ws,
        userId: 'u',
        name: 'W',
        nameKey: 'w',
        createdAt: new Date(),
        updatedAt: new Date(),
        nextHash: 1,
      });
      const inFlight = `${ws}/d@1#0`;
      const orphan = `${ws}/old@1#0`;
      // Written long enough ago to be swept, were they unreferenced (CHUNK_SWEEP_MIN_AGE_MS).
      const old = new Date(Date.now() - CHUNK_SWEEP_MIN_AGE_MS - 60_000);
      const chunk = (_id: string, data: unknown, createdAt = old) =>
        store.workspaces.insertChunks([{ _id, workspaceId: ws, data, createdAt }]);
      await chunk(inFlight, [1, 2]);
      await chunk(orphan, [3]);
      // Another node saving a large dataset for longer than the sweep's two looks: its chunk
      // written now stays unreferenced throughout, and must survive (issue 19).
      const slowSave = `${ws}/big@2#0`;
      await chunk(slowSave, [4], new Date());
      const sweep = sweepWhileOthersSave(store, silentLogger(), 500);
      // Another node's save finishes: its object now names the chunk written before it.
      await new Promise((r) => setTimeout(r, 100));
      await store.workspaces.insertObject({
        _id: `${ws}/d`,
        workspaceId: ws,
        name: 'd',
        hash: 1,
        order: 1,
        object: { type: 'vector', name: 'd', values: { blob: { chunks: [inFlight] } } },
      });
      await sweep.done;
      const left = (await store.workspaces.chunkList(ws)).map((b) => b._id).sort();
      assert.deepEqual(left, [slowSave, inFlight].sort());
    } finally {
      await store.close();
    }
  });
});
