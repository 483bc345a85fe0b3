/**
 * The developer portal's routes. Everything after sign-in belongs to the developer's own
 * organisation: applications are looked up by organisation and id, so another organisation's id
 * answers exactly like an unknown one (404; ASVS V8.2.2). Pages are never cached, every POST
 * carries a CSRF token, and a rejected form changes nothing.
 */
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findApp } from '../auth/clients/apps.js';
import { findOrganisation } from '../auth/clients/organisations.js';
import { listDevelopers, type StaffAccount, StaffAccountError } from '../auth/staff/accounts.js';
import type { StaffGate } from '../auth/staff/routes.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';
import { taiwanDateOf } from '../pages/dates.js';
import type { Locale } from '../pages/i18n.js';
import { requestLocale } from '../pages/request-locale.js';
import { CSRF_FIELD, type CsrfOptions, csrfToken, isValidCsrfValue, requireCsrf } from '../security/csrf.js';
import {
  addDeveloper,
  createApplication,
  DeveloperError,
  findApplication,
  listApplications,
  listReports,
  registerOrganisationWithAdmin,
  submitApplication,
} from './applications.js';
import { checklistComplete, integrationChecklist } from './checklist.js';
import {
  type Errors,
  isPdf,
  MAX_REPORT_BYTES,
  parseApplicationForm,
  parseOrganisationForm,
  parseSubmissionForm,
} from './form.js';
import { developerMessages } from './messages.js';
import { listNotices } from './notices.js';
import {
  appBody,
  DEVELOPERS,
  developerPage,
  homeBody,
  landingBody,
  newAppBody,
  registerBody,
  teamBody,
} from './pages.js';
import { developerKysely } from './tables.js';

export interface DeveloperPortalDeps {
  db: Database;
  clock: Clock;
  csrf: CsrfOptions;
  gate: StaffGate;
  /** The issuers apps are told to use: the sandbox's and production's. */
  issuers: { sandbox: string; production: string };
}

const ID = /^apl_[A-Za-z0-9_-]{16}$/;

type Form = Record<string, unknown>;
const strings = (form: Form): Record<string, string> =>
  Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'));

