/**
 * Notifications on SQLite and PostgreSQL: each of the four events (an ongoing consent's first use,
 * its end a week ahead, a deletion receipt, an overdue request) writes one inbox entry through the
 * real code paths, however often it is seen; the portal's inbox shows a citizen only their own and
 * marks them read by a CSRF-protected form; the channel takes each once and its log lines carry no
 * national ID.
 */
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as diary from '../../../../examples/diabetes-diary/src/backend/index.js';
import { registerSandboxApps } from '../auth/clients/sandbox.js';
import { csrfIn } from '../auth/testing.js';
import { createDeletionRequest, listDeletionRequests, markOverdueRequests } from '../citizen/deletion/index.js';
import { fetchFile, portalGet, provideFile, signInToPortal, startPortalPlatform } from '../citizen/testing.js';
import { systemClock } from '../clock.js';
import { findConsent, listConsents } from '../consent/repository.js';
import { fixturePopulation } from '../db/fixtures.js';
import { findCitizenByNationalId, listPersonas, seedPopulation } from '../db/index.js';
import { createTestDatabase, testDatabases } from '../db/testing.js';
import { seedSandboxHistory } from '../examples/history.js';
import { loggingNotificationChannel } from './channel.js';
import { notifyExpiringConsents, sendNotifications } from './job.js';
import { EXPIRY_NOTICE_MS } from './model.js';
import { listNotifications, notify, unreadCount } from './repository.js';

const APP = 'notifications-app';
const DAY = 24 * 60 * 60 * 1000;

/** A logger that keeps its lines, for what a channel writes. */
function capturingLog(lines: string[]): FastifyBaseLogger {
  const write = (obj: unknown, msg?: string) => lines.push(`${JSON.stringify(obj)} ${msg ?? ''}`);
  return { info: write, warn: write, error: write, debug: write } as unknown as FastifyBaseLogger;
}

