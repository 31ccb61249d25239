import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../server/errors.ts';
import { checkPassword, normalizeEmail, parseBasicAuth } from '../../server/auth/credentials.ts';
import { createOriginPolicy } from '../../server/auth/origin.ts';
import { hashPassword, verifyPassword } from '../../server/auth/password.ts';
import { isTokenShaped, newToken, sameDigest, sha256 } from '../../server/auth/tokens.ts';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return `${err.status} ${err.code}`;
  }
}

describe('auth credentials', () => {
  it('normalizes emails: trimmed, lower-cased', () => {
    assert.equal(normalizeEmail('  Ada.Lovelace+R@Hanover.EDU \n'), 'ada.lovelace+r@hanover.edu');
    assert.equal(normalizeEmail("o'brien@sub.example.co.uk"), "o'brien@sub.example.co.uk");
  });

  it('refuses malformed or hostile emails with 422 invalid_email', () => {
    const bad: unknown[] = [
      undefined,
      null,
      42,
      ['a@b.org'],
      '',
      'plain',
      '@example.org',
      'a@',
      'a@b',
      'a@@b.org',
      'a b@example.org',
      '<script>@example.org',
      'a@exa mple.org',
      'a@-bad.org',
      'a..b@example.org',
      '.a@example.org',
      'a.@example.org',
      '-rf@example.org',
      'a@example.123',
      'a\u0000b@example.org',
      'a@example.org\r\nBcc: x@y.org',
      `${'a'.repeat(65)}@example.org`,
      `a@${'b'.repeat(250)}.org`,
      'ünï@example.org',
      'a@ex_ample.org',
      '"a"@example.org',
      '$(reboot)@example.org',
    ];
    for (const input of bad)
      assert.equal(
        codeOf(() => normalizeEmail(input)),
        '422 invalid_email',
        String(input),
      );
  });

  it('applies the password policy with 422 weak_password', () => {
    const email = 'ada@example.org';
    assert.equal(checkPassword('correct horse battery', email), 'correct horse battery');
    for (const pw of [
      undefined,
      12345678901,
      '',
      'short',
      '123456789',
      'Password123',
      'QWERTYUIOP',
      'aaaaaaaaaaaa',
      'abababababab',
      'abcdefghijk',
      'ada@example.org',
      'x'.repeat(257),
    ]) {
      assert.equal(
        codeOf(() => checkPassword(pw, email)),
        '422 weak_password',
        String(pw),
      );
    }
    assert.equal(
      codeOf(() => checkPassword('adalovelace', 'adalovelace@example.org')),
      '422 weak_password',
    );
  });

  it('reads Basic credentials, with ":" allowed in the password', () => {
    const header = `Basic ${Buffer.from('a@b.org:pa:ss word').toString('base64')}`;
    assert.deepEqual(parseBasicAuth(header), { email: 'a@b.org', password: 'pa:ss word' });
    assert.equal(parseBasicAuth(undefined), null);
    assert.equal(parseBasicAuth('Bearer xyz'), null);
    assert.equal(parseBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`), null);
    assert.equal(parseBasicAuth('Basic !!!'), null);
  });

  it('hashes with argon2id and verifies', async () => {
    const stored = await hashPassword('correct horse battery');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(stored, 'correct horse battery'), true);
    assert.equal(await verifyPassword(stored, 'correct horse batterY'), false);
    assert.equal(await verifyPassword(null, 'correct horse battery'), false);
  });

  it('makes random URL-safe tokens and compares digests', () => {
    const a = newToken();
    assert.equal(isTokenShaped(a), true);
    assert.notEqual(a, newToken());
    assert.equal(isTokenShaped(`${a.slice(0, 42)}!`), false);
    assert.equal(isTokenShaped(a.slice(1)), false);
    assert.equal(sameDigest(sha256(a), sha256(a)), true);
    assert.equal(sameDigest(sha256(a), sha256(`${a}x`)), false);
    assert.equal(sameDigest(sha256(a), ''), false);
  });
});

describe('auth origin policy', () => {
  const policy = createOriginPolicy(['https://client.example.org/']);
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  it('accepts the own host and configured origins, refuses others', () => {
    assert.equal(
      policy(req({ host: 'panthr.local:8080', origin: 'http://panthr.local:8080' })),
      'ok',
    );
    assert.equal(policy(req({ host: 'panthr.local', origin: 'https://panthr.local' })), 'ok');
    assert.equal(policy(req({ host: 'panthr.local', origin: 'https://client.example.org' })), 'ok');
    assert.equal(policy(req({ host: 'panthr.local', referer: 'http://panthr.local/x?y' })), 'ok');
    assert.equal(policy(req({ host: 'panthr.local' })), 'absent');
    assert.equal(policy(req({ host: 'panthr.local', origin: 'https://evil.example' })), 'foreign');
    assert.equal(
      policy(req({ host: 'panthr.local', origin: 'http://panthr.local.evil.example' })),
      'foreign',
    );
    assert.equal(
      policy(req({ host: 'panthr.local:8080', origin: 'http://panthr.local:9090' })),
      'foreign',
    );
    assert.equal(policy(req({ host: 'panthr.local', origin: 'null' })), 'foreign');
    assert.equal(policy(req({ host: 'panthr.local', referer: 'file:///etc/passwd' })), 'foreign');
  });
});
