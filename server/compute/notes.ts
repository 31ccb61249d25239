/** Notes (API.md "Workspaces in API 1.1"): stored among the outputs as sent; R is not used. */
import type { PanthrNote, StoredPanthrObject } from '../../converters/index.ts';
import type { RunOutcome } from './compute.types.ts';

/** A note: stored and echoed as it is (a note with an existing name replaces it in place). */
export function runNote(o: PanthrNote): RunOutcome {
  const out: StoredPanthrObject = { ...o };
  return { store: [out], remove: [], reply: [out] };
}
