/**
 * The start-up sweep of a cluster node. A single server sweeps unreferenced workspace data
 * at open, while nothing saves; on a cluster another node may be saving right then, and
 * its chunks are unreferenced until the object naming them is written. So a node sweeps
 * only what was unreferenced at start AND still is a while later (the age threshold): a
 * save in flight names its chunks (or its workspace exists) by then. A save that takes
 * longer (a large dataset on a loaded node) is covered by the chunks' own age: no chunk
 * written less than CHUNK_SWEEP_MIN_AGE_MS ago is a candidate (findOrphanChunks).
 */
import type { Logger } from 'pino';
import {
  deleteBlobs,
  deleteWorkspaceData,
  findOrphanChunks,
  findOrphanWorkspaceIds,
  type Store,
} from '../store/index.ts';

/** How long data must stay unreferenced before a cluster node deletes it. */
export const SWEEP_AGE_MS = 60_000;

/** A sweep waiting for its second look. */
export interface PendingSweep {
  /** Cancels it (at shutdown); idempotent. */
  stop(): void;
  /** Settles when it is done or stopped (tests). */
  readonly done: Promise<void>;
}

/** What the store holds unreferenced now. */
async function orphans(store: Store): Promise<{ workspaces: string[]; chunks: string[] }> {
  return { workspaces: await findOrphanWorkspaceIds(store), chunks: await findOrphanChunks(store) };
}

/** Looks now, looks again after `ageMs`, deletes what was unreferenced both times. */
export function sweepWhileOthersSave(
  store: Store,
  log: Logger,
  ageMs = SWEEP_AGE_MS,
): PendingSweep {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let wake: () => void = () => undefined;
  const done = (async () => {
    const first = await orphans(store);
    if (first.workspaces.length + first.chunks.length === 0 || stopped) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ageMs);
      timer.unref();
    });
    if (stopped) return;
    const second = await orphans(store);
    const both = (a: string[], b: string[]): string[] => {
      const later = new Set(b);
      return a.filter((id) => later.has(id));
    };
    const workspaces = both(first.workspaces, second.workspaces);
    const chunks = both(first.chunks, second.chunks);
    await deleteWorkspaceData(store, workspaces);
    await deleteBlobs(store, chunks);
    if (workspaces.length + chunks.length > 0) {
      log.warn(
        { workspaces: workspaces.length, chunks: chunks.length },
        'removed workspace data left unreferenced by an earlier crash',
      );
    }
  })().catch((err: unknown) =>
    log.warn({ err }, 'start-up sweep failed; it runs at the next start'),
  );
  return {
    done,
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake();
    },
  };
}
