/**
 * What a handler of one object kind may use: the R caller, the limits, and the workspace's
 * state in R (datasets under generated names, filters as cached row masks).
 */
import type { PanthrDataset, StoredPanthrObject } from '../../converters/index.ts';
import type { RegisteredKinds, RLogical, RValue } from '../../r/index.ts';
import type { RuntimeOptions } from './compute.types.ts';
import type { CallOptions, RCaller } from './r.caller.ts';
import type { SliceAssembler } from './upload-slices.ts';

/** A dataset of the workspace as it is held in R. */
export interface DatasetEntry {
  /** The generated R name of its data frame. */
  readonly rVar: string;
  /** Its stored form (binary values kept, as Buffers). */
  readonly dataset: PanthrDataset;
  readonly rows: number;
  /** Bumped whenever its data change, so that cached filters are recomputed. */
  readonly version: number;
}

/** The state and services one run sees. */
export interface RunContext {
  readonly r: RCaller;
  readonly options: RuntimeOptions;
  readonly call: CallOptions;
  readonly kinds: RegisteredKinds;
  /** The upload in row slices under way in this workspace, if any. */
  readonly slices: SliceAssembler;
  /** The connection that sent the object being run, when known. */
  readonly owner: string | null;
  /** The stored object called `name`, if any. */
  object(name: string): StoredPanthrObject | undefined;
  /** The dataset called `name` as held in R; `not_found` when there is none. */
  dataset(name: string): DatasetEntry;
  /**
   * Size-checks (`too_large`, before R), assigns and records a dataset (replacing one of
   * the same name); returns its entry, holding the stored form. `meanwhile` runs once R
   * holds the values, while the store may still be writing them (time the run waits anyway).
   */
  putDataset(d: PanthrDataset, meanwhile?: () => void): Promise<DatasetEntry>;
  /** Replaces (or adds) one variable of a held dataset, in R and in its stored form. */
  putVariable(dataset: string, variable: PanthrDataset['variables'][number]): Promise<DatasetEntry>;
  /**
   * Puts `d` into R column by column under a fresh name (`append`: joined to the held
   * dataset of that name) and swaps it in only once every column is there: on failure the
   * held dataset is as it was. Size-checked first (`too_large`).
   */
  putColumns(d: PanthrDataset, append: boolean): Promise<DatasetEntry>;
  /**
   * The row mask of filter `name` for `dataset`: `not_found` when there is no such filter,
   * `invalid_object` when `name` is not a filter or filters another dataset.
   */
  filterRows(name: string, dataset: string): Promise<RLogical>;
  /** Evaluates a formula on a held dataset: the R vector (one value per row). */
  evalFormula(entry: DatasetEntry, formula: string): Promise<RValue>;
}
