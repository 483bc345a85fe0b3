/**
 * The portal's routes. Every page and action belongs to the signed-in citizen alone: ids in paths
 * are looked up among that citizen's own consents, files and requests, so another citizen's id
 * answers exactly as an unknown one does (404, same bytes; ASVS V8.2.2, no enumeration). Pages
 * are never cached (ASVS V8.2.1); every POST carries a CSRF token (ASVS V4.2.2).
 *
 * Records (counts, pages, trends, downloads) and the provision history's list of files are read
 * through `replicaRead`: the read replica may answer, at most `DATABASE_REPLICA_MAX_LAG_S` behind
 * (db/replica.ts). The session, consents (their state, and the ownership behind every id in a
 * path), deletion requests, notifications, an export's detail page with its audit proof, and every
 * write stay on the primary: what the citizen just did (revoked, asked, read) shows at once.
 */
import { type CategoryId, isCategoryId } from '@healthbank/records';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { citizenProof } from '../audit/index.js';
import { findApp } from '../auth/clients/apps.js';
import { findOrganisation } from '../auth/clients/organisations.js';
import { loadInteraction } from '../auth/interaction/interactions.js';
import type { Clock } from '../clock.js';
import type { Consent } from '../consent/model.js';
import { findConsent, listConsents } from '../consent/repository.js';
import { revokeConsent } from '../consent/revoke.js';
import { type CitizenScope, type Database, replicaRead, type StoredCitizen } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';
import { listExports } from '../export/index.js';
import { listNotifications, markAllRead, unreadCount } from '../notifications/index.js';
import { isLocale, type Locale } from '../pages/i18n.js';
import { requestLocale } from '../pages/request-locale.js';
import { type CsrfOptions, csrfToken, requireCsrf } from '../security/csrf.js';
import { createDeletionRequest, listDeletionRequests } from './deletion/index.js';
import { historyCsv, historyJson, parseFormat, recordsFile, sendDownload } from './downloads.js';
import { RECORDS_PER_PAGE } from './limits.js';
import {
  consentStatus,
  filterHistory,
  parseHistoryFilter,
  parsePage,
  TREND_SERIES,
  TRENDS,
  trendsOf,
} from './model.js';
import { type ConfirmView, renderConfirm, renderConsent } from './pages/consent.js';
import { proofState, renderDeletionRequest, renderExport } from './pages/details.js';
import { renderHistory } from './pages/history.js';
import { renderHome } from './pages/home.js';
import { renderInbox } from './pages/inbox.js';
import { renderCategory, renderRecords } from './pages/records.js';
import { renderSignedOut } from './pages/signed-out.js';
import { countRecords, recordPage, trendRecords } from './repository.js';
import { PORTAL_HOME, safeReturnPath } from './return-path.js';
import { endSession, sessionCitizen } from './session.js';
import { finishPortalSignin, type PortalSigninOptions, signinPath, startPortalSignin } from './signin.js';

export interface PortalRouteDeps {
  provider: Provider;
  db: Database;
  clock: Clock;
  csrf: CsrfOptions;
  signin: PortalSigninOptions;
  /** Days an app has to answer a deletion request (`config.deletionReceiptDays`). */
  receiptDays: number;
  /** The realm's citizens (`{ synthetic: config.sandbox }`). */
  scope: CitizenScope;
}

/** Ids as the platform mints them (`cns_…`, `exp_…`, `del_…`); anything else is simply not found. */
const ID = /^[A-Za-z0-9_-]{1,80}$/;

const TREND_LOINCS = TRENDS.flatMap((id) =>
  TREND_SERIES[id].flatMap((s) => ('loinc' in s && s.loinc ? [s.loinc] : [])),
);

function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}

/** The page's locale; an explicit `?lang=` is remembered, as on the other pages. */
function pageLocale(request: FastifyRequest, reply: FastifyReply): Locale {
  const { lang } = request.query as { lang?: unknown };
  if (isLocale(lang)) reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
  return requestLocale(request);
}

/** The path and query of a page, without `lang` (the layout's switch adds its own). */
function pagePath(request: FastifyRequest): string {
  const url = new URL(request.url, 'http://portal.invalid');
  url.searchParams.delete('lang');
  return `${url.pathname}${url.search}`;
}

