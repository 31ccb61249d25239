/** The configuration: defaults, one line per bad key, unknown keys, paths, files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../server/config/index.ts';
import { loadSecret } from '../../server/server.ts';

function problems(input: unknown): readonly string[] {
  try {
    parseConfig(input);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', () => {
  it('accepts {} and fills in every default of API.md §4', () => {
    const c = parseConfig({});
    assert.equal(c.name, 'PanthR server');
    assert.equal(c.owner, undefined);
    assert.equal(c.timeout, 3600);
    assert.equal(c.max_time, 86400);
    assert.equal(c.max_users, null);
    assert.equal(c.max_data, null);
    assert.equal(c.port, 80);
    assert.equal(c.user_validation, null);
    assert.equal(c.allow_full_r, false);
    assert.deepEqual(c.extensions, {});
    assert.equal(c.public, false);
    assert.equal(c.data_dir, 'data');
    assert.equal(c.mongodb_url, null);
    assert.equal(c.mail, null);
    assert.equal(c.compute_timeout, 60);
    assert.equal(c.max_queued, 1000);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.r));
  });

  it("takes API.md's limits as any positive seconds, and max_users 0 (always full)", () => {
    const c = parseConfig({ timeout: 0.5, max_time: 1.5, compute_timeout: 0.25, max_users: 0 });
    assert.deepEqual([c.timeout, c.max_time, c.compute_timeout, c.max_users], [0.5, 1.5, 0.25, 0]);
    assert.equal(problems({ timeout: 0 }).length, 1);
    assert.equal(problems({ compute_timeout: -1 }).length, 1);
    assert.equal(parseConfig({ max_queued: 1 }).max_queued, 1);
    assert.equal(problems({ max_queued: 0 }).length, 1);
    assert.equal(problems({ max_queued: 2.5 }).length, 1);
  });

  it('names each bad key with what was expected and what it got', () => {
    assert.deepEqual(problems({ timeout: 'soon' }), ['timeout: expected a number, got "soon"']);
    const many = problems({
      port: 70000,
      max_users: -1,
      allow_full_r: 'yes',
      colour: 'red',
      mail: {},
    });
    assert.equal(many.length, 6);
    assert.ok(many.some((p) => p.startsWith('port:')));
    assert.ok(many.some((p) => p.startsWith('max_users:')));
    assert.ok(many.some((p) => p.startsWith('allow_full_r: expected a boolean')));
    assert.ok(many.includes('colour: unknown key'));
    assert.ok(many.some((p) => p.startsWith('mail.smtp_url:')));
    assert.ok(many.some((p) => p.startsWith('mail.from:')));
    assert.deepEqual(problems({ r: { pool: 3 } }), ['r.pool: unknown key']);
    // One line a key, saying what is wrong with it in words.
    assert.deepEqual(problems({ location: [] }), ['location: expected a string, got []']);
    assert.deepEqual(problems(JSON.parse('{"timeout": 1e400}')), [
      'timeout: the number is too large',
    ]);
    assert.deepEqual(problems({ extensions: { 'bad name': 'x.R' } }), [
      'extensions: bad name "bad name": extension names are letters, digits, _ . -',
    ]);
  });

  it('refuses a file that is not one JSON object', () => {
    assert.deepEqual(problems([]), ['expected one JSON object, got []']);
    assert.deepEqual(problems(null), ['expected one JSON object, got null']);
  });

  it('reads a file, resolving relative paths against its folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-config-'));
    const file = path.join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ data_dir: 'd', extensions: { x: 'ext/x.R' } }));
    mkdirSync(path.join(dir, 'ext'));
    writeFileSync(path.join(dir, 'ext/x.R'), '# an extension\n');
    const c = loadConfig(file);
    assert.equal(c.data_dir, path.join(dir, 'd'));
    assert.equal(c.extensions.x, path.join(dir, 'ext/x.R'));
  });

  it('says why a file cannot be used: missing, unreadable, not JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-config-'));
    const message = (file: string): string => {
      try {
        loadConfig(file);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.message;
      }
      return assert.fail('accepted');
    };
    assert.match(message(path.join(dir, 'none.json')), /file not found/);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"port": 8080,');
    assert.match(message(broken), /not valid JSON/);
    // A user_validation script that cannot run would refuse every registration.
    const withScript = (script: string): string => {
      const f = path.join(dir, 'uv.json');
      writeFileSync(f, JSON.stringify({ user_validation: script }));
      return message(f);
    };
    assert.match(withScript('none.sh'), /user_validation: .*none\.sh does not exist/);
    writeFileSync(path.join(dir, 'plain.sh'), '#!/bin/sh\necho 1\n');
    assert.match(withScript('plain.sh'), /plain\.sh is not executable \(chmod \+x\)/);
    assert.match(withScript('.'), /is not a file/);
    chmodSync(path.join(dir, 'plain.sh'), 0o755);
    writeFileSync(path.join(dir, 'uv.json'), JSON.stringify({ user_validation: 'plain.sh' }));
    assert.equal(loadConfig(path.join(dir, 'uv.json')).user_validation, path.join(dir, 'plain.sh'));
    // An extension's R file that cannot be read is named by its key, with the other problems.
    const ext = path.join(dir, 'ext.json');
    writeFileSync(
      ext,
      JSON.stringify({
        user_validation: 'none.sh',
        extensions: { norm: 'r/none.R', ok: 'plain.sh' },
      }),
    );
    const both = message(ext);
    assert.match(both, /user_validation: .*none\.sh does not exist/);
    assert.match(
      both,
      /extensions\.norm: .*r\/none\.R does not exist \(a relative path is taken from the configuration file's folder\)/,
    );
    assert.doesNotMatch(both, /extensions\.ok/);
    // With other bad keys too, every problem is said at once (not the files after a fix).
    const many = path.join(dir, 'many.json');
    writeFileSync(
      many,
      JSON.stringify({ colour: 'red', port: -1, extensions: { norm: 'r/none.R', ok: 'plain.sh' } }),
    );
    const all = message(many);
    assert.match(all, /colour/);
    assert.match(all, /port/);
    assert.match(all, /extensions\.norm: r\/none\.R does not exist/);
    assert.doesNotMatch(all, /extensions\.ok/);
    // A file of JSON that is no object (null, an array) is a configuration error, named so.
    for (const text of ['null', '[]', '42']) {
      const odd = path.join(dir, 'odd.json');
      writeFileSync(odd, text);
      assert.match(message(odd), /expected one JSON object/);
    }
    if (process.getuid?.() !== 0) {
      const locked = path.join(dir, 'locked.json');
      writeFileSync(locked, '{}');
      chmodSync(locked, 0);
      assert.match(message(locked), /permission denied/);
    }
  });

  it('makes the session secret once, and refuses an empty secret file by name', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-config-'));
    const config = parseConfig({ data_dir: dir });
    const made = loadSecret(config);
    assert.ok(made.length >= 32);
    assert.equal(loadSecret(config), made);
    const empty = path.join(dir, 'empty.secret');
    writeFileSync(empty, '\n');
    assert.throws(
      () => loadSecret(parseConfig({ data_dir: dir, session_secret_file: empty })),
      /empty\.secret is empty/,
    );
  });

  it('stops the start with exit 2 and no stack trace when data_dir cannot be made', function () {
    this.timeout(20_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-config-'));
    const file = path.join(dir, 'c.json');
    writeFileSync(path.join(dir, 'a-file'), '');
    writeFileSync(file, JSON.stringify({ port: 0, data_dir: 'a-file/data' }));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, PANTHR_CONFIG: file },
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      /^panthr: data_dir: cannot write the log in .*a-file\/data\/logs: ENOTDIR/,
    );
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('accepts cluster only with mongodb_url and a shared secret file, lease_ttl at most 15', () => {
    const cluster = { node_id: 'node1', redis_url: 'redis://127.0.0.1:6379' };
    const refused = problems({ cluster });
    assert.equal(refused.length, 2);
    assert.match(
      refused[0] ?? '',
      /^cluster: needs mongodb_url: the embedded store is single-node/,
    );
    assert.match(refused[1] ?? '', /^cluster: needs session_secret_file/);
    const shared = { mongodb_url: 'mongodb://db/panthr', session_secret_file: 's' };
    assert.equal(parseConfig({ ...shared, cluster }).cluster?.lease_ttl, 15);
    assert.match(
      problems({ ...shared, cluster: { ...cluster, lease_ttl: 20 } })[0] ?? '',
      /^cluster\.lease_ttl: /,
    );
    assert.equal(parseConfig({}).cluster, null);
  });

  it('makes the secret file once when several nodes start at once', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-secret-'));
    const config = parseConfig({
      data_dir: dir,
      session_secret_file: path.join(dir, 'shared.secret'),
    });
    const secrets = [loadSecret(config), loadSecret(config)];
    assert.equal(secrets[0], secrets[1]);
  });

  it('ships a valid panthr_config.json on port 8080', () => {
    const c = loadConfig(path.resolve(import.meta.dirname, '../../panthr_config.json'));
    assert.equal(c.port, 8080);
  });
});
