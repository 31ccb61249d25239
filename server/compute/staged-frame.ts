/**
 * A dataset's data frame built column by column under a fresh R name (an upload in row
 * slices, an `append`), so that a failure partway (an R error, a timeout, a refusal on
 * column k) leaves the frame held for the dataset as it was: the caller swaps the new name
 * in only once every column is there, and on failure the half-built frame is removed.
 */
import { datasetToR, vectorToR, type PanthrDataset } from '../../converters/index.ts';
import type { CallOptions, RCaller } from './r.caller.ts';

/**
 * Builds the frame of `d` under a fresh generated name and returns that name: from a copy of
 * `base` (the held frame's R name, `append`) with `d`'s variables set in it, or from `d`'s
 * variables alone (`base` null). One column per call, so that no step converts every column
 * at once. On any failure the fresh name is removed (unless the session is gone) and the
 * error rethrown; `base` is never changed.
 */
export async function buildFrame(
  r: RCaller,
  call: CallOptions,
  base: string | null,
  d: PanthrDataset,
): Promise<string> {
  const rVar = r.newName('d');
  try {
    let rest = d.variables;
    if (base !== null) await r.copy(base, rVar, call);
    else {
      const [first, ...others] = d.variables;
      // datasetToR throws before R is touched for a first column it refuses.
      await r.assign(
        rVar,
        datasetToR({ ...d, variables: first === undefined ? [] : [first] }),
        call,
      );
      rest = others;
    }
    for (const v of rest) await r.setColumn(rVar, v.name, vectorToR(v), call);
    return rVar;
  } catch (e) {
    if (!r.conn.closed && !call.signal?.aborted)
      await r.remove([rVar], call).catch(() => undefined);
    throw e;
  }
}
