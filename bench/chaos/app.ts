/** The chaos run's app and citizens: a public sandbox app with a deletion webhook, and who signs in. */
import { generateKeyPairSync } from 'node:crypto';
import { registerOrganisation } from '../../packages/server/src/auth/clients/organisations.js';
import { registerTestApp } from '../../packages/server/src/auth/testing.js';
import type { Database } from '../../packages/server/src/db/index.js';

export const CHAOS_CLIENT_ID = 'chaos-app';

/**
 * Registers the app (on the device: PKCE and DPoP, no secret) with its deletion webhook at
 * `webhookUrl`, and returns the national IDs of up to `citizens` synthetic citizens the sandbox's
 * persona picker signs in (A小姐, B爺爺 and C職場's employees).
 */
export async function registerChaosApp(
  db: Database,
  opts: { webhookUrl: string; citizens: number },
): Promise<{ clientId: string; citizens: string[] }> {
  const org = await registerOrganisation(db, { type: 'company', name: '混沌測試股份有限公司', identifier: '24502181' });
  const receiptKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  await registerTestApp(
    { db, organisationId: org.id },
    {
      clientId: CHAOS_CLIENT_ID,
      clientType: 'public',
      categories: ['lab', 'outpatient', 'inpatient'],
      deletionWebhookUrl: opts.webhookUrl,
      receiptJwks: { keys: [{ ...receiptKey, kid: 'chaos-receipts' }] },
    },
  );
  const rows = await db.kysely
    .selectFrom('citizens')
    .select('national_id')
    .where('synthetic', '=', 1)
    .where('persona', 'is not', null)
    .orderBy('id')
    .limit(opts.citizens)
    .execute();
  return { clientId: CHAOS_CLIENT_ID, citizens: rows.map((r) => r.national_id) };
}
