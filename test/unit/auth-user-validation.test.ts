import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { runUserValidation } from '../../server/auth/user-validation.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** True when `pid` runs; a zombie (killed, not yet reaped by its new parent) does not. */
async function running(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat === null || /^\d+ \(.*\) Z/.test(stat)) return false;
    await new Promise((r) => setTimeout(r, 50)); // SIGKILL is delivered asynchronously
  }
  return true;
}

describe('auth user_validation runner (real scripts)', () => {
  let dir = '';
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });

  async function script(name: string, body: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  }

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-uv-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the shipped example allows only @hanover.edu', async () => {
    const example = path.join(ROOT, 'scripts/user_validation.example.sh');
    assert.equal(await runUserValidation(example, 'ada@hanover.edu', log), 'allowed');
    assert.equal(await runUserValidation(example, 'ada@evilhanover.edu', log), 'refused');
    assert.equal(await runUserValidation(example, 'ada@hanover.edu.evil.org', log), 'refused');
    assert.equal(await runUserValidation(example, 'ada@example.org', log), 'refused');
  });

  it('passes the email as one argument, without a shell, in a clean environment', async () => {
    const out = path.join(dir, 'seen.txt');
    const s = await script(
      'echo.sh',
      `printf '%s|%s|%s' "$#" "$1" "$HOME$SECRET" > "${out}"; echo 1`,
    );
    process.env.SECRET = 'leak';
    try {
      assert.equal(await runUserValidation(s, "a'$(touch x);b@example.org", log), 'allowed');
    } finally {
      delete process.env.SECRET;
    }
    assert.equal(await readFile(out, 'utf8'), "1|a'$(touch x);b@example.org|");
  });

  it('refuses on anything but "1", and logs failures', async () => {
    assert.equal(
      await runUserValidation(await script('zero.sh', 'echo 0'), 'a@b.org', log),
      'refused',
    );
    assert.equal(
      await runUserValidation(await script('yes.sh', 'echo yes'), 'a@b.org', log),
      'refused',
    );
    assert.equal(
      await runUserValidation(await script('silent.sh', 'true'), 'a@b.org', log),
      'refused',
    );
    lines.length = 0;
    assert.equal(
      await runUserValidation(await script('fail.sh', 'echo 1; exit 3'), 'a@b.org', log),
      'failed',
    );
    assert.equal(await runUserValidation(path.join(dir, 'missing.sh'), 'a@b.org', log), 'failed');
    assert.equal(lines.filter((l) => l.includes('user_validation script failed')).length, 2);
  });

  it('kills a hanging script and its children at the time limit', async () => {
    const pidFile = path.join(dir, 'child.pid');
    const s = await script('hang.sh', `sleep 30 & echo $! > "${pidFile}"; wait`);
    assert.equal(await runUserValidation(s, 'a@b.org', log, 300), 'failed');
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    assert.equal(await running(child), false, `child ${child} of the script still runs`);
  });
});
