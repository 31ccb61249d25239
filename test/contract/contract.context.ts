/** What every contract case sees: the backend and this test's fresh store. */
import type { Store, UserDoc } from '../../server/store/index.ts';
import type { Backend } from './store.backends.ts';

/** Set by the suite's beforeEach; read by the cases inside their tests. */
export interface ContractContext {
  readonly backend: Backend;
  store: Store;
  /** Where the store lives (temp dir or database name), to reopen it. */
  place: string;
}

/** A user document for tests. */
export function user(id: string, email: string, extra: Partial<UserDoc> = {}): UserDoc {
  return {
    _id: id,
    email,
    passwordHash: 'hash',
    verified: false,
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    currentWorkspace: 'none',
    ...extra,
  };
}

/** Runs `fn` and returns the error it rejects with (fails when it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
