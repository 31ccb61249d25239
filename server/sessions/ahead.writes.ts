/**
 * Values one run writes to the store ahead of its save (WorkspacePersistence.prepare: a
 * dataset's chunks while R takes the dataset), and their end: the save names them, or,
 * whenever it did not happen (R refused the dataset, a later step of the run failed, the
 * save was refused), they are discarded, so that no chunk is left that nothing names.
 */
import type { Logger } from 'pino';
import type { PrepareValues, StoredPanthrObject, WorkspacePersistence } from './ports.ts';

interface Written {
  readonly objects: readonly StoredPanthrObject[];
  discard(): Promise<void>;
}

/** One run's writes ahead; {@link settle} once the run and its save are over. */
export class AheadWrites {
  private readonly written: Written[] = [];

  constructor(
    private readonly persistence: WorkspacePersistence,
    /** The workspace the run's results go to; undefined when it is not the user's own. */
    private readonly workspaceId: () => Promise<string | undefined>,
    private readonly log: Logger,
  ) {}

  /** The run's `prepare` option: none when the store cannot write ahead. */
  option(): { prepare?: PrepareValues } {
    if (this.persistence.prepare === undefined) return {};
    return { prepare: (objects) => this.prepare(objects) };
  }

  private async prepare(objects: readonly StoredPanthrObject[]) {
    const nothing = { discard: () => Promise.resolve() };
    const id = await this.workspaceId();
    if (id === undefined || this.persistence.prepare === undefined) return nothing;
    try {
      const handle = await this.persistence.prepare(id, objects);
      this.written.push({ objects, discard: () => handle.discard() });
      return handle;
    } catch (err) {
      // The save writes the values itself: slower, nothing lost.
      this.log.warn({ err }, 'could not write values ahead of their save');
      return nothing;
    }
  }

  /** Discards what `stored` (the objects the save stored; none if it failed) does not hold. */
  async settle(stored: readonly StoredPanthrObject[]): Promise<void> {
    const saved = new Set(stored);
    for (const w of this.written.splice(0)) {
      if (w.objects.every((o) => saved.has(o))) continue;
      await w.discard().catch((err: unknown) => {
        this.log.warn({ err }, 'could not delete values written ahead of a save that failed');
      });
    }
  }
}
