/** The server's version comes from package.json only (/status shows MAJOR.MINOR). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_VERSION, SERVER_VERSION } from '../../server/http/status.routes.ts';
import { majorMinor, readPackageVersion } from '../../server/version.ts';

describe('server version', () => {
  it('is MAJOR.MINOR of package.json, and the API is 1.1', () => {
    assert.equal(SERVER_VERSION, majorMinor(readPackageVersion()));
    assert.equal(API_VERSION, '1.1');
  });

  it('takes MAJOR.MINOR of a semantic version and refuses anything else', () => {
    assert.equal(majorMinor('1.1.0'), '1.1');
    assert.equal(majorMinor('12.30.4-beta.1'), '12.30');
    for (const bad of ['1.1', 'v1.1.0', '', '1.x.0']) assert.throws(() => majorMinor(bad));
  });

  it('reads the nearest package.json of panthr-server, skipping other packages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'panthr-version-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"name":"panthr-server","version":"3.4.5"}');
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      writeFileSync(join(dir, 'a', 'package.json'), '{"name":"other","version":"9.9.9"}');
      assert.equal(readPackageVersion(join(dir, 'a', 'b')), '3.4.5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
