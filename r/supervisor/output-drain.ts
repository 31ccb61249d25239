/**
 * Drains R's stdout/stderr into the log, line by line. An undrained pipe would block an
 * R session that prints (Rserve's children share these pipes), so the stream is always
 * read; what reaches the log is bounded: long lines are cut, floods are summarised.
 */
import type { Readable } from 'node:stream';
import type { RLogger } from './supervisor.types.ts';

/** Characters kept of one line. */
const MAX_LINE = 2000;
/** Lines logged per stream per second; the rest are counted and reported. */
const MAX_LINES_PER_SECOND = 100;
/** Lines remembered for error messages (a failed start quotes them). */
const TAIL_LINES = 20;

/** Reads a stream to the log; `tail()` gives its last lines. */
export class OutputDrain {
  private partial = '';
  private windowStart = 0;
  private windowLines = 0;
  private dropped = 0;
  private readonly recent: string[] = [];

  constructor(
    stream: Readable,
    private readonly log: RLogger,
    private readonly source: 'stdout' | 'stderr',
    private readonly generation: number,
  ) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    stream.on('end', () => this.flush());
    // A read error only means the watchdog went away; its exit is handled elsewhere.
    stream.on('error', () => undefined);
  }

  /** The last lines seen, oldest first. */
  tail(): string[] {
    return [...this.recent];
  }

  private push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE) {
      this.line(`${this.partial.slice(0, MAX_LINE)}…`);
      this.partial = '';
    }
    for (const line of lines)
      this.line(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
  }

  private flush(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
    this.reportDropped();
  }

  private line(text: string): void {
    if (text.trim() === '') return;
    this.recent.push(text);
    if (this.recent.length > TAIL_LINES) this.recent.shift();
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.reportDropped();
      this.windowStart = now;
      this.windowLines = 0;
    }
    if (++this.windowLines > MAX_LINES_PER_SECOND) {
      this.dropped++;
      return;
    }
    const fields = { r: this.source, generation: this.generation };
    if (this.source === 'stderr') this.log.warn(fields, text);
    else this.log.info(fields, text);
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    this.log.warn(
      { r: this.source, dropped: this.dropped },
      'R printed too fast; lines were not logged',
    );
    this.dropped = 0;
  }
}
