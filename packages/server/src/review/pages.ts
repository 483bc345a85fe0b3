/** The reviewer console's pages: plain forms, tables that stack on a phone. */
import { CATEGORIES, getCategory } from '@healthbank/records';
import { csrfField } from '../auth/signin/components.js';
import type { StaffAccount } from '../auth/staff/accounts.js';
import { staffPage } from '../auth/staff/frame.js';
import type { Application, SecurityReport } from '../developer/applications.js';
import type { ChecklistItem } from '../developer/checklist.js';
import { developerMessages } from '../developer/messages.js';
import { statusBadge } from '../developer/pages.js';
import { displayInstant } from '../pages/dates.js';
import { type FieldErrors, formErrorSummary, inputField, selectField, textAreaField } from '../pages/form.js';
import { type Html, html } from '../pages/html.js';
import type { Locale } from '../pages/i18n.js';
import { reviewMessages } from './messages.js';
import type { AuditHit } from './search.js';

export const REVIEW = '/review';

export type ReviewSection = 'queue' | 'apps' | 'deletions' | 'audit' | 'reviewers';

export function reviewPage(o: {
  locale: Locale;
  title: string;
  path: string;
  body: Html;
  account: StaffAccount;
  csrf: string;
  section?: ReviewSection;
}): string {
  const t = reviewMessages(o.locale);
  const sections: [ReviewSection, string][] = [
    ['queue', REVIEW],
    ['apps', `${REVIEW}/apps`],
    ['deletions', `${REVIEW}/deletions`],
    ['audit', `${REVIEW}/audit`],
    ['reviewers', `${REVIEW}/reviewers`],
  ];
  return staffPage({
    locale: o.locale,
    title: o.title,
    path: o.path,
    body: o.body,
    base: REVIEW,
    account: o.account,
    csrf: o.csrf,
    navLabel: t('review.nav'),
    nav: sections.map(([id, href]) => ({ href, label: t(`review.nav.${id}`), current: o.section === id })),
  });
}

export function queueBody(locale: Locale, rows: { application: Application; organisation: string }[]): Html {
  const t = reviewMessages(locale);
  return html`<h1>${t('queue.title')}</h1>${
    rows.length === 0
      ? html`<p>${t('queue.empty')}</p>`
      : html`<table class="stack"><thead><tr><th scope="col">${t('queue.app')}</th><th scope="col">${t('queue.organisation')}</th><th scope="col">${t('queue.submitted')}</th></tr></thead><tbody>${rows.map(
          (
            r,
          ) => html`<tr><td data-label="${t('queue.app')}"><a href="${REVIEW}/applications/${r.application.id}">${r.application.name[locale]}</a></td>
<td data-label="${t('queue.organisation')}">${r.organisation}</td>
<td data-label="${t('queue.submitted')}">${r.application.submittedAt ? displayInstant(locale, r.application.submittedAt) : '—'}</td></tr>`,
        )}</tbody></table>`
  }`;
}

export interface ApplicationView {
  application: Application;
  organisation: { name: string; identifier: string; type: string };
  checklist: ChecklistItem[];
  reports: SecurityReport[];
  flash?: string;
  errors: FieldErrors;
  reason: string;
}

