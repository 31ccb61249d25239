/**
 * Runs the configured `user_validation` script (API.md §4): the email is its only
 * argument, no shell is involved, its environment is nearly empty, and it has a time
 * limit. Anything but the output `1` refuses the address; so does a script that fails or
 * hangs (and that is logged, because it is the operator's problem, not the user's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from 'pino';

/** What the script decided: `allowed` only when it printed `1` and exited with 0. */
export type ValidationVerdict = 'allowed' | 'refused' | 'failed';

/** Default time limit of one run, in milliseconds. */
export const USER_VALIDATION_TIMEOUT_MS = 5000;
/** Output beyond this many bytes is not read (the script should print one character). */
const MAX_OUTPUT = 1024;

/**
 * Runs `script email` and resolves (never rejects) to its verdict. On timeout the whole
 * process group is killed with SIGKILL, so a script that started children leaves none.
 */
export function runUserValidation(
  script: string,
  email: string,
  log: Logger,
  timeoutMs = USER_VALIDATION_TIMEOUT_MS,
): Promise<ValidationVerdict> {
  return new Promise((resolve) => {
    let settled = false;
    let output = '';
    const finish = (verdict: ValidationVerdict, why?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (verdict === 'failed') log.error({ script, why }, 'user_validation script failed');
      resolve(verdict);
    };
    const child = spawn(script, [email], {
      shell: false,
      detached: true, // its own process group, so a timeout can kill its children too
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: path.dirname(script),
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    const timer = setTimeout(() => {
      killGroup(child);
      finish('failed', `no answer within ${timeoutMs} ms; killed`);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    child.on('error', (err) => finish('failed', err.message));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        finish('failed', `exit ${code ?? signal ?? '?'}: ${stderr.trim().slice(0, 200)}`);
      } else {
        finish(output.trim() === '1' ? 'allowed' : 'refused');
      }
    });
  });
}

/**
 * Kills the script's process group. Never throws (it runs in a timer, where a throw would
 * end the server): ESRCH means it ended by itself meanwhile; on any other failure the
 * script's own process is killed instead.
 */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') child.kill('SIGKILL');
  }
}
