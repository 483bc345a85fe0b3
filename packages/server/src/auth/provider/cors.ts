/**
 * Which web origins may call the token, PAR and revocation endpoints from a browser script, per
 * client (oidc-provider's `clientBasedCORS`; its default allows every origin). Only public clients
 * run in browsers; a confidential client is a backend and never needs CORS, so none is allowed
 * for it. A browser app's origins are those of its registered redirect URIs: the page that starts
 * the flow is the page the citizen comes back to (RFC 9700 §4.1.3 keeps those registered exactly).
 */
import type { Client } from 'oidc-provider';

/** The origins of the client's web redirect URIs (custom-scheme URIs of native apps have none). */
export function webOriginsOf(redirectUris: readonly string[]): Set<string> {
  const origins = new Set<string>();
  for (const uri of redirectUris) {
    const url = URL.parse(uri);
    if (url && (url.protocol === 'https:' || url.protocol === 'http:')) origins.add(url.origin);
  }
  return origins;
}

export function allowsCorsFrom(client: Client, origin: string): boolean {
  if (client.clientAuthMethod !== 'none') return false;
  return webOriginsOf(client.redirectUris ?? []).has(origin);
}
