/**
 * The unprivileged user R runs as when the server runs as root: Rserve's parent and every
 * session it forks (Rserve's `uid`/`gid` with `su now`). R evaluates code sent by users;
 * as root, one escape from the PanthR library would own the machine.
 */
import { execFile } from 'node:child_process';
import { chown } from 'node:fs/promises';
import { promisify } from 'node:util';
import { RStartError } from './supervisor.types.ts';

const run = promisify(execFile);

/** Who R runs as: a user without privileges, never root. */
export interface RUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const SETUP_HINT =
  'Run scripts/setup as root (it creates the system user panthr-r), or set r.user to an existing unprivileged user';

/**
 * The user R must run as: undefined when the server is not root (R then runs as the
 * server's own user), else `name` looked up in the system's user database. Fails with an
 * RStartError when the user is missing or is root (uid or gid 0).
 */
export async function resolveRUser(name: string): Promise<RUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let line: string;
  try {
    line = (await run('getent', ['passwd', name], { timeout: 5000 })).stdout.trim();
  } catch (err) {
    throw new RStartError(`the R user ${name} does not exist`, SETUP_HINT, { cause: err });
  }
  const fields = line.split('\n')[0]?.split(':') ?? [];
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (fields[0] !== name || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new RStartError(`the R user ${name} could not be read from getent`, SETUP_HINT);
  }
  // Rserve skips setuid(0)/setgid(0) silently: R would stay root.
  if (uid === 0 || gid === 0) {
    throw new RStartError(`the R user ${name} is root (uid ${uid}, gid ${gid})`, SETUP_HINT);
  }
  return { name, uid, gid };
}

/** Gives `paths` to the R user, so that R (once it dropped root) can use them. */
export async function giveTo(user: RUser, paths: readonly string[]): Promise<void> {
  for (const p of paths) await chown(p, user.uid, user.gid);
}

/**
 * The command prefix that starts Rserve (still root) with no supplementary groups and no
 * way to gain privileges again: Rserve's own setuid/setgid keeps root's supplementary
 * groups, and no_new_privs makes setuid programs (su, sudo) useless to R.
 */
export function dropPrefix(setpriv: string): string[] {
  return [setpriv, '--clear-groups', '--no-new-privs', '--'];
}