export function registerDeveloperPortal(app: FastifyInstance, deps: DeveloperPortalDeps): void {
  const { db, clock, csrf, gate } = deps;
  const guard = { preHandler: requireCsrf(csrf) };

  function send(
    request: FastifyRequest,
    reply: FastifyReply,
    o: {
      title: string;
      body: (locale: Locale, token: string) => ReturnType<typeof homeBody>;
      account?: StaffAccount;
      section?: 'home' | 'new' | 'team';
      status?: number;
    },
  ) {
    const locale = requestLocale(request);
    const token = csrfToken(request, reply, csrf);
    return reply
      .status(o.status ?? 200)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        developerPage({
          locale,
          title: o.title,
          path: request.url.split('?')[0] ?? DEVELOPERS,
          body: o.body(locale, token),
          account: o.account,
          csrf: token,
          ...(o.section ? { section: o.section } : {}),
        }),
      );
  }

  const t = (request: FastifyRequest) => developerMessages(requestLocale(request));

  /** The signed-in developer and their organisation, or a redirect to sign-in. */
  async function developer(request: FastifyRequest, reply: FastifyReply) {
    const account = await gate.require(request, reply);
    if (!account?.organisationId) return undefined;
    return { account, organisationId: account.organisationId };
  }

  app.get(DEVELOPERS, async (request, reply) => {
    const account = await gate.current(request);
    if (!account?.organisationId)
      return send(request, reply, { title: t(request)('dev.title'), body: (l) => landingBody(l) });
    const [organisation, applications, notices] = await Promise.all([
      findOrganisation(db, account.organisationId),
      listApplications(db, account.organisationId),
      listNotices(db, account.organisationId),
    ]);
    if (!organisation) throw new ProblemError('not_found');
    const contact = await developerKysely(db)
      .selectFrom('organisations')
      .select(['contact_name', 'contact_email'])
      .where('id', '=', organisation.id)
      .executeTakeFirstOrThrow();
    const suspended = await Promise.all(
      applications.map(
        async (a) => a.productionClientId !== null && (await findApp(db, a.productionClientId))?.status === 'suspended',
      ),
    );
    return send(request, reply, {
      title: organisation.name,
      account,
      section: 'home',
      body: (locale) =>
        homeBody(locale, {
          organisation: { ...organisation, contactName: contact.contact_name, contactEmail: contact.contact_email },
          applications: applications.map((a, i) => ({ ...a, suspended: suspended[i] ?? false })),
          notices: notices.map((n) => ({ text: n.text(locale), at: n.at })),
        }),
    });
  });

  app.get(`${DEVELOPERS}/register`, async (request, reply) =>
    send(request, reply, { title: t(request)('register.title'), body: (l, token) => registerBody(l, token, {}, {}) }),
  );

  app.post(`${DEVELOPERS}/register`, guard, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const { value, errors } = parseOrganisationForm(form);
    const fail = (e: Errors) =>
      send(request, reply, {
        title: t(request)('register.title'),
        status: 400,
        body: (l, token) => registerBody(l, token, strings(form), e),
      });
    if (Object.keys(errors).length) return fail(errors);
    try {
      const { admin } = await registerOrganisationWithAdmin(db, value, clock);
      const challenge = await gate.sendCode(admin, requestLocale(request));
      return reply.redirect(`${DEVELOPERS}/signin/code?c=${challenge}`, 303);
    } catch (error) {
      if (error instanceof DeveloperError) return fail({ [error.field]: error.code });
      if (error instanceof StaffAccountError) return fail({ developer_email: 'invalid_email' });
      throw error;
    }
  });

  app.get(`${DEVELOPERS}/apps/new`, async (request, reply) => {
    const dev = await developer(request, reply);
    if (!dev) return reply;
    return send(request, reply, {
      title: t(request)('app.new.title'),
      account: dev.account,
      section: 'new',
      body: (l, token) => newAppBody(l, token, {}, {}),
    });
  });

  app.post(`${DEVELOPERS}/apps`, guard, async (request, reply) => {
    const dev = await developer(request, reply);
    if (!dev) return reply;
    const form = (request.body ?? {}) as Form;
    const { value, errors } = parseApplicationForm(form);
    if (Object.keys(errors).length) {
      return send(request, reply, {
        title: t(request)('app.new.title'),
        account: dev.account,
        section: 'new',
        status: 400,
        body: (l, token) => newAppBody(l, token, form, errors),
      });
    }
    const application = await createApplication(
      db,
      { organisationId: dev.organisationId, by: dev.account, form: value },
      clock,
    );
    request.log.info({ application: application.id, client: application.sandboxClientId }, 'application created');
    return reply.redirect(`${DEVELOPERS}/apps/${application.id}?created=1`, 303);
  });

  async function appPage(
    request: FastifyRequest,
    reply: FastifyReply,
    dev: { account: StaffAccount; organisationId: string },
    id: string,
    o: { form?: Record<string, string>; errors?: Errors; status?: number } = {},
  ) {
    const application = ID.test(id) ? await findApplication(db, dev.organisationId, id) : undefined;
    if (!application) throw new ProblemError('not_found');
    const [checklist, reports, production] = await Promise.all([
      integrationChecklist(db, application.sandboxClientId),
      listReports(db, application.id),
      application.productionClientId ? findApp(db, application.productionClientId) : undefined,
    ]);
    const query = request.query as Record<string, unknown>;
    return send(request, reply, {
      title: application.name[requestLocale(request)],
      account: dev.account,
      ...(o.status ? { status: o.status } : {}),
      body: (l, token) =>
        appBody(
          l,
          token,
          {
            application,
            suspended: production?.status === 'suspended',
            sandboxIssuer: deps.issuers.sandbox,
            productionIssuer: deps.issuers.production,
            checklist,
            reports,
            created: query.created === '1',
            submitted: query.submitted === '1',
          },
          o.form ?? {},
          o.errors ?? {},
        ),
    });
  }

  app.get<{ Params: { id: string } }>(`${DEVELOPERS}/apps/:id`, async (request, reply) => {
    const dev = await developer(request, reply);
    if (!dev) return reply;
    return appPage(request, reply, dev, request.params.id);
  });

  // Phase 2 reads a multipart form; the parser lives in this scope only.
  app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      // One PDF and a handful of fields; a larger body is refused while it streams.
      limits: { fileSize: MAX_REPORT_BYTES, files: 1, fields: 20, fieldSize: 20_000, parts: 25 },
      // An oversized file is marked truncated rather than thrown, so the page can say so.
      throwFileSizeLimit: false,
    });
    scope.post<{ Params: { id: string } }>(`${DEVELOPERS}/apps/:id/submit`, async (request, reply) => {
      if (!request.isMultipart()) throw new ProblemError('unsupported_media_type');
      const fields: Record<string, string> = {};
      let file: { name: string; bytes?: Buffer; tooLarge?: boolean } | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
          continue;
        }
        // ASVS V3.5.1: the CSRF field comes first in the form; no file is read without it.
        if (!isValidCsrfValue(request, csrf, fields[CSRF_FIELD])) {
          part.file.resume();
          throw new ProblemError('csrf_token_invalid');
        }
        if (part.fieldname !== 'report' || file) {
          part.file.resume();
          continue;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        file = part.file.truncated
          ? { name: part.filename, tooLarge: true }
          : { name: part.filename, bytes: Buffer.concat(chunks) };
      }
      if (!isValidCsrfValue(request, csrf, fields[CSRF_FIELD])) throw new ProblemError('csrf_token_invalid');
      const dev = await developer(request, reply);
      if (!dev) return reply;
      const application = ID.test(request.params.id)
        ? await findApplication(db, dev.organisationId, request.params.id)
        : undefined;
      if (!application) throw new ProblemError('not_found');
      const { value, errors } = parseSubmissionForm(fields, taiwanDateOf(clock.now()));
      if (!file?.bytes && !file?.tooLarge) errors.report = 'required';
      else if (file.tooLarge) errors.report = 'file_too_large';
      else if (!file.bytes || !isPdf(file.bytes)) errors.report = 'not_pdf';
      if (application.status === 'submitted') errors.report = 'invalid_state';
      // The integration test comes before review: proven by the audit log, not declared.
      if (!checklistComplete(await integrationChecklist(db, application.sandboxClientId)))
        errors.checklist = 'checklist';
      if (Object.keys(errors).length || !file?.bytes) {
        return appPage(request, reply, dev, application.id, { form: fields, errors, status: 400 });
      }
      await submitApplication(
        db,
        { application, by: dev.account, form: value, report: { fileName: file.name, pdf: file.bytes } },
        clock,
      );
      return reply.redirect(`${DEVELOPERS}/apps/${application.id}?submitted=1`, 303);
    });
  });

  async function teamPage(
    request: FastifyRequest,
    reply: FastifyReply,
    account: StaffAccount,
    o: { form?: Record<string, string>; errors?: Errors; added?: boolean; status?: number } = {},
  ) {
    const developers = await listDevelopers(db, account.organisationId ?? '');
    return send(request, reply, {
      title: t(request)('team.title'),
      account,
      section: 'team',
      ...(o.status ? { status: o.status } : {}),
      body: (l, token) =>
        teamBody(
          l,
          token,
          { developers, admin: account.role === 'admin', added: o.added ?? false },
          o.form ?? {},
          o.errors ?? {},
        ),
    });
  }

  app.get(`${DEVELOPERS}/team`, async (request, reply) => {
    const dev = await developer(request, reply);
    if (!dev) return reply;
    return teamPage(request, reply, dev.account, { added: (request.query as Record<string, unknown>).added === '1' });
  });

  app.post(`${DEVELOPERS}/team`, guard, async (request, reply) => {
    const dev = await developer(request, reply);
    if (!dev) return reply;
    // ASVS V8.2.1: only an organisation's admins add developers to it.
    if (dev.account.role !== 'admin') throw new ProblemError('forbidden');
    const form = strings((request.body ?? {}) as Form);
    const errors: Errors = {};
    const name = (form.name ?? '').trim();
    if (!name) errors.name = 'required';
    else if (name.length > 100) errors.name = 'too_long';
    const role = form.role === 'admin' ? 'admin' : form.role === 'member' ? 'member' : undefined;
    if (!role) errors.role = 'invalid_choice';
    if (!errors.name && role) {
      try {
        await addDeveloper(
          db,
          { organisationId: dev.organisationId, by: dev.account, name, email: form.email ?? '', role },
          clock,
        );
        return reply.redirect(`${DEVELOPERS}/team?added=1`, 303);
      } catch (error) {
        if (!(error instanceof StaffAccountError)) throw error;
        errors.email = error.code === 'duplicate_email' ? 'duplicate_email' : 'invalid_email';
      }
    }
    return teamPage(request, reply, dev.account, { form, errors, status: 400 });
  });
}