export function applicationBody(locale: Locale, csrf: string, v: ApplicationView): Html {
  const t = reviewMessages(locale);
  const d = developerMessages(locale);
  const a = v.application;
  const pending = v.reports.find((r) => r.status === 'pending');
  return html`<h1>${a.name[locale]} ${statusBadge(locale, a.status)}</h1>
${formErrorSummary(d('errors.title'), v.errors)}
${v.flash ? html`<p class="notice done" role="status">${v.flash}</p>` : ''}
<h2>${t('application.organisation')}</h2>
<dl class="facts"><dt>${d('register.name')}</dt><dd>${v.organisation.name}</dd><dt>${d('home.type')}</dt><dd>${d(`register.type.${v.organisation.type}` as 'register.type.company')}</dd>
<dt>${d('home.identifier')}</dt><dd><code>${v.organisation.identifier}</code></dd></dl>
<h2>${d('app.details')}</h2>
<dl class="facts"><dt>${d('app.descriptionZh')}</dt><dd lang="zh-TW">${a.description['zh-TW']}</dd>
<dt>${d('app.descriptionEn')}</dt><dd lang="en">${a.description.en}</dd>
<dt>${d('app.platform')}</dt><dd>${d(`app.platform.${a.platform}`)}</dd>
<dt>${d('app.clientType')}</dt><dd>${d(`app.clientType.${a.clientType}`)}</dd>
<dt>${d('submit.productionRedirectUris')}</dt><dd>${(a.productionRedirectUris ?? []).map((u) => html`<code>${u}</code> `)}</dd>
<dt>${d('app.categories')}</dt><dd><ul>${a.categories.map((c) => html`<li>${getCategory(c.category).name[locale]}：${c.purpose}</li>`)}</ul></dd>
<dt>${d('app.privacyPolicyUrl')}</dt><dd>${a.privacyPolicyUrl}</dd>
<dt>${d('app.supportContact')}</dt><dd>${a.supportContact}</dd>
<dt>${d('app.deletionWebhookUrl')}</dt><dd>${a.deletionWebhookUrl ?? '—'}</dd></dl>
<h2>${t('application.checklist')}</h2>
<ul class="cards">${v.checklist.map(
    (item) =>
      html`<li><p><strong>${d(`checklist.${item.id}`)}</strong> ${
        item.evidence
          ? html`<span class="badge active">${d('checklist.done')}</span></p><p class="hint">${d('checklist.evidence', { seq: item.evidence.seq, date: displayInstant(locale, item.evidence.at) })}`
          : html`<span class="badge pending">${d('checklist.todo')}</span>`
      }</p></li>`,
  )}</ul>
<h2>${t('application.report')}</h2>
<ul>${v.reports.map(
    (
      r,
    ) => html`<li>${r.lab} · ${r.testedOn} · ${d(`submit.level.${r.level}`)} · ${d(`report.status.${r.status}`)} · ${d('reports.expires', { date: displayInstant(locale, r.expiresAt) })}
<br><a href="${REVIEW}/applications/${a.id}/reports/${r.id}.pdf" download>${t('application.download', { size: Math.ceil(r.size / 1024), hash: r.sha256.slice(0, 16) })}</a></li>`,
  )}</ul>
${
  pending
    ? html`<form method="post" action="${REVIEW}/applications/${a.id}/approve" class="actions">${csrfField(csrf)}<button type="submit" class="primary">${t('application.approve')}</button></form>
<h2>${t('application.reject')}</h2>
<form method="post" action="${REVIEW}/applications/${a.id}/reject" novalidate>${csrfField(csrf)}
${textAreaField({ name: 'reason', label: t('application.reason'), value: v.reason, errors: v.errors, required: true, rows: 4 })}
<button type="submit" class="secondary danger">${t('application.reject')}</button></form>`
    : html`<p>${t('application.notPending')}</p>`
}`;
}

export interface LiveAppRow {
  application: Application;
  organisation: string;
  status: 'active' | 'suspended';
  suspendedReason: string | null;
  reportExpiresAt: number | null;
}

export function appsBody(locale: Locale, csrf: string, rows: LiveAppRow[]): Html {
  const t = reviewMessages(locale);
  return html`<h1>${t('apps.title')}</h1>${
    rows.length === 0
      ? html`<p>${t('apps.empty')}</p>`
      : html`<table class="stack"><thead><tr><th scope="col">${t('queue.app')}</th><th scope="col">${t('queue.organisation')}</th><th scope="col">${t('apps.status')}</th><th scope="col">${t('apps.reportExpires')}</th><th scope="col"><span class="visually-hidden">${t('apps.suspend')}</span></th></tr></thead><tbody>${rows.map(
          (
            r,
          ) => html`<tr><td data-label="${t('queue.app')}"><a href="${REVIEW}/applications/${r.application.id}">${r.application.name[locale]}</a><br><code>${r.application.productionClientId}</code></td>
<td data-label="${t('queue.organisation')}">${r.organisation}</td>
<td data-label="${t('apps.status')}">${r.status === 'active' ? html`<span class="badge active">${t('apps.active')}</span>` : html`<span class="badge revoked">${r.suspendedReason === 'report_expired' ? t('apps.suspendedExpired') : t('apps.suspended')}</span>`}</td>
<td data-label="${t('apps.reportExpires')}">${r.reportExpiresAt ? displayInstant(locale, r.reportExpiresAt) : '—'}</td>
<td><form method="post" action="${REVIEW}/applications/${r.application.id}/${r.status === 'active' ? 'suspend' : 'resume'}">${csrfField(csrf)}<button type="submit" class="secondary${r.status === 'active' ? ' danger' : ''}" aria-label="${r.status === 'active' ? t('apps.suspend') : t('apps.resume')} ${r.application.name[locale]}">${r.status === 'active' ? t('apps.suspend') : t('apps.resume')}</button></form></td></tr>`,
        )}</tbody></table>`
  }`;
}

export function deletionsBody(
  locale: Locale,
  rows: { id: string; app: string; clientId: string; dueAt: number }[],
): Html {
  const t = reviewMessages(locale);
  return html`<h1>${t('deletions.title')}</h1>${
    rows.length === 0
      ? html`<p>${t('deletions.empty')}</p>`
      : html`<table class="stack"><thead><tr><th scope="col">${t('deletions.request')}</th><th scope="col">${t('queue.app')}</th><th scope="col">${t('deletions.due')}</th></tr></thead><tbody>${rows.map(
          (r) =>
            html`<tr><td data-label="${t('deletions.request')}"><code>${r.id}</code></td><td data-label="${t('queue.app')}">${r.app} <code>${r.clientId}</code></td><td data-label="${t('deletions.due')}">${displayInstant(locale, r.dueAt)}</td></tr>`,
        )}</tbody></table>`
  }`;
}

