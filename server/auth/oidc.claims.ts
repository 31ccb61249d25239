/**
 * The claims a sign-on is judged by: the checked ID token's, completed from the provider's
 * userinfo endpoint when the ID token lacks `email` or `email_verified`. Providers that
 * follow OpenID Connect Core 5.4 to the letter (oidc-provider with `conformIdTokenClaims`,
 * several hosted ones) put scope-requested claims such as `email` only in userinfo.
 */
import * as oidc from 'openid-client';
import type { SsoClaims } from './oidc.accounts.ts';

/** The ID token's claims lack what ssoAccount needs to decide. */
function lacksEmail(claims: SsoClaims): boolean {
  return typeof claims['email'] !== 'string' || typeof claims['email_verified'] !== 'boolean';
}

/**
 * The sign-on's claims. Userinfo is asked only when the ID token lacks the email; its
 * answer must name the ID token's subject (openid-client checks `sub`, else throws), and it
 * only fills the email claims: nothing else of the ID token is replaced. Network failures
 * throw as the token request's do.
 */
export async function signOnClaims(
  config: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
): Promise<SsoClaims> {
  const claims: SsoClaims = tokens.claims() ?? {};
  if (!lacksEmail(claims)) return claims;
  const sub = claims['sub'];
  if (typeof sub !== 'string') return claims;
  const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
  const email = typeof claims['email'] === 'string' ? claims['email'] : info.email;
  // A verification flag belongs to the address it came with.
  const verified =
    typeof claims['email'] === 'string' && typeof claims['email_verified'] === 'boolean'
      ? claims['email_verified']
      : email === info.email
        ? info.email_verified
        : undefined;
  return { ...claims, email, email_verified: verified };
}