describe.each(testDatabases())('notifications on $label', (target) => {
  let platform: Awaited<ReturnType<typeof startPortalPlatform>>['platform'];
  let config: Awaited<ReturnType<typeof startPortalPlatform>>['config'];

  beforeAll(async () => {
    ({ platform, config } = await startPortalPlatform(target, APP));
    await registerSandboxApps(platform.db, { publicUrl: platform.url });
    // The personas' sandbox history: A小姐's holds a deletion request the diary answered with its receipt.
    await seedSandboxHistory(platform.db, platform.config, Date.now(), diary);
  });
  afterAll(() => platform?.close());

  async function citizenId(persona: 'A小姐' | 'B爺爺'): Promise<number> {
    const nationalId = (await listPersonas(platform.db)).find((p) => p.persona === persona)?.nationalId ?? '';
    return (await findCitizenByNationalId(platform.db, nationalId))?.id ?? 0;
  }

  it('tells of an ongoing consent’s first use once, and of its end a week ahead once', async () => {
    const a = await citizenId('A小姐');
    const file = await provideFile(platform, config, { persona: 'A小姐' });
    // A second file under the same consent is not a first use.
    const again = await fetchFile(platform, file.ticket, file.keys);
    expect(again.status).toBe(200);
    const firstUse = (await listNotifications(platform.db, a)).filter((n) => n.subject === file.consentId);
    expect(firstUse).toMatchObject([{ kind: 'consent.first_use', clientId: APP, readAt: null }]);

    const consent = await findConsent(platform.db, file.consentId);
    const weekBefore = (consent?.expiresAt ?? 0) - EXPIRY_NOTICE_MS + DAY;
    expect(await notifyExpiringConsents(platform.db, weekBefore - 2 * DAY)).toBe(0);
    expect(await notifyExpiringConsents(platform.db, weekBefore)).toBeGreaterThanOrEqual(1);
    expect(await notifyExpiringConsents(platform.db, weekBefore + 60_000)).toBe(0);
    const expiring = (await listNotifications(platform.db, a)).filter((n) => n.kind === 'consent.expiring');
    expect(expiring.map((n) => n.subject)).toContain(file.consentId);
  });

  it('tells of a deletion receipt and of an overdue request, once each', async () => {
    const a = await citizenId('A小姐');
    const [answered] = await listDeletionRequests(platform.db, a);
    const kinds = (await listNotifications(platform.db, a)).filter((n) => n.subject === answered?.id);
    expect(kinds.map((n) => n.kind)).toEqual(['deletion.acknowledged']);

    // B爺爺's active consent to the diary: a request the diary never answers falls overdue.
    const b = await citizenId('B爺爺');
    const [consent] = await listConsents(platform.db, b);
    const request = await createDeletionRequest(
      platform.db,
      { citizenId: b, consentId: consent?.id ?? '' },
      systemClock,
    );
    const later = (request?.dueAt ?? 0) + 1;
    expect(await markOverdueRequests(platform.db, later)).toBeGreaterThanOrEqual(1);
    await markOverdueRequests(platform.db, later + DAY);
    const overdue = (await listNotifications(platform.db, b)).filter((n) => n.subject === request?.id);
    expect(overdue.map((n) => n.kind)).toEqual(['deletion.overdue']);
  });

  it('shows each citizen only their own inbox, and marks read by a CSRF-protected form', async () => {
    const a = await citizenId('A小姐');
    const mine = await listNotifications(platform.db, a);
    expect(mine.length).toBeGreaterThan(0);
    const { browser } = await signInToPortal(platform, 'A小姐');
    const inbox = await portalGet(platform, browser, '/me/inbox');
    expect(inbox.status).toBe(200);
    for (const n of mine) expect(inbox.html).toContain(`data-notification="${n.id}"`);
    expect(inbox.html).toContain(`通知（${mine.length} 則未讀）`);
    expect(inbox.html).toContain('已開始使用您的持續授權');

    // B sees none of A's, and B's "mark read" leaves A's unread.
    const { browser: bBrowser } = await signInToPortal(platform, 'B爺爺');
    const bInbox = await portalGet(platform, bBrowser, '/me/inbox');
    for (const n of mine) expect(bInbox.html).not.toContain(n.id);
    await bBrowser.request(`${platform.url}/me/inbox/read`, { form: { _csrf: csrfIn(bInbox.html) } });
    expect(await unreadCount(platform.db, a)).toBe(mine.length);

    // Without the page's token nothing changes; with it, all of A's are read.
    const forged = await browser.request(`${platform.url}/me/inbox/read`, { form: { _csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect(await unreadCount(platform.db, a)).toBe(mine.length);
    const read = await browser.request(`${platform.url}/me/inbox/read`, { form: { _csrf: csrfIn(inbox.html) } });
    expect(read.status).toBe(303);
    expect(await unreadCount(platform.db, a)).toBe(0);
    const after = await portalGet(platform, browser, '/me/inbox?lang=en');
    expect(after.html).toContain('>Notifications<');
  });
});

describe.each(testDatabases())('the notification channel on $label', (target) => {
  it('takes each notification once, and logs ids only', async () => {
    const t = await createTestDatabase(target);
    try {
      await seedPopulation(t.db, fixturePopulation({ citizens: 2, recordsPerCitizen: 2 }));
      const citizens = await t.db.kysely.selectFrom('citizens').select(['id', 'national_id']).execute();
      const now = Date.now();
      for (const c of citizens) {
        await notify(t.db, { citizenId: c.id, kind: 'deletion.overdue', subject: `del_${c.id}`, clientId: 'app' }, now);
        // The same event again changes nothing.
        await notify(t.db, { citizenId: c.id, kind: 'deletion.overdue', subject: `del_${c.id}`, clientId: 'app' }, now);
      }
      const lines: string[] = [];
      const log = capturingLog(lines);
      const channel = loggingNotificationChannel(log);
      expect(await sendNotifications(t.db, channel, now, log)).toBe(citizens.length);
      expect(await sendNotifications(t.db, channel, now, log)).toBe(0);
      expect(lines).toHaveLength(citizens.length);
      for (const c of citizens) {
        expect(lines.join('\n')).not.toContain(c.national_id);
        expect(lines.join('\n')).toContain(`"citizen":${c.id}`);
      }
    } finally {
      await t.dispose();
    }
  });
});
