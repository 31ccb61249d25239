/**
 * The server's logger: pino JSON lines to stdout and to `data_dir/logs/panthr.log`.
 * Never log dataset values or passwords: log sizes, types, durations and ids.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Creates the logger; `dir` null logs to stdout only (tests). */
export function createLogger(options: { level: string; dir: string | null }): Logger {
  const streams: pino.StreamEntry[] = [
    { level: options.level as pino.Level, stream: process.stdout },
  ];
  if (options.dir !== null) {
    mkdirSync(options.dir, { recursive: true, mode: 0o750 });
    // Synchronous: a line logged just before process.exit() (a failed start) is kept, and
    // an exit before an asynchronous stream has opened would make pino's final flush throw.
    const file = pino.destination({ dest: path.join(options.dir, 'panthr.log'), sync: true });
    streams.push({ level: options.level as pino.Level, stream: file });
  }
  return pino(
    {
      level: options.level,
      base: { service: 'panthr' },
      redact: {
        paths: ['password', '*.password', 'req.headers.authorization', 'req.headers.cookie'],
        remove: true,
      },
    },
    pino.multistream(streams),
  );
}

/** A logger that drops everything (for tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