export function auditBody(
  locale: Locale,
  form: Record<string, string>,
  result: { hits: AuditHit[]; next?: string } | undefined,
  errors: FieldErrors,
): Html {
  const t = reviewMessages(locale);
  const d = developerMessages(locale);
  return html`<h1>${t('audit.title')}</h1><p class="lead">${t('audit.lead')}</p>
${formErrorSummary(d('errors.title'), errors)}
<form method="get" action="${REVIEW}/audit" class="filter" novalidate><div class="filter-fields">
${inputField({ name: 'from', type: 'date', label: t('audit.from'), value: form.from, errors, required: true })}
${inputField({ name: 'to', type: 'date', label: t('audit.to'), value: form.to, errors, required: true })}
${inputField({ name: 'national_id', label: t('audit.nationalId'), value: form.national_id, maxlength: 10, autocomplete: 'off', errors })}
${inputField({ name: 'client_id', label: t('audit.clientId'), value: form.client_id, maxlength: 64, autocomplete: 'off', errors })}
${selectField({ name: 'category', label: t('audit.category'), value: form.category ?? '', errors, options: [{ value: '', label: t('audit.anyCategory') }, ...CATEGORIES.map((c) => ({ value: c.id, label: c.name[locale] }))] })}
</div><button type="submit" class="primary">${t('audit.search')}</button></form>
${
  result
    ? html`<h2>${t('audit.results')}</h2>${
        result.hits.length === 0
          ? html`<p>${t('audit.none')}</p>`
          : html`<table class="stack" data-testid="audit-results"><thead><tr><th scope="col">${t('audit.time')}</th><th scope="col">${t('audit.event')}</th><th scope="col">${t('audit.citizen')}</th><th scope="col">${t('audit.app')}</th><th scope="col">${t('audit.categories')}</th></tr></thead><tbody>${result.hits.map(
              (
                h,
              ) => html`<tr><td data-label="${t('audit.time')}">${displayInstant(locale, h.at)}</td><td data-label="${t('audit.event')}"><code>${h.type}</code></td>
<td data-label="${t('audit.citizen')}">${h.citizen ?? '—'}</td><td data-label="${t('audit.app')}"><code>${h.clientId ?? '—'}</code></td>
<td data-label="${t('audit.categories')}">${h.categories.map((c) => (CATEGORIES.some((k) => k.id === c) ? getCategory(c as never).name[locale] : c)).join('、')}</td></tr>`,
            )}</tbody></table>`
      }${result.next ? html`<p><a href="${result.next}">${t('audit.more')}</a></p>` : ''}`
    : ''
}`;
}

export function reviewersBody(
  locale: Locale,
  csrf: string,
  v: { reviewers: StaffAccount[]; admin: boolean; added: boolean; form: Record<string, string>; errors: FieldErrors },
): Html {
  const t = reviewMessages(locale);
  const d = developerMessages(locale);
  return html`<h1>${t('reviewers.title')}</h1>${formErrorSummary(d('errors.title'), v.errors)}
${v.added ? html`<p class="notice done" role="status">${t('reviewers.added')}</p>` : ''}
<table class="stack"><thead><tr><th scope="col">${t('reviewers.name')}</th><th scope="col">${t('reviewers.email')}</th><th scope="col">${t('reviewers.role')}</th></tr></thead><tbody>${v.reviewers.map(
    (r) =>
      html`<tr><td data-label="${t('reviewers.name')}">${r.name}</td><td data-label="${t('reviewers.email')}">${r.email}</td><td data-label="${t('reviewers.role')}">${t(`reviewers.role.${r.role === 'admin' ? 'admin' : 'reviewer'}`)}</td></tr>`,
  )}</tbody></table>
${
  v.admin
    ? html`<h2>${t('reviewers.add')}</h2><form method="post" action="${REVIEW}/reviewers" novalidate>${csrfField(csrf)}
${inputField({ name: 'name', label: t('reviewers.name'), value: v.form.name, maxlength: 100, autocomplete: 'off', errors: v.errors, required: true })}
${inputField({ name: 'email', type: 'email', label: t('reviewers.email'), value: v.form.email, maxlength: 254, autocomplete: 'off', errors: v.errors, required: true })}
${selectField({ name: 'role', label: t('reviewers.role'), value: v.form.role ?? 'reviewer', errors: v.errors, options: (['reviewer', 'admin'] as const).map((r) => ({ value: r, label: t(`reviewers.role.${r}`) })) })}
${inputField({ name: 'organisation', label: t('reviewers.organisation'), hint: t('reviewers.organisationHint'), value: v.form.organisation, maxlength: 10, autocomplete: 'off', errors: v.errors })}
<button type="submit" class="primary">${t('reviewers.add')}</button></form>`
    : html`<p>${t('reviewers.adminOnly')}</p>`
}`;
}
