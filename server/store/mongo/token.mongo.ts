/**
 * The MongoDB {@link TokenRepository}: the collections `verifyTokens`, `resetTokens`,
 * `rememberTokens` and `accessTokens` with the documents they have always held. A take is
 * `findOneAndDelete`, a mark a conditional `updateOne`: single-document atomic operations,
 * so of two at once exactly one wins. TTL indexes on `expiresAt` let MongoDB's monitor
 * expire tokens (about once a minute); {@link MongoTokens.sweepExpired} does it at once.
 */
import type { Collection, Db } from 'mongodb';
import type {
  AccessTokenDoc,
  LinkTokenDoc,
  LinkTokenKind,
  RememberTokenDoc,
  TokenRepository,
} from '../token.repo.ts';

const toLink = (d: LinkTokenDoc): LinkTokenDoc => ({
  _id: d._id,
  userId: d.userId,
  expiresAt: d.expiresAt,
});
const toRemember = (d: RememberTokenDoc): RememberTokenDoc => ({
  ...toLink(d),
  validatorHash: d.validatorHash,
  replacedAt: d.replacedAt ?? null,
});
const toAccess = (d: AccessTokenDoc): AccessTokenDoc => ({
  _id: d._id,
  userId: d.userId,
  name: d.name,
  scopes: d.scopes,
  hash: d.hash,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  lastUsedAt: d.lastUsedAt ?? null,
});

/** The MongoDB tokens over database `db`. */
export class MongoTokens implements TokenRepository {
  readonly #link: Readonly<Record<LinkTokenKind, Collection<LinkTokenDoc>>>;
  readonly #remember: Collection<RememberTokenDoc>;
  readonly #access: Collection<AccessTokenDoc>;

  constructor(db: Db) {
    this.#link = {
      verify: db.collection<LinkTokenDoc>('verifyTokens'),
      reset: db.collection<LinkTokenDoc>('resetTokens'),
    };
    this.#remember = db.collection<RememberTokenDoc>('rememberTokens');
    this.#access = db.collection<AccessTokenDoc>('accessTokens');
  }

  async init(): Promise<void> {
    // Expire at `expiresAt` itself; by user for the deletions at a password change or purge.
    const ttl = { expireAfterSeconds: 0 };
    for (const tokens of [this.#link.verify, this.#link.reset, this.#remember]) {
      await tokens.createIndex({ expiresAt: 1 }, ttl);
      await tokens.createIndex({ userId: 1 }, {});
    }
    await this.#access.createIndex({ hash: 1 }, { unique: true });
    await this.#access.createIndex({ userId: 1 }, {});
    await this.#access.createIndex({ expiresAt: 1 }, ttl);
  }

  async addLinkToken(kind: LinkTokenKind, token: LinkTokenDoc): Promise<void> {
    await this.#link[kind].insertOne(toLink(token));
  }

  async findLinkToken(kind: LinkTokenKind, id: string): Promise<LinkTokenDoc | null> {
    const doc = await this.#link[kind].findOne({ _id: id });
    return doc === null ? null : toLink(doc);
  }

  async takeLinkToken(kind: LinkTokenKind, id: string): Promise<LinkTokenDoc | null> {
    const doc = await this.#link[kind].findOneAndDelete({ _id: id });
    return doc === null ? null : toLink(doc);
  }

  async deleteLinkTokens(kind: LinkTokenKind, userId: string, keepId?: string): Promise<number> {
    const filter = keepId === undefined ? { userId } : { userId, _id: { $ne: keepId } };
    return (await this.#link[kind].deleteMany(filter)).deletedCount;
  }

  async addRememberToken(token: RememberTokenDoc): Promise<void> {
    await this.#remember.insertOne(toRemember(token));
  }

  async findRememberToken(id: string): Promise<RememberTokenDoc | null> {
    const doc = await this.#remember.findOne({ _id: id });
    return doc === null ? null : toRemember(doc);
  }

  async markRememberTokenReplaced(id: string, at: Date): Promise<boolean> {
    // `replacedAt: null` matches a null or absent field: only the first mark matches.
    const { matchedCount } = await this.#remember.updateOne(
      { _id: id, replacedAt: null },
      { $set: { replacedAt: at } },
    );
    return matchedCount === 1;
  }

  async deleteRememberToken(id: string): Promise<boolean> {
    return (await this.#remember.deleteOne({ _id: id })).deletedCount > 0;
  }

  async deleteRememberTokens(userId: string): Promise<number> {
    return (await this.#remember.deleteMany({ userId })).deletedCount;
  }

  async addAccessToken(token: AccessTokenDoc): Promise<void> {
    await this.#access.insertOne(toAccess(token));
  }

  async findAccessTokenByHash(hash: string): Promise<AccessTokenDoc | null> {
    const doc = await this.#access.findOne({ hash });
    return doc === null ? null : toAccess(doc);
  }

  async listAccessTokens(userId: string, now: Date): Promise<AccessTokenDoc[]> {
    const docs = await this.#access
      .find({ userId, expiresAt: { $gt: now } })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return docs.map(toAccess);
  }

  async touchAccessToken(id: string, at: Date): Promise<void> {
    await this.#access.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }

  async deleteAccessToken(id: string, userId: string): Promise<boolean> {
    return (await this.#access.deleteOne({ _id: id, userId })).deletedCount > 0;
  }

  async sweepExpired(now: Date): Promise<void> {
    const expired = { expiresAt: { $lt: now } };
    await this.#link.verify.deleteMany(expired);
    await this.#link.reset.deleteMany(expired);
    await this.#remember.deleteMany(expired);
    await this.#access.deleteMany(expired);
  }
}
