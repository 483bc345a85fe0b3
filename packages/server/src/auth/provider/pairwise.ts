import { createHmac } from 'node:crypto';
import { deriveKey } from './secrets.js';

/**
 * Pairwise subject identifiers (OIDC Core §8.1) per organisation rather than per client: the apps
 * of one organisation see the same citizen as the same subject, two organisations cannot join
 * their data on it, and nobody can reverse it without the platform's secret.
 */
export function pairwiseSubject(secret: string, organisationId: string, accountId: string): string {
  return createHmac('sha256', deriveKey(secret, 'pairwise-subject'))
    .update(`${organisationId}\u0000${accountId}`)
    .digest('base64url');
}
