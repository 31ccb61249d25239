/** The embedded store's cursor: the driver's FindCursor subset the server uses. */
import type { FindOptions } from 'mongodb';
import type { StoreCursor } from '../store.types.ts';

/** A lazy cursor: the query runs at `toArray()`, with the sort, skip and limit set by then. */
export class SqliteCursor<R> implements StoreCursor<R> {
  readonly #run: (options: FindOptions) => R[];
  readonly #options: FindOptions = {};

  constructor(run: (options: FindOptions) => R[]) {
    this.#run = run;
  }

  sort(sort: FindOptions['sort']): this {
    this.#options.sort = sort;
    return this;
  }

  skip(n: number): this {
    this.#options.skip = n;
    return this;
  }

  limit(n: number): this {
    this.#options.limit = n;
    return this;
  }

  async toArray(): Promise<R[]> {
    return Promise.resolve(this.#run(this.#options));
  }
}
