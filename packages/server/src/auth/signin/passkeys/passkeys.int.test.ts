import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../clock.js';
import { loadConfig } from '../../../config/config.js';
import { fixturePopulation } from '../../../db/fixtures.js';
import { findCitizenByNationalId, type StoredCitizen, seedPopulation } from '../../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../db/testing.js';
import type { CodeMessage, MessageChannel } from '../codes/channel.js';
import { WEBAUTHN_CHALLENGE_TTL_MS } from '../limits.js';
import { signinKysely } from '../tables.js';
import { dataOptions, formCookies, postForm } from '../test-forms.js';
import { buildSigninTestApp, type SigninTestApp, TEST_UID } from '../testing.js';
import {
  type CeremonyOverrides,
  type CreationOptionsJSON,
  FLAGS,
  type RequestOptionsJSON,
  SoftwareAuthenticator,
} from './software-authenticator.js';

const ORIGIN = 'http://localhost:3000';
const OTHER_UID = 'Yk3vQ9tZpL2mN8rB4wYc2';

class RecordingChannel implements MessageChannel {
  messages: CodeMessage[] = [];
  async deliver(message: CodeMessage): Promise<void> {
    this.messages.push(message);
  }
}

describe.each(testDatabases())('passkeys on $label', (target) => {
  let t: TestDatabase;
  let citizens: StoredCitizen[];
  let next = 0;
  let s: SigninTestApp;
  const clock = new ManualClock();
  const channel = new RecordingChannel();

  const freshCitizen = () => {
    const c = citizens[next++];
    if (!c) throw new Error('not enough fixture citizens');
    return c;
  };

  /** Signs in with the NHI card and a code, up to the passkey offer page. */
  async function toOffer(citizen: StoredCitizen, uid = TEST_UID) {
    const [year, month, day] = citizen.birthDate.split('-') as [string, string, string];
    const page = await s.app.inject(`/signin/${uid}`);
    const sent = await postForm(s.app, page, `/signin/${uid}/nhi`, {
      nationalId: citizen.nationalId,
      cardNumber: citizen.nhiCardNumber,
      birthYear: year,
      birthMonth: month,
      birthDay: day,
    });
    const challengeId = String(sent.headers.location).split('c=')[1] as string;
    const code = channel.messages.find((m) => m.challengeId === challengeId)?.code as string;
    const entered = await postForm(s.app, page, `/signin/${uid}/code`, { c: challengeId, code });
    const cookies = formCookies(page, entered);
    const offer = await s.app.inject({ url: `/signin/${uid}/passkey-offer`, cookies });
    expect(offer.statusCode).toBe(200);
    return { offer, cookies };
  }

  /** Registers a passkey for the citizen from the offer page; returns the POST's response. */
  async function register(
    citizen: StoredCitizen,
    authenticator: SoftwareAuthenticator,
    o: CeremonyOverrides = {},
    origin = ORIGIN,
  ) {
    const { offer, cookies } = await toOffer(citizen);
    const options = dataOptions(offer) as CreationOptionsJSON;
    const credential = authenticator.create(options, origin, o);
    return postForm(
      s.app,
      offer,
      `/signin/${TEST_UID}/passkey/register`,
      { credential: JSON.stringify(credential) },
      { cookies },
    );
  }

  /** Loads the sign-in page and answers its passkey challenge. */
  async function signInPage(uid = TEST_UID) {
    const page = await s.app.inject(`/signin/${uid}`);
    return { page, options: dataOptions(page) as RequestOptionsJSON };
  }
  const submitAssertion = (page: LightMyRequestResponse, credential: unknown, uid = TEST_UID) =>
    postForm(s.app, page, `/signin/${uid}/passkey`, { credential: JSON.stringify(credential) });

  const passkeysOf = (citizenId: number) =>
    signinKysely(t.db).selectFrom('citizen_passkeys').selectAll().where('citizen_id', '=', citizenId).execute();

  beforeAll(async () => {
    t = await createTestDatabase(target);
    const population = [...fixturePopulation({ citizens: 20, recordsPerCitizen: 1 })];
    // Real citizens, as NHI's data load leaves them: these tests sign in to production.
    await seedPopulation(t.db, population, { synthetic: false });
    citizens = await Promise.all(
      population.map(async (p) => (await findCitizenByNationalId(t.db, p.citizen.nationalId)) as StoredCitizen),
    );
    s = await buildSigninTestApp({
      db: t.db,
      clock,
      channel,
      config: loadConfig({ NODE_ENV: 'test', HEALTHBANK_SANDBOX: 'false' }, { publicUrl: ORIGIN }),
    });
  });
  afterAll(async () => {
    await s?.app.close();
    await t?.dispose();
  });

  it('offers discoverable, user-verified, none-attestation registration for our RP', async () => {
    const citizen = freshCitizen();
    const { offer } = await toOffer(citizen);
    const options = dataOptions(offer) as Record<string, unknown> & CreationOptionsJSON;
    expect(options.rp).toEqual({ id: 'localhost', name: '健康存摺 My Health Bank' });
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    // The passkey list on the device shows a masked ID, never the full one.
    expect(options.user.name).toBe(`${citizen.nationalId.slice(0, 3)}****${citizen.nationalId.slice(7)}`);
    expect(offer.body).not.toContain(citizen.nationalId);
  });

  it('registers a passkey, then signs in with it instead of the card', async () => {
    const citizen = freshCitizen();
    const authenticator = new SoftwareAuthenticator({ counter: 1 });
    const registered = await register(citizen, authenticator);
    expect(registered.statusCode).toBe(200);
    expect(s.signedIn.at(-1)).toEqual({ uid: TEST_UID, citizenId: citizen.id, amr: ['kba', 'otp'] });
    const [stored] = await passkeysOf(citizen.id);
    expect(stored).toMatchObject({ credential_id: authenticator.id, transports: '["internal"]', last_used_at: null });
    expect(Number(stored?.counter)).toBe(1);

    const { page, options } = await signInPage();
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    const res = await submitAssertion(page, authenticator.get(options, ORIGIN));
    expect(res.statusCode).toBe(200);
    expect(s.signedIn.at(-1)).toEqual({ uid: TEST_UID, citizenId: citizen.id, amr: ['pop', 'mfa'] });
    const [used] = await passkeysOf(citizen.id);
    expect(Number(used?.counter)).toBe(2);
    expect(Number(used?.last_used_at)).toBe(clock.now());
  });

  it('accepts authenticators without a counter (always 0), as synced passkeys are', async () => {
    const citizen = freshCitizen();
    const authenticator = new SoftwareAuthenticator({ counter: 0 });
    expect((await register(citizen, authenticator)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) {
      const { page, options } = await signInPage();
      expect((await submitAssertion(page, authenticator.get(options, ORIGIN))).statusCode).toBe(200);
    }
  });

  describe('refuses', () => {
    let citizen: StoredCitizen;
    let authenticator: SoftwareAuthenticator;
    beforeAll(async () => {
      citizen = freshCitizen();
      authenticator = new SoftwareAuthenticator({ counter: 10 });
      expect((await register(citizen, authenticator)).statusCode).toBe(200);
    });

    let signedInBefore = 0;
    beforeEach(() => {
      signedInBefore = s.signedIn.length;
    });
    const refused = async (res: LightMyRequestResponse) => {
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('沒有完成通行金鑰登入');
      expect(s.signedIn).toHaveLength(signedInBefore);
    };

    it('a replayed assertion', async () => {
      const before = s.signedIn.length;
      const { page, options } = await signInPage();
      const assertion = authenticator.get(options, ORIGIN);
      expect((await submitAssertion(page, assertion)).statusCode).toBe(200);
      expect(s.signedIn).toHaveLength(before + 1);
      const replay = await submitAssertion(page, assertion);
      expect(replay.statusCode).toBe(400);
      expect(s.signedIn).toHaveLength(before + 1);
    });

    it('a counter that went backwards (a cloned authenticator)', async () => {
      const stored = Number((await passkeysOf(citizen.id))[0]?.counter);
      const { page, options } = await signInPage();
      await refused(await submitAssertion(page, authenticator.get(options, ORIGIN, { counter: stored - 1 })));
      const again = await signInPage();
      await refused(await submitAssertion(again.page, authenticator.get(again.options, ORIGIN, { counter: stored })));
      // The stored counter did not move.
      expect(Number((await passkeysOf(citizen.id))[0]?.counter)).toBe(stored);
    });

    it.each([
      ['another origin', { origin: 'https://evil.example' }],
      ['a look-alike origin', { origin: 'http://localhost:3001' }],
      ['another RP ID', { rpId: 'evil.example' }],
      ['no user verification', { flags: FLAGS.UP }],
      ['the wrong ceremony type', { type: 'webauthn.create' }],
      ['a challenge we never issued', { challenge: Buffer.alloc(56, 7).toString('base64url') }],
    ] as [string, CeremonyOverrides & { origin?: string }][])('an assertion with %s', async (_name, o) => {
      const { page, options } = await signInPage();
      await refused(await submitAssertion(page, authenticator.get(options, o.origin ?? ORIGIN, o)));
    });

    it('a challenge issued for another interaction', async () => {
      const other = await signInPage(OTHER_UID);
      const { page } = await signInPage();
      await refused(await submitAssertion(page, authenticator.get(other.options, ORIGIN)));
    });

    it('a challenge older than its lifetime', async () => {
      const { page, options } = await signInPage();
      clock.advance(WEBAUTHN_CHALLENGE_TTL_MS);
      await refused(await submitAssertion(page, authenticator.get(options, ORIGIN)));
    });

    it('a tampered signature', async () => {
      const { page, options } = await signInPage();
      const assertion = authenticator.get(options, ORIGIN);
      const signature = Buffer.from(assertion.response.signature, 'base64url');
      signature[signature.length - 1] = (signature.at(-1) as number) ^ 1;
      assertion.response.signature = signature.toString('base64url');
      await refused(await submitAssertion(page, assertion));
    });

    it('an unknown credential, another citizen’s user handle, and garbage', async () => {
      const { page, options } = await signInPage();
      await refused(await submitAssertion(page, new SoftwareAuthenticator().get(options, ORIGIN)));
      const assertion = authenticator.get(options, ORIGIN);
      await refused(
        await submitAssertion(page, { ...assertion, response: { ...assertion.response, userHandle: 'AAAA' } }),
      );
      await refused(await postForm(s.app, page, `/signin/${TEST_UID}/passkey`, { credential: 'not json' }));
      await refused(await postForm(s.app, page, `/signin/${TEST_UID}/passkey`, { credential: 'x'.repeat(20_000) }));
    });
  });

  describe('refuses a registration', () => {
    it.each([
      ['from another origin', { origin: 'https://evil.example' }],
      ['for another RP ID', { rpId: 'evil.example' }],
      ['without user verification', { flags: FLAGS.UP | FLAGS.AT }],
      ['with a challenge we never issued', { challenge: Buffer.alloc(56, 9).toString('base64url') }],
    ] as [string, CeremonyOverrides & { origin?: string }][])('%s', async (_name, o) => {
      const citizen = freshCitizen();
      const before = s.signedIn.length;
      const res = await register(citizen, new SoftwareAuthenticator(), o, o.origin ?? ORIGIN);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('沒有完成設定');
      // The citizen can still continue without one.
      expect(res.body).toContain(`action="/signin/${TEST_UID}/continue"`);
      expect(s.signedIn).toHaveLength(before);
      expect(await passkeysOf(citizen.id)).toEqual([]);
    });

    it('bound to another citizen’s pending sign-in', async () => {
      const alice = freshCitizen();
      const bob = freshCitizen();
      const a = await toOffer(alice);
      const b = await toOffer(bob);
      const credential = new SoftwareAuthenticator().create(dataOptions(a.offer) as CreationOptionsJSON, ORIGIN);
      // Bob's browser submits a registration made for Alice's sign-in.
      const res = await postForm(
        s.app,
        b.offer,
        `/signin/${TEST_UID}/passkey/register`,
        { credential: JSON.stringify(credential) },
        { cookies: b.cookies },
      );
      expect(res.statusCode).toBe(400);
      expect(await passkeysOf(alice.id)).toEqual([]);
      expect(await passkeysOf(bob.id)).toEqual([]);
    });

    it('replayed after it succeeded', async () => {
      const citizen = freshCitizen();
      const { offer, cookies } = await toOffer(citizen);
      const credential = JSON.stringify(
        new SoftwareAuthenticator().create(dataOptions(offer) as CreationOptionsJSON, ORIGIN),
      );
      const first = await postForm(s.app, offer, `/signin/${TEST_UID}/passkey/register`, { credential }, { cookies });
      expect(first.statusCode).toBe(200);
      const replay = await postForm(s.app, offer, `/signin/${TEST_UID}/passkey/register`, { credential }, { cookies });
      expect(replay.statusCode).toBe(400);
      expect(await passkeysOf(citizen.id)).toHaveLength(1);
    });
  });
});
