/**
 * What both backends do over all their repositories alike: create their tables or indexes
 * at open, and delete what has expired. One list, so a repository added to {@link Store}
 * cannot be left out of one backend's `init()` (the compiler reports a missing name).
 */
import type { Store } from './store.types.ts';

/** The name of each repository of the {@link Store}. */
type RepositoryName = Exclude<keyof Store, 'kind' | 'init' | 'sweepExpired' | 'close'>;

/** Every repository name, in the order they are made (a record: none can be missing). */
const EVERY_REPOSITORY: { readonly [K in RepositoryName]: true } = {
  accounts: true,
  tokens: true,
  sessions: true,
  preferences: true,
  connections: true,
  groups: true,
  shares: true,
  leases: true,
  workspaces: true,
};

/** A backend's repositories as it holds them: each makes its own tables or indexes. */
type Initialisable = { readonly [K in RepositoryName]: { init(): Promise<void> } };

/** Creates every repository's tables or indexes (a backend's `init()`); idempotent. */
export async function initRepositories(store: Initialisable): Promise<void> {
  for (const name of Object.keys(EVERY_REPOSITORY) as RepositoryName[]) await store[name].init();
}

/** Deletes expired sessions and tokens at once (a backend's `sweepExpired()`). */
export async function sweepExpiredRepositories(
  store: Pick<Store, 'sessions' | 'tokens'>,
  now: Date,
): Promise<void> {
  await store.sessions.sweepExpired(now);
  await store.tokens.sweepExpired(now);
}
