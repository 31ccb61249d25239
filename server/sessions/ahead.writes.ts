/**
 * Values one run writes to the store ahead of its save (WorkspacePersistence.prepare: a
 * dataset's chunks while R takes the dataset), and their end: the save names them, or,
 * whenever it did not happen (R refused the dataset, a later step of the run failed, the
 * save was refused), they are discarded, so that no chunk is left that nothing names.
 */
import type { Logger } from 'pino';
import type {
  PreparedValues,
  PrepareValues,
  StoredPanthrObject,
  WorkspacePersistence,
} from './ports.ts';

/** Nothing written ahead: nothing to discard. */
const NOTHING: PreparedValues = { discard: () => Promise.resolve() };

/** One run's writes ahead; {@link settle} once the run and its save are over. */
export class AheadWrites {
  private readonly written: { object: StoredPanthrObject; values: PreparedValues }[] = [];

  constructor(
    private readonly persistence: WorkspacePersistence,
    /** The workspace the run's results go to; undefined when it is not the user's own. */
    private readonly workspaceId: () => Promise<string | undefined>,
    private readonly log: Logger,
  ) {}

  /** The run's `prepare` option: none when the store cannot write ahead. */
  option(): { prepare?: PrepareValues } {
    const prepare = this.persistence.prepare?.bind(this.persistence);
    if (prepare === undefined) return {};
    return {
      prepare: async (object) => {
        const id = await this.workspaceId();
        if (id === undefined) return NOTHING;
        try {
          const values = await prepare(id, object);
          this.written.push({ object, values });
          return values;
        } catch (err) {
          // The save writes the values itself: slower, nothing lost.
          this.log.warn({ err }, 'could not write values ahead of their save');
          return NOTHING;
        }
      },
    };
  }

  /** Discards what `stored` (the objects the save stored; none if it failed) does not hold. */
  async settle(stored: readonly StoredPanthrObject[]): Promise<void> {
    const saved = new Set(stored);
    for (const w of this.written.splice(0)) {
      if (saved.has(w.object)) continue;
      await w.values.discard().catch((err: unknown) => {
        this.log.warn({ err }, 'could not delete values written ahead of a save that failed');
      });
    }
  }
}
