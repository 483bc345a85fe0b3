/**
 * The platform under test for the export benchmark: a scratch SQLite database with a synthetic
 * population, the heaviest of many generated citizens, the real server listening on a loopback port, one
 * public bench app allowed every category, and the real flows (PAR, PKCE, DPoP, sign-in through
 * the sandbox persona form, the consent page, the code exchange, `POST /api/export/tickets`) that
 * mint export tickets for chosen citizens.
 */
import type { webcrypto } from 'node:crypto';
import { CATEGORY_IDS, scopeOf } from '@healthbank/records';
import { generateCitizen } from '@healthbank/synth';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import {
  categoriesIn,
  csrfIn,
  registerTestApp,
  TEST_REDIRECT_URI,
  TestBrowser,
  type TestPlatform,
} from '../../packages/server/src/auth/testing.js';
import { client, discoverClient, pushAuthorization } from '../../packages/server/src/auth/testing-client.js';
import { findCitizenByNationalId, insertPopulation } from '../../packages/server/src/db/index.js';
import type { TestTarget } from '../../packages/server/src/db/testing.js';
import { type PlatformRef, startSeededPlatform } from './platform.js';
import { progressLine } from './progress.js';

export const BENCH_EXPORT_CLIENT_ID = 'bench-export';

/** A device's export key, made extractable here only so the browser measure can import it (non-extractable). */
export interface BenchExportKey {
  privateJwk: JWK;
  publicJwk: JWK;
  thumbprint: string;
}

export interface SeededCitizen {
  id: number;
  nationalId: string;
  records: number;
}

/** Which generated citizen the heavy citizen is, for the report. */
export interface HeavyCitizen extends SeededCitizen {
  /** Citizens generated to find it (indexes beyond the seeded ones). */
  candidates: number;
  /** Its index in the generator. */
  index: number;
  firstDate: string;
  lastDate: string;
  years: number;
  byCategory: Record<string, number>;
}

export interface ExportBench<P extends PlatformRef = TestPlatform> {
  platform: P;
  config: client.Configuration;
  dpop: client.DPoPHandle;
  dpopKeys: webcrypto.CryptoKeyPair;
  /** The DPoP key every ticket is bound to, private JWK, for the load generator's proofs. */
  dpopPrivateJwk: JWK;
  exportKey: BenchExportKey;
  seeded: { citizens: number; records: number };
}

/**
 * Starts the platform over a scratch SQLite database holding `citizens` synthetic citizens (and
 * the personas) and registers the bench app. The OAuth rate limit is raised to its maximum: the
 * benchmark is one client address running hundreds of flows, which production rightly refuses.
 */
export async function startExportBench(opts: {
  citizens: number;
  seed: string;
  asOf: string;
  target?: TestTarget;
}): Promise<ExportBench> {
  const { target = { dialect: 'sqlite', label: 'sqlite' }, ...population } = opts;
  const { platform, seeded } = await startSeededPlatform(target, { ...population, prefix: 'healthbank_bench_export' });
  try {
    return await registerExportApp(platform, seeded);
  } catch (error) {
    await platform.close();
    throw error;
  }
}

/** Registers the public bench app (every category) on a running platform, with its DPoP and export keys. */
export async function registerExportApp<P extends PlatformRef>(
  platform: P,
  seeded: ExportBench['seeded'],
): Promise<ExportBench<P>> {
  await registerTestApp(platform, {
    clientId: BENCH_EXPORT_CLIENT_ID,
    clientType: 'public',
    categories: [...CATEGORY_IDS],
  });
  const config = await discoverClient(platform, BENCH_EXPORT_CLIENT_ID);
  const dpopPair = (await generateKeyPair('ES256', { extractable: true })) as webcrypto.CryptoKeyPair;
  return {
    platform,
    config,
    dpop: client.getDPoPHandle(config, dpopPair),
    dpopKeys: dpopPair,
    dpopPrivateJwk: await exportJWK(dpopPair.privateKey),
    exportKey: await makeExportKey(),
    seeded,
  };
}

