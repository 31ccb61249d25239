/**
 * scripts/server.env's allocator settings do what docs/operations.md ("The server's memory")
 * says: in a Node process with them, a large buffer freed and allocated again reuses the
 * pages it had (no first touch of fresh memory), where glibc's defaults map it anew.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { serverEnv } from '../fixtures/server-env.ts';

/** Minor page faults of touching a 64 MB buffer allocated after an equal one was freed. */
const SCRIPT = `
const touch = (b) => { for (let i = 0; i < b.length; i += 4096) b[i] = 1; };
(async () => {
  let b = Buffer.allocUnsafeSlow(64 << 20);
  touch(b);
  b = null;
  gc();
  // V8 may free backing stores on a background thread after the collection.
  await new Promise((r) => setTimeout(r, 200));
  const before = process.resourceUsage().minorPageFault;
  touch(Buffer.allocUnsafeSlow(64 << 20));
  console.log(process.resourceUsage().minorPageFault - before);
})();
`;

function faults(env: NodeJS.ProcessEnv): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', SCRIPT], {
    env,
    encoding: 'utf8',
  });
  return Number(out.trim());
}

describe("the server's allocator settings (scripts/server.env)", function () {
  this.timeout(60_000);

  it('are plain KEY=VALUE lines, as systemd and bash both read them', () => {
    const env = serverEnv();
    assert.ok(Object.keys(env).length > 0);
    for (const key of Object.keys(env)) assert.match(key, /^MALLOC_[A-Z_]+_$/);
  });

  it('let a freed 64 MB buffer be reused without touching fresh pages', () => {
    const plain = { ...process.env };
    for (const key of Object.keys(serverEnv())) delete plain[key];
    const pages = (64 << 20) / 4096;
    // glibc's defaults: the second buffer is mapped afresh, a fault on every page.
    assert.ok(faults(plain) > pages * 0.9, 'the default allocator maps large blocks afresh');
    assert.ok(faults({ ...plain, ...serverEnv() }) < pages * 0.1, 'the pages were not reused');
  });
});
