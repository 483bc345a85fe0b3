/**
 * The reviewer console's routes. Only a reviewer's session opens them (a developer's cookie is a
 * different one and never counts, ASVS V8.1.1); admin-only actions check the role; decisions on
 * one's own organisation are refused (`decisions.ts`). Pages are never cached; POSTs carry CSRF.
 */
import { type CategoryId, isCategoryId, isValidNationalId } from '@healthbank/records';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findOrganisation } from '../auth/clients/organisations.js';
import type { StaffAccount } from '../auth/staff/accounts.js';
import type { StaffGate } from '../auth/staff/routes.js';
import { staffKysely } from '../auth/staff/tables.js';
import { authKysely } from '../auth/tables.js';
import { deletionKysely } from '../citizen/deletion/tables.js';
import type { Clock } from '../clock.js';
import { type Database, findCitizenByNationalId } from '../db/index.js';
import { applicationOf, listReports } from '../developer/applications.js';
import { integrationChecklist } from '../developer/checklist.js';
import { developerKysely } from '../developer/tables.js';
import { ProblemError } from '../errors/problems.js';
import type { FieldErrors } from '../pages/form.js';
import type { Html } from '../pages/html.js';
import type { Locale } from '../pages/i18n.js';
import { requestLocale } from '../pages/request-locale.js';
import { type CsrfOptions, csrfToken, requireCsrf } from '../security/csrf.js';
import {
  approveApplication,
  findApplicationForReview,
  MAX_REASON_LENGTH,
  ReviewError,
  rejectApplication,
  setLiveAppStatus,
} from './decisions.js';
import { reviewMessages } from './messages.js';
import {
  applicationBody,
  appsBody,
  auditBody,
  deletionsBody,
  queueBody,
  REVIEW,
  type ReviewSection,
  reviewersBody,
  reviewPage,
} from './pages.js';
import { addReviewer, ReviewerError } from './reviewers.js';
import { searchAudit } from './search.js';

export interface ReviewRouteDeps {
  db: Database;
  clock: Clock;
  csrf: CsrfOptions;
  gate: StaffGate;
}

const ID = /^apl_[A-Za-z0-9_-]{16}$/;
const REPORT_ID = /^rpt_[A-Za-z0-9_-]{16}$/;
const DAY_MS = 86_400_000;
/** Taiwan has no daylight saving: its dates are UTC+8 throughout. */
const TAIWAN_OFFSET_MS = 8 * 3_600_000;

