/**
 * Implicit consent for first-party clients. Every client of the realm is configured by the
 * platform itself (there is no dynamic registration), so asking users to approve HiveMatrix's
 * access to HiveMatrix would be noise: the grant is created, or widened, to cover exactly what
 * the client asked for, and the provider's consent prompt never fires.
 */
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

/** oidc-provider's `loadExistingGrant`, called once the user is known. */
export async function loadFirstPartyGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const client = oidc.client;
  const accountId = oidc.session.accountId;
  if (client === undefined || accountId === undefined) return undefined;

  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(client.clientId);
  let grant = grantId === undefined ? undefined : await oidc.provider.Grant.find(grantId);
  if (grant !== undefined && (grant.accountId !== accountId || grant.clientId !== client.clientId)) grant = undefined;
  grant ??= new oidc.provider.Grant({ accountId, clientId: client.clientId });

  const scopes = [...oidc.requestParamOIDCScopes];
  if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '));
  const claims = [...oidc.requestParamClaims];
  if (claims.length > 0) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}
