/**
 * Property: whatever the citizen consents to (a subset of the requested categories, a period,
 * institutions to leave out), the file holds exactly those records and nothing else, and its
 * counts match the database. Each run is a real consent through the SDK and the consent form.
 */
import {
  CATEGORY_IDS,
  type CategoryId,
  type HealthRecord,
  institutionOf,
  type RecordsByCategory,
} from '@healthbank/records';
import { configure, MemoryStore } from '@healthbank/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../auth/testing.js';
import { taiwanDate, yearsBefore } from '../consent/model.js';
import { findConsent } from '../consent/repository.js';
import { FIXTURE_INSTITUTIONS, fixtureRecord } from '../db/fixtures.js';
import { findCitizenByNationalId, listPersonas, recordJson, storedPayload } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { listExports } from './history.js';

const APP = 'property-test-app';
const REQUESTED: CategoryId[] = ['outpatient', 'allergy', 'immunization', 'lab'];
const DAY = 86_400_000;

/** Adds records to A小姐 so that every period and exclusion has something to cut. */
async function addRecords(platform: TestPlatform, citizenId: number): Promise<void> {
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const rows = Array.from({ length: 160 }, (_, n) => {
    const category = REQUESTED[n % REQUESTED.length] as CategoryId;
    const date = new Date(Date.UTC(2010, 0, 1) + Math.floor(random() * 16.9 * 365) * DAY).toISOString().slice(0, 10);
    const institution = FIXTURE_INSTITUTIONS[Math.floor(random() * FIXTURE_INSTITUTIONS.length)];
    const record = fixtureRecord(
      category,
      `prop-${String(n).padStart(3, '0')}`,
      date,
      institution ?? { code: '', name: '' },
      random,
    );
    const at = institutionOf(record);
    return {
      citizen_id: citizenId,
      id: record.id,
      category,
      date,
      institution_code: at?.code ?? null,
      payload: storedPayload(record),
    };
  });
  await platform.db.kysely.insertInto('records').values(rows).execute();
}

async function allRecords(platform: TestPlatform, citizenId: number): Promise<HealthRecord[]> {
  const rows = await platform.db.kysely
    .selectFrom('records')
    .select(recordJson().as('payload'))
    .where('citizen_id', '=', citizenId)
    .execute();
  return rows.map((r) => JSON.parse(r.payload) as HealthRecord);
}

const period = fc.oneof(
  fc.constantFrom('1y', '3y', '5y', 'all').map((p) => ({ period: p })),
  fc
    .tuple(fc.integer({ min: 0, max: 6200 }), fc.integer({ min: 0, max: 6200 }))
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)])
    .map(([a, b]) => ({
      period: 'custom',
      from: new Date(Date.UTC(2009, 0, 1) + (a ?? 0) * DAY).toISOString().slice(0, 10),
      to: new Date(Date.UTC(2009, 0, 1) + (b ?? 0) * DAY).toISOString().slice(0, 10),
    })),
);

const consentChoice = fc.record({
  categories: fc.subarray(REQUESTED, { minLength: 1 }),
  period,
  excluded: fc.subarray(FIXTURE_INSTITUTIONS.map((i) => i.code)),
});

describe.each(testDatabases())('files hold exactly what was consented on $label', (target) => {
  let platform: TestPlatform;
  let citizenId: number;
  let everything: HealthRecord[];

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: APP, clientType: 'public', categories: REQUESTED });
    const a = (await listPersonas(platform.db)).find((p) => p.persona === 'A小姐');
    citizenId = (await findCitizenByNationalId(platform.db, a?.nationalId ?? ''))?.id ?? 0;
    await addRecords(platform, citizenId);
    everything = await allRecords(platform, citizenId);
  });
  afterAll(() => platform?.close());

  it('over random consents: only the consented categories, period and exclusions; counts match', async () => {
    const hb = configure({
      issuer: platform.url,
      clientId: APP,
      redirectUri: TEST_REDIRECT_URI,
      store: new MemoryStore(),
    });
    await fc.assert(
      fc.asyncProperty(consentChoice, async (choice) => {
        const { authorizationUrl } = await hb.start({ categories: REQUESTED, navigate: false });
        const { callback } = await authorizeInBrowser(platform, authorizationUrl, {
          consent: {
            acknowledge: 'yes',
            duration: 'once',
            category: choice.categories,
            exclude: choice.excluded,
            ...choice.period,
          },
        });
        if (!callback) throw new Error('the consent flow did not finish');
        const ticket = await hb.handleRedirect(callback);
        const data = await hb.fetchData(ticket);

        // What the consent should yield, computed here from all of her records.
        const today = taiwanDate(Date.now());
        const p = choice.period;
        const from =
          p.period === 'custom' ? p.from : p.period === 'all' ? undefined : yearsBefore(today, Number(p.period?.[0]));
        const to = p.period === 'custom' ? p.to : undefined;
        const chosen = CATEGORY_IDS.filter((c) => choice.categories.includes(c));
        const expected: Partial<Record<CategoryId, string[]>> = {};
        for (const c of chosen) expected[c] = [];
        for (const r of everything) {
          if (!chosen.includes(r.category)) continue;
          if ((from !== undefined && r.date < from) || (to !== undefined && r.date > to)) continue;
          const at = institutionOf(r);
          if (at && choice.excluded.includes(at.code)) continue;
          expected[r.category]?.push(r.id);
        }
        const received: Partial<Record<CategoryId, string[]>> = {};
        for (const [c, list] of Object.entries(data.records as RecordsByCategory)) {
          received[c as CategoryId] = (list ?? []).map((r) => r.id).sort();
        }
        for (const c of chosen) expected[c]?.sort();
        expect(received).toEqual(expected);

        const counts = Object.fromEntries(chosen.map((c) => [c, expected[c]?.length ?? 0]));
        expect(data.claims.counts).toEqual(counts);
        expect([...data.claims.categories].sort()).toEqual([...chosen].sort());
        expect(data.claims.period).toEqual({ from: from ?? null, to: to ?? null });
        const stored = await findConsent(platform.db, ticket.consentId);
        expect(stored?.excludedInstitutions).toEqual([...choice.excluded].sort());
        const [entry] = await listExports(platform.db, citizenId);
        expect(entry?.id).toBe(data.claims.jti);
        expect(entry?.counts).toEqual(counts);
      }),
      { numRuns: 30, seed: 20261126 },
    );
  }, 180_000);
});