export function registerReviewRoutes(app: FastifyInstance, deps: ReviewRouteDeps): void {
  const { db, clock, csrf, gate } = deps;
  const guard = { preHandler: requireCsrf(csrf) };
  const t = (request: FastifyRequest) => reviewMessages(requestLocale(request));

  function send(
    request: FastifyRequest,
    reply: FastifyReply,
    account: StaffAccount,
    o: { title: string; section?: ReviewSection; status?: number; body: (locale: Locale, token: string) => Html },
  ) {
    const locale = requestLocale(request);
    const token = csrfToken(request, reply, csrf);
    return reply
      .status(o.status ?? 200)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        reviewPage({
          locale,
          title: o.title,
          path: request.url,
          body: o.body(locale, token),
          account,
          csrf: token,
          ...(o.section ? { section: o.section } : {}),
        }),
      );
  }

  async function application(id: string) {
    const found = ID.test(id) ? await findApplicationForReview(db, id) : undefined;
    if (!found) throw new ProblemError('not_found');
    return found;
  }

  async function applicationPage(
    request: FastifyRequest,
    reply: FastifyReply,
    reviewer: StaffAccount,
    id: string,
    o: { flash?: string; errors?: FieldErrors; reason?: string; status?: number } = {},
  ) {
    const a = await application(id);
    const [organisation, checklist, reports] = await Promise.all([
      findOrganisation(db, a.organisationId),
      integrationChecklist(db, a.sandboxClientId),
      listReports(db, a.id),
    ]);
    return send(request, reply, reviewer, {
      title: a.name[requestLocale(request)],
      ...(o.status ? { status: o.status } : {}),
      body: (locale, token) =>
        applicationBody(locale, token, {
          application: a,
          organisation: {
            name: organisation?.name ?? '',
            identifier: organisation?.identifier ?? '',
            type: organisation?.type ?? 'company',
          },
          checklist,
          reports,
          errors: o.errors ?? {},
          reason: o.reason ?? '',
          ...(o.flash ? { flash: o.flash } : {}),
        }),
    });
  }

  app.get(REVIEW, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    // Submitted applications, and live apps whose renewed report waits for a decision.
    const rows = await developerKysely(db)
      .selectFrom('applications')
      .innerJoin('organisations', 'organisations.id', 'applications.organisation_id')
      .selectAll('applications')
      .select('organisations.name as organisation_name')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('security_reports')
            .select('security_reports.id')
            .whereRef('security_reports.application_id', '=', 'applications.id')
            .where('security_reports.status', '=', 'pending'),
        ),
      )
      .orderBy('applications.submitted_at')
      .limit(200)
      .execute();
    return send(request, reply, reviewer, {
      title: t(request)('queue.title'),
      section: 'queue',
      body: (locale) =>
        queueBody(
          locale,
          rows.map((r) => ({ application: applicationOf(r), organisation: r.organisation_name })),
        ),
    });
  });

  app.get<{ Params: { id: string } }>(`${REVIEW}/applications/:id`, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    const query = request.query as Record<string, unknown>;
    const messages = t(request);
    const flash =
      query.done === 'rejected'
        ? messages('application.rejected')
        : query.done === 'approved'
          ? messages('application.approved', {
              clientId: (await application(request.params.id)).productionClientId ?? '',
            })
          : undefined;
    return applicationPage(request, reply, reviewer, request.params.id, flash ? { flash } : {});
  });

  app.get<{ Params: { id: string; report: string } }>(
    `${REVIEW}/applications/:id/reports/:report`,
    async (request, reply) => {
      const reviewer = await gate.require(request, reply);
      if (!reviewer) return reply;
      const reportId = request.params.report.replace(/\.pdf$/, '');
      const a = await application(request.params.id);
      const row = REPORT_ID.test(reportId)
        ? await developerKysely(db)
            .selectFrom('security_reports')
            .select(['pdf'])
            .where('id', '=', reportId)
            .where('application_id', '=', a.id)
            .executeTakeFirst()
        : undefined;
      if (!row) throw new ProblemError('not_found');
      // An uploaded file is the organisation's bytes: downloaded, never rendered in our origin
      // (ASVS V5.4.x: attachment, nosniff, and a sandboxing CSP should a browser open it anyway).
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${reportId}.pdf"`)
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'no-store')
        .send(Buffer.from(row.pdf));
    },
  );

  function decisionError(request: FastifyRequest, error: unknown): FieldErrors | undefined {
    if (!(error instanceof ReviewError)) return undefined;
    const messages = t(request);
    if (error.code === 'own_organisation') throw new ProblemError('own_organisation');
    if (error.code === 'reason_required') return { reason: messages('application.reasonRequired') };
    if (error.code === 'not_registrable') return { reason: messages('application.notRegistrable') };
    return { reason: messages('application.notPending') };
  }

  app.post<{ Params: { id: string } }>(`${REVIEW}/applications/:id/approve`, guard, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    const a = await application(request.params.id);
    try {
      await approveApplication(db, { application: a, reviewer }, clock);
    } catch (error) {
      const errors = decisionError(request, error);
      if (!errors) throw error;
      return applicationPage(request, reply, reviewer, a.id, { errors, status: 409 });
    }
    return reply.redirect(`${REVIEW}/applications/${a.id}?done=approved`, 303);
  });

  app.post<{ Params: { id: string } }>(`${REVIEW}/applications/:id/reject`, guard, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    const a = await application(request.params.id);
    const value = (request.body as Record<string, unknown> | undefined)?.reason;
    const reason = typeof value === 'string' ? value.slice(0, MAX_REASON_LENGTH + 1) : '';
    try {
      await rejectApplication(db, { application: a, reviewer, reason }, clock);
    } catch (error) {
      const errors = decisionError(request, error);
      if (!errors) throw error;
      return applicationPage(request, reply, reviewer, a.id, { errors, reason, status: 400 });
    }
    return reply.redirect(`${REVIEW}/applications/${a.id}?done=rejected`, 303);
  });

  for (const action of ['suspend', 'resume'] as const) {
    app.post<{ Params: { id: string } }>(`${REVIEW}/applications/:id/${action}`, guard, async (request, reply) => {
      const reviewer = await gate.require(request, reply);
      if (!reviewer) return reply;
      const a = await application(request.params.id);
      if (!a.productionClientId) throw new ProblemError('not_found');
      await setLiveAppStatus(
        db,
        { application: a, reviewer, status: action === 'suspend' ? 'suspended' : 'active', reason: 'reviewer' },
        clock,
      );
      return reply.redirect(`${REVIEW}/apps`, 303);
    });
  }

  app.get(`${REVIEW}/apps`, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    const rows = await developerKysely(db)
      .selectFrom('applications')
      .innerJoin('apps', 'apps.client_id', 'applications.production_client_id')
      .innerJoin('organisations', 'organisations.id', 'applications.organisation_id')
      .selectAll('applications')
      .select(['organisations.name as organisation_name', 'apps.status as app_status', 'apps.suspended_reason'])
      .select((eb) =>
        eb
          .selectFrom('security_reports')
          .select((r) => r.fn.max('security_reports.expires_at').as('expires'))
          .whereRef('security_reports.application_id', '=', 'applications.id')
          .where('security_reports.status', '=', 'approved')
          .as('report_expires_at'),
      )
      .orderBy('applications.name_en')
      .limit(500)
      .execute();
    return send(request, reply, reviewer, {
      title: t(request)('apps.title'),
      section: 'apps',
      body: (locale, token) =>
        appsBody(
          locale,
          token,
          rows.map((r) => ({
            application: applicationOf(r),
            organisation: r.organisation_name,
            status: r.app_status,
            suspendedReason: r.suspended_reason,
            reportExpiresAt: r.report_expires_at === null ? null : Number(r.report_expires_at),
          })),
        ),
    });
  });

  app.get(`${REVIEW}/deletions`, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    const rows = await deletionKysely(db)
      .selectFrom('deletion_requests')
      .select(['id', 'client_id', 'due_at'])
      .where('status', '=', 'overdue')
      .orderBy('due_at')
      .limit(500)
      .execute();
    const names = new Map(
      (rows.length
        ? await authKysely(db)
            .selectFrom('apps')
            .select(['client_id', 'name_zh', 'name_en'])
            .where('client_id', 'in', [...new Set(rows.map((r) => r.client_id))])
            .execute()
        : []
      ).map((a) => [a.client_id, a]),
    );
    const locale = requestLocale(request);
    return send(request, reply, reviewer, {
      title: t(request)('deletions.title'),
      section: 'deletions',
      body: () =>
        deletionsBody(
          locale,
          rows.map((r) => {
            const app = names.get(r.client_id);
            return {
              id: r.id,
              clientId: r.client_id,
              app: (locale === 'en' ? app?.name_en : app?.name_zh) ?? '',
              dueAt: Number(r.due_at),
            };
          }),
        ),
    });
  });

  app.get(`${REVIEW}/audit`, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    const raw = request.query as Record<string, unknown>;
    const form: Record<string, string> = {};
    for (const key of ['from', 'to', 'national_id', 'client_id', 'category', 'before']) {
      if (typeof raw[key] === 'string') form[key] = (raw[key] as string).trim().slice(0, 80);
    }
    const messages = t(request);
    const errors: FieldErrors = {};
    let result: { hits: Awaited<ReturnType<typeof searchAudit>>['hits']; next?: string } | undefined;
    if (form.from !== undefined || form.to !== undefined) {
      const day = (s: string | undefined) =>
        s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) - TAIWAN_OFFSET_MS : Number.NaN;
      const from = day(form.from);
      const to = day(form.to) + DAY_MS;
      if (Number.isNaN(from) || Number.isNaN(to) || from >= to) errors.from = messages('audit.invalidRange');
      let citizenId: number | undefined;
      if (form.national_id) {
        const id = form.national_id.toUpperCase();
        const citizen = isValidNationalId(id) ? await findCitizenByNationalId(db, id) : undefined;
        if (!citizen) errors.national_id = messages('audit.invalidNationalId');
        else citizenId = citizen.id;
      }
      const category = form.category && isCategoryId(form.category) ? (form.category as CategoryId) : undefined;
      const before = form.before && /^\d{1,15}$/.test(form.before) ? Number(form.before) : undefined;
      if (Object.keys(errors).length === 0) {
        const found = await searchAudit(db, {
          from,
          to,
          ...(citizenId !== undefined ? { citizenId } : {}),
          ...(form.client_id ? { clientId: form.client_id } : {}),
          ...(category ? { category } : {}),
          ...(before !== undefined ? { before } : {}),
        });
        const next =
          found.next === undefined
            ? undefined
            : `${REVIEW}/audit?${new URLSearchParams({ ...form, before: String(found.next) })}`;
        result = { hits: found.hits, ...(next ? { next } : {}) };
      }
    }
    return send(request, reply, reviewer, {
      title: messages('audit.title'),
      section: 'audit',
      ...(Object.keys(errors).length ? { status: 400 } : {}),
      body: (locale) => auditBody(locale, form, result, errors),
    });
  });

  async function reviewersPage(
    request: FastifyRequest,
    reply: FastifyReply,
    reviewer: StaffAccount,
    o: { form?: Record<string, string>; errors?: FieldErrors; added?: boolean; status?: number } = {},
  ) {
    const rows = await staffKysely(db)
      .selectFrom('staff_accounts')
      .select(['id', 'kind', 'email', 'name', 'organisation_id', 'role', 'created_at'])
      .where('kind', '=', 'reviewer')
      .orderBy('created_at')
      .execute();
    const reviewers: StaffAccount[] = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      email: r.email,
      name: r.name,
      organisationId: r.organisation_id,
      role: r.role,
      createdAt: Number(r.created_at),
    }));
    return send(request, reply, reviewer, {
      title: t(request)('reviewers.title'),
      section: 'reviewers',
      ...(o.status ? { status: o.status } : {}),
      body: (locale, token) =>
        reviewersBody(locale, token, {
          reviewers,
          admin: reviewer.role === 'admin',
          added: o.added ?? false,
          form: o.form ?? {},
          errors: o.errors ?? {},
        }),
    });
  }

  app.get(`${REVIEW}/reviewers`, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    return reviewersPage(request, reply, reviewer, { added: (request.query as Record<string, unknown>).added === '1' });
  });

  app.post(`${REVIEW}/reviewers`, guard, async (request, reply) => {
    const reviewer = await gate.require(request, reply);
    if (!reviewer) return reply;
    // ASVS V8.2.1: only the console's admins grant reviewer access.
    if (reviewer.role !== 'admin') throw new ProblemError('forbidden');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: Record<string, string> = {};
    for (const key of ['name', 'email', 'role', 'organisation'])
      if (typeof body[key] === 'string') form[key] = (body[key] as string).trim();
    const messages = t(request);
    const errors: FieldErrors = {};
    try {
      await addReviewer(
        db,
        {
          email: form.email ?? '',
          name: form.name ?? '',
          role: form.role === 'admin' ? 'admin' : 'reviewer',
          ...(form.organisation ? { organisationIdentifier: form.organisation } : {}),
          by: reviewer.id,
        },
        clock.now(),
      );
      return reply.redirect(`${REVIEW}/reviewers?added=1`, 303);
    } catch (error) {
      if (!(error instanceof ReviewerError)) throw error;
      if (error.code === 'unknown_organisation') errors.organisation = messages('reviewers.unknownOrganisation');
      else if (error.code === 'duplicate_email') errors.email = messages('reviewers.duplicate');
      else errors[error.code === 'invalid_name' ? 'name' : 'email'] = messages('reviewers.invalid');
    }
    return reviewersPage(request, reply, reviewer, { form, errors, status: 400 });
  });
}