async function makeExportKey(): Promise<BenchExportKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as webcrypto.CryptoKeyPair;
  const privateJwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JWK;
  const { kty, crv, x, y } = privateJwk;
  const publicJwk: JWK = { kty, crv, x, y };
  return { privateJwk, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** Every ordinary (non-persona) citizen with its record count. */
async function ordinaryCitizens(bench: ExportBench<PlatformRef>): Promise<(SeededCitizen & { sex: string })[]> {
  const rows = await bench.platform.db.kysely
    .selectFrom('citizens')
    .innerJoin('records', 'records.citizen_id', 'citizens.id')
    .select((eb) => ['citizens.id', 'citizens.national_id', 'citizens.sex', eb.fn.countAll<number>().as('n')])
    .where('citizens.persona', 'is', null)
    .groupBy(['citizens.id', 'citizens.national_id', 'citizens.sex'])
    .execute();
  return rows.map((r) => ({ id: r.id, nationalId: r.national_id, sex: r.sex, records: Number(r.n) }));
}

/** The `count` ordinary citizens whose record counts are nearest the median: typical citizens. */
export async function typicalCitizens(bench: ExportBench<PlatformRef>, count: number): Promise<SeededCitizen[]> {
  const all = (await ordinaryCitizens(bench)).sort((a, b) => a.records - b.records);
  const median = all[Math.floor(all.length / 2)]?.records ?? 0;
  return all
    .sort((a, b) => Math.abs(a.records - median) - Math.abs(b.records - median) || a.id - b.id)
    .slice(0, count)
    .map(({ id, nationalId, records }) => ({ id, nationalId, records }));
}

const yearsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / (365.25 * 86_400_000);

const heaviest = new Map<string, number>();

/**
 * The index of the citizen with most records among `candidates` ordinary citizens generated from
 * index `from` on (beyond the seeded ones), the lowest index on a tie. Remembered per seed, so the
 * PostgreSQL pass does not generate them again.
 */
export function heaviestIndex(seed: string, asOf: string, from: number, candidates: number): number {
  const key = `${seed}/${asOf}/${from}/${candidates}`;
  let best = heaviest.get(key);
  if (best === undefined) {
    const progress = progressLine(
      `finding the heaviest of ${candidates.toLocaleString('en-US')} citizens`,
      0,
      candidates,
    );
    let most = -1;
    for (let i = 0; i < candidates; i++) {
      const n = generateCitizen(seed, from + i, asOf).records.length;
      if (n > most) {
        most = n;
        best = from + i;
      }
      if (i % 500 === 499) progress.update(i + 1, `${most.toLocaleString('en-US')} records so far`);
    }
    progress.end();
    heaviest.set(key, best as number);
  }
  return best as number;
}

/**
 * The heavy citizen comes from the population: the heaviest of `candidates` generated citizens,
 * inserted exactly as the generator made it. Utilisation is skewed as Taiwan's is (a few people
 * see doctors far more often than most), so the heaviest of many is an elderly, multimorbid
 * citizen with a decade of monthly chronic care, refills, labs, acute visits and hospital stays.
 */
export async function insertHeaviestCitizen(
  bench: ExportBench,
  opts: { seed: string; asOf: string; from: number; candidates: number; minYears: number },
): Promise<HeavyCitizen> {
  const { db } = bench.platform;
  const index = heaviestIndex(opts.seed, opts.asOf, opts.from, opts.candidates);
  const { citizen, records } = generateCitizen(opts.seed, index, opts.asOf);
  const dates = records.map((r) => r.date).sort();
  const firstDate = dates[0] ?? '';
  const lastDate = dates.at(-1) ?? '';
  const years = yearsBetween(firstDate, lastDate);
  if (years < opts.minYears) throw new Error(`the heavy citizen's records span only ${years.toFixed(1)} years`);
  await insertPopulation(db, [{ citizen, records }]);
  const stored = await findCitizenByNationalId(db, citizen.nationalId);
  if (!stored) throw new Error('the heavy citizen was not stored');
  const byCategory: Record<string, number> = {};
  for (const r of records) byCategory[r.category] = (byCategory[r.category] ?? 0) + 1;
  return {
    id: stored.id,
    nationalId: citizen.nationalId,
    records: records.length,
    candidates: opts.candidates,
    index,
    firstDate,
    lastDate,
    years,
    byCategory,
  };
}

/**
 * The sandbox signs in personas only (see `auth/signin/personas/routes.ts`: no sign-in without
 * proof outside synthetic personas), so the bench lets the ordinary citizens it measures sign in
 * through the persona form by labelling them C職場 in its own scratch database. Their records are
 * untouched; the label only opens the form to them.
 */
export async function allowSandboxSignIn(
  bench: ExportBench<PlatformRef>,
  citizens: readonly { id: number }[],
): Promise<void> {
  await bench.platform.db.kysely
    .updateTable('citizens')
    .set({ persona: 'C職場' })
    .where(
      'id',
      'in',
      citizens.map((c) => c.id),
    )
    .execute();
}

/** Every category, all time, once: the whole record set. */
const CONSENT_FORM = { acknowledge: 'yes', period: 'all', duration: 'once', category: [...CATEGORY_IDS] };

/**
 * The browser part of one authorization for a given citizen: sign in through the sandbox persona
 * form (which takes any citizen's national ID) unless the browser already has a session, agree to
 * every category for all time, and return the redirect back to the app.
 */
async function authorizeAs(browser: TestBrowser, url: string, nationalId: string): Promise<URL> {
  let step = await browser.follow(url, TEST_REDIRECT_URI);
  if (!step.redirectedTo && new URL(step.url).pathname.startsWith('/signin/')) {
    const form = { _csrf: csrfIn(step.html ?? ''), nationalId };
    step = await browser.follow(`${step.url.split('?')[0]}/persona`, TEST_REDIRECT_URI, { form });
  }
  if (!step.redirectedTo && new URL(step.url).pathname.startsWith('/consent/') && step.response?.status === 200) {
    const html = step.html ?? '';
    const offered = new Set([...html.matchAll(/name="category" value="([a-z_]+)"/g)].map((m) => m[1]));
    if (CATEGORY_IDS.some((c) => !offered.has(c))) {
      throw new Error(`the consent page offers ${[...offered].join(', ')} (checked: ${categoriesIn(html).join(', ')})`);
    }
    const form = { _csrf: csrfIn(html), action: 'agree', ...CONSENT_FORM };
    step = await browser.follow(step.url.split('?')[0] ?? step.url, TEST_REDIRECT_URI, { form });
  }
  if (!step.redirectedTo) throw new Error(`the flow stopped at ${step.url} (${step.response?.status})`);
  return new URL(step.redirectedTo);
}

/** A ticket in clear and the consent it was issued for. */
export interface MintedTicket {
  ticket: string;
  consentId: string;
}

/** One consent through the real flow and a ticket for it; returns the ticket and the consented categories. */
async function mintTicket(
  bench: ExportBench<PlatformRef>,
  browser: TestBrowser,
  nationalId: string,
): Promise<MintedTicket & { categories: string[] }> {
  const started = await pushAuthorization(bench.config, bench.dpop, {
    scope: CATEGORY_IDS.map(scopeOf).join(' '),
    export_key_jkt: bench.exportKey.thumbprint,
  });
  const callback = await authorizeAs(browser, started.url.href, nationalId);
  const tokens = await client.authorizationCodeGrant(
    bench.config,
    callback,
    { pkceCodeVerifier: started.verifier, expectedState: started.state },
    undefined,
    { DPoP: bench.dpop },
  );
  const response = await client.fetchProtectedResource(
    bench.config,
    tokens.access_token,
    new URL('/api/export/tickets', bench.platform.url),
    'POST',
    JSON.stringify({ export_key: bench.exportKey.publicJwk }),
    new Headers({ 'content-type': 'application/json' }),
    { DPoP: bench.dpop },
  );
  if (response.status !== 201) throw new Error(`ticket: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { ticket: string; consent_id: string; categories: string[] };
  return { ticket: body.ticket, consentId: body.consent_id, categories: body.categories };
}

/**
 * Mints `perCitizen` tickets (one consent each) for every citizen, `lanes` citizens at a time;
 * each citizen signs in once in its own browser, whose session then carries the next consents.
 * Every ticket must cover every category.
 */
export async function mintTickets(
  bench: ExportBench<PlatformRef>,
  citizens: readonly { nationalId: string }[],
  perCitizen: number,
  lanes: number,
  onProgress: (done: number) => void,
): Promise<MintedTicket[][]> {
  const tickets: MintedTicket[][] = citizens.map(() => []);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < citizens.length) {
      const index = next++;
      const citizen = citizens[index] as { nationalId: string };
      const browser = new TestBrowser();
      for (let i = 0; i < perCitizen; i++) {
        const { categories, ...minted } = await mintTicket(bench, browser, citizen.nationalId);
        if (categories.length !== CATEGORY_IDS.length)
          throw new Error(`a consent covers only ${categories.join(', ')}`);
        tickets[index]?.push(minted);
        onProgress(++done);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, citizens.length) }, lane));
  return tickets;
}
