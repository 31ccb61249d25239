/**
 * The server's logger: pino JSON lines to stdout and to `data_dir/logs/panthr.log`.
 * Never log dataset values or passwords: log sizes, types, durations and ids.
 */
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { privateDir, privateFile } from './private-files.ts';

export type { Logger } from 'pino';

/** Creates the logger; `dir` null logs to stdout only (tests). */
export function createLogger(options: { level: string; dir: string | null }): Logger {
  const streams: pino.StreamEntry[] = [
    { level: options.level as pino.Level, stream: process.stdout },
  ];
  if (options.dir !== null) {
    // Logs name users and, with mail: null, carry live links: the server's user alone reads them.
    privateDir(options.dir);
    const dest = path.join(options.dir, 'panthr.log');
    privateFile(dest);
    // Synchronous: a line logged just before process.exit() (a failed start) is kept, and
    // an exit before an asynchronous stream has opened would make pino's final flush throw.
    const file = pino.destination({ dest, sync: true, mode: 0o600 });
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
