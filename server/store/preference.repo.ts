/**
 * Named preference sets (API.md §1): a user's graph settings under names unique per user.
 * Embedded: embedded/preference.sqlite.ts; MongoDB: mongo/preference.mongo.ts.
 */

/** A named preference set of one user (MongoDB: collection `preferences`, `_id` `USER/NAME`). */
export interface PreferenceDoc {
  _id: string;
  userId: string;
  name: string;
  settings: Record<string, unknown>;
  updatedAt: Date;
}

/** What {@link PreferenceRepository.put} did: stored anew, replaced, or refused (cap). */
export type PreferencePut = 'created' | 'updated' | 'full';

/** The preference sets; `store.preferences`. */
export interface PreferenceRepository {
  /** Every set of `userId`, by name. */
  list(userId: string): Promise<PreferenceDoc[]>;
  /** `userId`'s set `name`, or null. */
  get(userId: string, name: string): Promise<PreferenceDoc | null>;
  /** How many sets `userId` has. */
  count(userId: string): Promise<number>;
  /**
   * Stores `userId`'s set `name` (replacing one of that name); a new name when the user
   * already has `maxSets` sets is refused ('full') and nothing is written.
   */
  put(
    set: { userId: string; name: string; settings: Record<string, unknown>; updatedAt: Date },
    maxSets: number,
  ): Promise<PreferencePut>;
  /** Deletes `userId`'s set `name`; false when there was none. */
  delete(userId: string, name: string): Promise<boolean>;
  /** Deletes every set of `userId` (the account goes); returns how many. */
  deleteOfUser(userId: string): Promise<number>;
}

/** The MongoDB `_id` of `userId`'s set `name` (names are unique per user). */
export function preferenceId(userId: string, name: string): string {
  return `${userId}/${name}`;
}