/** App names and their organisations, read once per page. */
async function appDirectory(db: Database, clientIds: Iterable<string>, locale: Locale) {
  const apps = new Map<string, { name: string; organisation: string }>();
  for (const id of new Set(clientIds)) {
    const app = await findApp(db, id);
    const organisation = app && (await findOrganisation(db, app.organisationId));
    apps.set(id, { name: app?.name[locale] ?? id, organisation: organisation?.name ?? '' });
  }
  return {
    apps,
    name: (id: string) => apps.get(id)?.name ?? id,
    of: (id: string) => apps.get(id) ?? { name: id, organisation: '' },
  };
}

export function registerPortalRoutes(app: FastifyInstance, deps: PortalRouteDeps): void {
  const { db, provider, clock, scope } = deps;

  /**
   * The signed-in citizen and what every portal page needs; a visitor who is not signed in is
   * sent to sign in and brought back to this page (only a portal path, see `return-path.ts`).
   */
  async function page(request: FastifyRequest, reply: FastifyReply) {
    const citizen = await sessionCitizen(provider, db, request, reply, scope);
    const locale = pageLocale(request, reply);
    if (!citizen) {
      seeOther(reply, signinPath(safeReturnPath(pagePath(request)) ?? PORTAL_HOME));
      return undefined;
    }
    return {
      citizen,
      locale,
      csrf: csrfToken(request, reply, deps.csrf),
      path: pagePath(request),
      unread: await unreadCount(db, citizen.id),
    };
  }

  /** For POSTs: the citizen, or `sign_in_required` (a form cannot be replayed through sign-in). */
  async function actor(request: FastifyRequest, reply: FastifyReply): Promise<StoredCitizen> {
    const citizen = await sessionCitizen(provider, db, request, reply, scope);
    if (!citizen) throw new ProblemError('sign_in_required');
    return citizen;
  }

  /** A citizen's files, consents and deletion requests, with the names of the apps in them. */
  async function history(citizenId: number, locale: Locale) {
    const [exports, consents, deletions] = await Promise.all([
      replicaRead(db, (reader) => listExports(reader, citizenId)),
      listConsents(db, citizenId),
      listDeletionRequests(db, citizenId),
    ]);
    const directory = await appDirectory(
      db,
      consents.map((c) => c.clientId),
      locale,
    );
    return { exports, consents, deletions, directory };
  }

  /** One of the citizen's own consents, or the 404 an unknown id gets. */
  async function ownConsent(citizen: StoredCitizen, id: unknown): Promise<Consent> {
    const consent = typeof id === 'string' && ID.test(id) ? await findConsent(db, id) : undefined;
    if (!consent || consent.citizenId !== citizen.id) throw new ProblemError('consent_not_found');
    return consent;
  }

  app.get('/me', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const [counts, exports, consents] = await Promise.all([
      replicaRead(db, (reader) => countRecords(reader, p.citizen.id)),
      replicaRead(db, (reader) => listExports(reader, p.citizen.id)),
      listConsents(db, p.citizen.id),
    ]);
    const now = clock.now();
    const directory = await appDirectory(
      db,
      exports.slice(0, 1).map((e) => e.clientId),
      p.locale,
    );
    return sendPage(
      reply,
      renderHome({
        ...p,
        recordCount: Object.values(counts).reduce((a, b) => a + b, 0),
        exports,
        activeConsents: consents.filter((c) => consentStatus(c, now) === 'active').length,
        appName: directory.name,
      }),
    );
  });

  app.get('/me/records', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const [counts, trend] = await Promise.all([
      replicaRead(db, (reader) => countRecords(reader, p.citizen.id)),
      replicaRead(db, (reader) => trendRecords(reader, p.citizen.id, TREND_LOINCS)),
    ]);
    return sendPage(reply, renderRecords({ ...p, counts, trends: trendsOf(trend.labs, trend.preventive) }));
  });

  app.get('/me/records/:category', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const { category } = request.params as { category: string };
    const pageNumber = parsePage((request.query as { page?: unknown }).page);
    if (!isCategoryId(category)) throw new ProblemError('not_found');
    if (pageNumber === undefined) throw new ProblemError('invalid_request', 'page must be a page number');
    const counts = await replicaRead(db, (reader) => countRecords(reader, p.citizen.id));
    const total = counts[category as CategoryId];
    if (pageNumber > 1 && (pageNumber - 1) * RECORDS_PER_PAGE >= total) throw new ProblemError('not_found');
    const records = await replicaRead(db, (reader) => recordPage(reader, p.citizen.id, category, pageNumber));
    return sendPage(reply, renderCategory({ ...p, category, total, page: pageNumber, records }));
  });

  app.get('/me/history', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const { filter, errors } = parseHistoryFilter(request.query as Record<string, unknown>);
    const { exports, consents, deletions, directory } = await history(p.citizen.id, p.locale);
    const now = clock.now();
    const shown = errors.length ? {} : filter;
    return sendPage(
      reply,
      renderHistory({
        ...p,
        now,
        filter,
        errors,
        apps: [...directory.apps].map(([clientId, a]) => ({ clientId, name: a.name })),
        exports: filterHistory(exports, shown),
        consents: filterHistory(consents, shown),
        deletions: filterHistory(deletions, shown),
        appName: directory.name,
      }),
      errors.length ? 400 : 200,
    );
  });

  for (const format of ['json', 'csv'] as const) {
    app.get(`/me/history.${format}`, async (request, reply) => {
      const p = await page(request, reply);
      if (!p) return reply;
      const { exports, consents, deletions, directory } = await history(p.citizen.id, p.locale);
      const now = clock.now();
      const doc = { exports, consents, deletions, appName: directory.name, now };
      return sendDownload(db, reply, {
        citizenId: p.citizen.id,
        what: 'history',
        format,
        kind: format,
        body: format === 'json' ? historyJson(doc) : historyCsv(doc),
        now,
      });
    });
  }

  app.get('/me/records/download', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const format = parseFormat((request.query as { format?: unknown }).format);
    if (!format) throw new ProblemError('invalid_request', 'format must be records, fhir or mhb');
    const now = clock.now();
    const body = await replicaRead(db, (reader) => recordsFile(reader, p.citizen, format, now, deps.signin.issuer));
    return sendDownload(db, reply, {
      citizenId: p.citizen.id,
      what: 'records',
      format,
      kind: format === 'fhir' ? 'fhir' : 'json',
      body,
      now,
    });
  });

  app.get('/me/consents/:id', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const consent = await ownConsent(p.citizen, (request.params as { id: unknown }).id);
    const [exports, deletions] = await Promise.all([
      replicaRead(db, (reader) => listExports(reader, p.citizen.id)),
      listDeletionRequests(db, p.citizen.id),
    ]);
    const directory = await appDirectory(db, [consent.clientId], p.locale);
    const { done } = request.query as { done?: unknown };
    const deletion = deletions.find((d) => d.consentId === consent.id);
    return sendPage(
      reply,
      renderConsent({
        ...p,
        now: clock.now(),
        consent,
        app: directory.of(consent.clientId),
        exports: exports.filter((e) => e.consentId === consent.id),
        ...(deletion ? { deletion } : {}),
        receiptDays: deps.receiptDays,
        ...(done === 'revoked' || done === 'deletion' ? { done } : {}),
      }),
    );
  });

  for (const action of ['revoke', 'deletion'] as const satisfies ConfirmView['action'][]) {
    app.get(`/me/consents/:id/${action}`, async (request, reply) => {
      const p = await page(request, reply);
      if (!p) return reply;
      const consent = await ownConsent(p.citizen, (request.params as { id: unknown }).id);
      const directory = await appDirectory(db, [consent.clientId], p.locale);
      return sendPage(reply, renderConfirm({ ...p, action, consent, app: directory.of(consent.clientId) }));
    });
  }

  app.post('/me/consents/:id/revoke', { preHandler: requireCsrf(deps.csrf) }, async (request, reply) => {
    const citizen = await actor(request, reply);
    const consent = await ownConsent(citizen, (request.params as { id: unknown }).id);
    // Revoking ends the grant's tokens and the consent's tickets at once (consent/revoke.ts).
    await revokeConsent(db, consent.id, clock, { by: 'citizen portal' });
    return seeOther(reply, `/me/consents/${consent.id}?done=revoked`);
  });

  app.post('/me/consents/:id/deletion', { preHandler: requireCsrf(deps.csrf) }, async (request, reply) => {
    const citizen = await actor(request, reply);
    const { id } = request.params as { id: unknown };
    const created =
      typeof id === 'string' && ID.test(id)
        ? await createDeletionRequest(db, { citizenId: citizen.id, consentId: id }, clock, {
            receiptDays: deps.receiptDays,
          })
        : undefined;
    if (!created) throw new ProblemError('consent_not_found');
    return seeOther(reply, `/me/consents/${created.consentId}?done=deletion`);
  });

  app.get('/me/exports/:id', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const { id } = request.params as { id: unknown };
    // On the primary: the detail pairs the entry with its audit proof, read from the primary too.
    const entry = (await listExports(db, p.citizen.id)).find((e) => e.id === id);
    if (!entry) throw new ProblemError('not_found');
    const directory = await appDirectory(db, [entry.clientId], p.locale);
    const proof = proofState(await citizenProof(db, p.citizen.id, entry.id));
    return sendPage(reply, renderExport({ ...p, entry, appName: directory.name(entry.clientId), proof }));
  });

  app.get('/me/deletion-requests/:id', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const { id } = request.params as { id: unknown };
    const found = (await listDeletionRequests(db, p.citizen.id)).find((d) => d.id === id);
    if (!found) throw new ProblemError('not_found');
    const directory = await appDirectory(db, [found.clientId], p.locale);
    const proof = proofState(await citizenProof(db, p.citizen.id, found.id));
    return sendPage(
      reply,
      renderDeletionRequest({ ...p, request: found, appName: directory.name(found.clientId), proof }),
    );
  });

  // The inclusion proof of an export's or a deletion request's audit entry (docs/audit.md): the
  // citizen's own subjects only, so another citizen's id is a plain 404 (ASVS V4.2.1).
  for (const kind of ['exports', 'deletion-requests'] as const) {
    app.get(`/me/${kind}/:id/proof.json`, async (request, reply) => {
      const p = await page(request, reply);
      if (!p) return reply;
      const { id } = request.params as { id: unknown };
      const found = typeof id === 'string' && ID.test(id) ? await citizenProof(db, p.citizen.id, id) : undefined;
      if (!found) throw new ProblemError('not_found');
      if (found.state !== 'ready') throw new ProblemError('proof_not_ready');
      return reply
        .type('application/json; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="healthbank-proof-${found.proof.entry.seq}.json"`)
        .send(JSON.stringify(found.proof, null, 2));
    });
  }

  app.get('/me/inbox', async (request, reply) => {
    const p = await page(request, reply);
    if (!p) return reply;
    const notifications = await listNotifications(db, p.citizen.id);
    const directory = await appDirectory(
      db,
      notifications.map((n) => n.clientId),
      p.locale,
    );
    const done = (request.query as { done?: unknown }).done === 'read';
    return sendPage(reply, renderInbox({ ...p, notifications, appName: directory.name, done }));
  });

  app.post('/me/inbox/read', { preHandler: requireCsrf(deps.csrf) }, async (request, reply) => {
    const citizen = await actor(request, reply);
    // Only this citizen's rows: the update is keyed by the session's citizen, never by a form field.
    await markAllRead(db, citizen.id, clock.now());
    return seeOther(reply, '/me/inbox?done=read');
  });

  app.get('/me/signin', async (request, reply) => {
    pageLocale(request, reply);
    if (await sessionCitizen(provider, db, request, reply, scope)) {
      const { return: wanted } = request.query as { return?: unknown };
      return seeOther(reply, safeReturnPath(wanted) ?? PORTAL_HOME);
    }
    return startPortalSignin(app, deps.signin, request, reply);
  });

  app.get('/me/callback', async (request, reply) => {
    const returnTo = finishPortalSignin(deps.signin, request, reply);
    if (!(await sessionCitizen(provider, db, request, reply, scope))) throw new ProblemError('portal_signin_failed');
    return seeOther(reply, returnTo);
  });

  app.post('/me/signout', { preHandler: requireCsrf(deps.csrf) }, async (request, reply) => {
    await endSession(provider, request, reply);
    return seeOther(reply, '/me/signed-out');
  });

  app.get('/me/signed-out', async (request, reply) => sendPage(reply, renderSignedOut(pageLocale(request, reply))));

  /**
   * "Not you?" on the consent page: ends the session and sends the browser back into the same
   * authorization request, which now asks for sign-in again (the app's request is kept; only who
   * answers it changes). The interaction forgets the session it began in, so oidc-provider does not
   * refuse to resume it once that session is gone.
   */
  app.post('/consent/:uid/not-you', { preHandler: requireCsrf(deps.csrf) }, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const details = await loadInteraction(provider, request, reply, uid);
    if (details.prompt.name !== 'consent') throw new ProblemError('interaction_expired');
    details.session = undefined;
    await details.persist();
    await endSession(provider, request, reply);
    return seeOther(reply, details.returnTo);
  });
}
