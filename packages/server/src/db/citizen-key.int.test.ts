/**
 * Shard-ready by citizen: every statement a citizen's whole journey sends to the tables that Citus
 * distributes by citizen (docs/scaling.md) names the citizen, so that each is routed to the one
 * shard holding that citizen and none fans out to all of them. The journey is the real one: an
 * app's consent, ticket and file, the portal's pages, a deletion request, a revocation, and the
 * app refused afterwards. The query log is Kysely's (`OpenOptions.onQuery`), statement text only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfIn, registerTestApp, startTestPlatform, type TestPlatform } from '../auth/testing.js';
import { discoverClient } from '../auth/testing-client.js';
import { fetchFile, portalGet, provideFile } from '../citizen/testing.js';
import { testDatabases } from './testing.js';

/**
 * The tables distributed by `citizen_id` in the Citus plan (docs/scaling.md): a citizen's records,
 * and the contacts kept for that citizen. The rest stay on the coordinator.
 */
const CITIZEN_DISTRIBUTED_TABLES = ['records', 'citizen_contacts'] as const;

/**
 * Every table holding something of one citizen's, distributed or not: each carries the citizen's
 * key, so that it can be colocated with the records later, and a citizen's deletion cascades.
 */
const CITIZEN_TABLES = [
  ...CITIZEN_DISTRIBUTED_TABLES,
  'citizen_passkeys',
  'signin_pending',
  'consents',
  'export_tickets',
  'exports',
  'notifications',
  'deletion_requests',
  'audit_log',
] as const;

const APP = 'citizen-key-app';

/** The distributed tables a statement reads or writes, once per reference. */
function distributedReferences(statement: string): string[] {
  const text = statement.toLowerCase().replaceAll('"', '');
  const pattern = new RegExp(`\\b(?:from|join|into|update)\\s+(${CITIZEN_DISTRIBUTED_TABLES.join('|')})\\b`, 'g');
  return [...text.matchAll(pattern)].map((m) => m[1] as string);
}

/**
 * True when every reference to a distributed table is scoped to one citizen: an equality on
 * `citizen_id` with a value for each reference, or an INSERT whose column list names it.
 */
function scopedToCitizen(statement: string): boolean {
  const text = statement.toLowerCase().replaceAll('"', '');
  const references = distributedReferences(statement).length;
  if (/^\s*insert\s+into\s+\w+\s*\([^)]*\bcitizen_id\b/.test(text)) return true;
  const keys = text.match(/\bcitizen_id\s*=\s*(?:\$\d+|\?)/g)?.length ?? 0;
  return keys >= references;
}

describe('the citizen key in every statement on distributed tables', () => {
  it('recognises scoped and unscoped statements', () => {
    expect(scopedToCitizen('select "payload" from "records" where "citizen_id" = $1 and "category" in ($2)')).toBe(
      true,
    );
    expect(scopedToCitizen('select count(*) from "records" group by "category"')).toBe(false);
    expect(scopedToCitizen('insert into "records" ("citizen_id", "id") values ($1, $2)')).toBe(true);
    expect(
      scopedToCitizen(
        'select g.code from (select 1 from records where citizen_id = ? group by x) g join records r on r.id = g.id',
      ),
    ).toBe(false);
    expect(scopedToCitizen('update "citizen_contacts" set "value" = $1 where "kind" = $2')).toBe(false);
  });
});

describe.each(testDatabases())('a citizen’s journey on $label', (target) => {
  let platform: TestPlatform;
  const statements: string[] = [];
  let recording = false;

  beforeAll(async () => {
    platform = await startTestPlatform(target, { onQuery: (sql) => recording && statements.push(sql) });
    await registerTestApp(platform, { clientId: APP, clientType: 'public' });
  });
  afterAll(() => platform?.close());

  it('keys every table of citizen data by citizen_id', async () => {
    const columns = await platform.db.kysely.introspection.getTables();
    for (const table of CITIZEN_TABLES) {
      expect(
        columns.find((t) => t.name === table)?.columns.map((c) => c.name),
        table,
      ).toContain('citizen_id');
    }
  });

  it('names the citizen in every statement on records and contacts', async () => {
    const config = await discoverClient(platform, APP);
    recording = true;
    const provided = await provideFile(platform, config);
    const { browser, consentId, keys, ticket } = provided;
    for (const path of ['/me', '/me/records', '/me/records/lab', '/me/history', `/me/consents/${consentId}`]) {
      expect((await portalGet(platform, browser, path)).status).toBe(200);
    }
    const deletion = await portalGet(platform, browser, `/me/consents/${consentId}/deletion`);
    const asked = await browser.request(`${platform.url}/me/consents/${consentId}/deletion`, {
      form: { _csrf: csrfIn(deletion.html) },
    });
    expect(asked.status).toBe(303);
    const revoke = await portalGet(platform, browser, `/me/consents/${consentId}/revoke`);
    const revoked = await browser.request(`${platform.url}/me/consents/${consentId}/revoke`, {
      form: { _csrf: csrfIn(revoke.html) },
    });
    expect(revoked.status).toBe(303);
    expect((await fetchFile(platform, ticket, keys)).status).toBe(403);
    recording = false;

    const onDistributed = statements.filter((s) => distributedReferences(s).length > 0);
    // The journey did read records (the file, the consent page's institutions, the portal's pages).
    expect(onDistributed.filter((s) => distributedReferences(s).includes('records')).length).toBeGreaterThan(4);
    expect(onDistributed.filter((s) => !scopedToCitizen(s))).toEqual([]);
  });
});
