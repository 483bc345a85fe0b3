/** The developer portal's pages. Plain forms: everything works without JavaScript. */
import { CATEGORIES, getCategory } from '@healthbank/records';
import type { Organisation } from '../auth/clients/organisations.js';
import { csrfField } from '../auth/signin/components.js';
import type { StaffAccount } from '../auth/staff/accounts.js';
import { staffPage } from '../auth/staff/frame.js';
import { displayInstant } from '../pages/dates.js';
import {
  type FieldErrors,
  fileField,
  formErrorSummary,
  inputField,
  selectField,
  textAreaField,
} from '../pages/form.js';
import { type Html, html } from '../pages/html.js';
import type { Locale } from '../pages/i18n.js';
import type { Application, SecurityReport } from './applications.js';
import type { ChecklistItem } from './checklist.js';
import { type Errors, ORGANISATION_TYPE_IDS, PLATFORMS, REPORT_LEVELS } from './form.js';
import { developerMessages } from './messages.js';

export const DEVELOPERS = '/developers';

type T = ReturnType<typeof developerMessages>;

/** Field name → its label, for error messages that name the field. */
function fieldLabels(t: T): Record<string, string> {
  const labels: Record<string, string> = {
    type: t('register.type'),
    name: t('register.name'),
    identifier: t('register.identifier'),
    contact_name: t('register.contactName'),
    contact_email: t('register.contactEmail'),
    contact_phone: t('register.contactPhone'),
    developer_name: t('register.developerName'),
    developer_email: t('register.developerEmail'),
    name_zh: t('app.nameZh'),
    name_en: t('app.nameEn'),
    description_zh: t('app.descriptionZh'),
    description_en: t('app.descriptionEn'),
    platform: t('app.platform'),
    client_type: t('app.clientType'),
    redirect_uris: t('app.redirectUris'),
    categories: t('app.categories'),
    privacy_policy_url: t('app.privacyPolicyUrl'),
    support_contact: t('app.supportContact'),
    app_url: t('app.appUrl'),
    deletion_webhook_url: t('app.deletionWebhookUrl'),
    jwks: t('app.jwks'),
    receipt_jwks: t('app.receiptJwks'),
    report: t('submit.report'),
    lab: t('submit.lab'),
    tested_on: t('submit.testedOn'),
    level: t('submit.level'),
    production_redirect_uris: t('submit.productionRedirectUris'),
    production_webhook_url: t('submit.productionWebhookUrl'),
    confirm_privacy: t('submit.confirmPrivacy'),
    confirm_contact: t('submit.confirmContact'),
    checklist: t('checklist.title'),
    email: t('team.email'),
    role: t('team.role'),
  };
  for (const c of CATEGORIES) labels[`purpose_${c.id}`] = t('app.purposeFor', { category: c.name['zh-TW'] });
  return labels;
}

/** Error codes in words, each naming its field (WCAG 3.3.1). */
export function errorMessages(locale: Locale, errors: Errors): FieldErrors {
  const t = developerMessages(locale);
  const labels = fieldLabels(t);
  const out: FieldErrors = {};
  for (const [name, code] of Object.entries(errors)) {
    let label = labels[name] ?? name;
    const category = name.startsWith('purpose_') ? name.slice(8) : undefined;
    if (category && CATEGORIES.some((c) => c.id === category))
      label = t('app.purposeFor', { category: getCategory(category as never).name[locale] });
    out[name] = t(`error.${code}` as 'error.required', { field: label });
  }
  return out;
}

export interface DevFrame {
  locale: Locale;
  title: string;
  path: string;
  body: Html;
  account?: StaffAccount | undefined;
  csrf?: string | undefined;
  section?: 'home' | 'new' | 'team';
}

export function developerPage(f: DevFrame): string {
  const t = developerMessages(f.locale);
  return staffPage({
    locale: f.locale,
    title: f.title,
    path: f.path,
    body: f.body,
    base: DEVELOPERS,
    ...(f.account ? { account: f.account } : {}),
    ...(f.csrf ? { csrf: f.csrf } : {}),
    navLabel: t('dev.nav'),
    ...(f.account
      ? {
          nav: [
            { href: DEVELOPERS, label: t('dev.nav.home'), current: f.section === 'home' },
            { href: `${DEVELOPERS}/apps/new`, label: t('dev.nav.new'), current: f.section === 'new' },
            { href: `${DEVELOPERS}/team`, label: t('dev.nav.team'), current: f.section === 'team' },
          ],
        }
      : {}),
  });
}

export function landingBody(locale: Locale): Html {
  const t = developerMessages(locale);
  return html`<h1>${t('dev.title')}</h1><p class="lead">${t('dev.landing.lead')}</p>
<h2>${t('dev.landing.steps')}</h2>
<ol>${(['step1', 'step2', 'step3', 'step4', 'step5'] as const).map((s) => html`<li>${t(`dev.landing.${s}`)}</li>`)}</ol>
<p><a class="button" href="${DEVELOPERS}/register">${t('dev.landing.register')}</a> <a href="${DEVELOPERS}/signin">${t('dev.landing.signin')}</a></p>`;
}

export function registerBody(locale: Locale, csrf: string, form: Record<string, string>, errors: Errors): Html {
  const t = developerMessages(locale);
  const e = errorMessages(locale, errors);
  const f = (name: string) => form[name] ?? '';
  return html`<h1>${t('register.title')}</h1>${formErrorSummary(t('errors.title'), e)}
<p class="lead">${t('register.lead')}</p>
<form method="post" action="${DEVELOPERS}/register" novalidate>${csrfField(csrf)}
<fieldset><legend>${t('register.organisation')}</legend>
${selectField({ name: 'type', label: t('register.type'), value: f('type'), errors: e, required: true, options: ORGANISATION_TYPE_IDS.map((id) => ({ value: id, label: t(`register.type.${id}`) })) })}
${inputField({ name: 'name', label: t('register.name'), value: f('name'), autocomplete: 'organization', maxlength: 200, errors: e, required: true })}
${inputField({ name: 'identifier', label: t('register.identifier'), hint: t('register.identifierHint'), value: f('identifier'), inputmode: 'numeric', maxlength: 20, errors: e, required: true })}
</fieldset>
<fieldset><legend>${t('register.contact')}</legend>
${inputField({ name: 'contact_name', label: t('register.contactName'), value: f('contact_name'), autocomplete: 'name', maxlength: 100, errors: e, required: true })}
${inputField({ name: 'contact_email', type: 'email', label: t('register.contactEmail'), value: f('contact_email'), autocomplete: 'email', maxlength: 254, errors: e, required: true })}
${inputField({ name: 'contact_phone', type: 'tel', label: t('register.contactPhone'), value: f('contact_phone'), autocomplete: 'tel', maxlength: 30, errors: e, required: true })}
</fieldset>
<fieldset><legend>${t('register.developer')}</legend>
${inputField({ name: 'developer_name', label: t('register.developerName'), value: f('developer_name'), autocomplete: 'name', maxlength: 100, errors: e, required: true })}
${inputField({ name: 'developer_email', type: 'email', label: t('register.developerEmail'), value: f('developer_email'), autocomplete: 'email', maxlength: 254, errors: e, required: true })}
</fieldset>
<button type="submit" class="primary">${t('register.submit')}</button></form>`;
}

export interface HomeView {
  organisation: Organisation & { contactName: string | null; contactEmail: string | null };
  applications: (Application & { suspended: boolean })[];
  notices: { text: string; at: number }[];
}

export function statusBadge(locale: Locale, status: string): Html {
  const t = developerMessages(locale);
  const css =
    status === 'approved' ? 'active' : status === 'rejected' || status === 'suspended' ? 'revoked' : 'pending';
  return html`<span class="badge ${css}">${t(`status.${status}` as 'status.sandbox')}</span>`;
}

export function homeBody(locale: Locale, v: HomeView): Html {
  const t = developerMessages(locale);
  const o = v.organisation;
  return html`<h1>${o.name}</h1>
<h2>${t('home.organisation')}</h2>
<dl class="facts"><dt>${t('home.type')}</dt><dd>${t(`register.type.${o.type}`)}</dd>
<dt>${t('home.identifier')}</dt><dd><code>${o.identifier}</code></dd>
${o.contactName ? html`<dt>${t('home.contact')}</dt><dd>${o.contactName}（${o.contactEmail ?? ''}）</dd>` : ''}</dl>
<h2>${t('home.apps')}</h2>
${
  v.applications.length === 0
    ? html`<p>${t('home.noApps')}</p>`
    : html`<table class="stack"><thead><tr><th scope="col">${t('home.app')}</th><th scope="col">${t('home.status')}</th><th scope="col">${t('home.sandboxKey')}</th><th scope="col">${t('home.productionKey')}</th></tr></thead><tbody>${v.applications.map(
        (
          a,
        ) => html`<tr><td data-label="${t('home.app')}"><a href="${DEVELOPERS}/apps/${a.id}">${a.name[locale]}</a></td>
<td data-label="${t('home.status')}">${statusBadge(locale, a.suspended ? 'suspended' : a.status)}</td>
<td data-label="${t('home.sandboxKey')}"><code>${a.sandboxClientId}</code></td>
<td data-label="${t('home.productionKey')}">${a.productionClientId ? html`<code>${a.productionClientId}</code>` : '—'}</td></tr>`,
      )}</tbody></table>`
}
<p><a class="button" href="${DEVELOPERS}/apps/new">${t('dev.nav.new')}</a></p>
<p><a href="${DEVELOPERS}/passkey">${t('home.passkey')}</a></p>
${
  v.notices.length
    ? html`<h2>${t('home.notices')}</h2><ul class="inbox">${v.notices.map(
        (n) => html`<li><p>${n.text}</p><p class="hint">${displayInstant(locale, n.at)}</p></li>`,
      )}</ul>`
    : ''
}`;
}

export function newAppBody(locale: Locale, csrf: string, form: Record<string, unknown>, errors: Errors): Html {
  const t = developerMessages(locale);
  const e = errorMessages(locale, errors);
  const f = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
  const chosen = new Set(([] as unknown[]).concat(form.category ?? []).map(String));
  const keysHint = t('app.keysHint');
  return html`<h1>${t('app.new.title')}</h1>${formErrorSummary(t('errors.title'), e)}
<p class="lead">${t('app.new.lead')}</p>
<form method="post" action="${DEVELOPERS}/apps" novalidate>${csrfField(csrf)}
<fieldset><legend>${t('app.about')}</legend>
${inputField({ name: 'name_zh', label: t('app.nameZh'), value: f('name_zh'), maxlength: 100, lang: 'zh-TW', errors: e, required: true })}
${inputField({ name: 'name_en', label: t('app.nameEn'), value: f('name_en'), maxlength: 100, lang: 'en', errors: e, required: true })}
${textAreaField({ name: 'description_zh', label: t('app.descriptionZh'), hint: t('app.descriptionHint'), value: f('description_zh'), lang: 'zh-TW', errors: e, required: true })}
${textAreaField({ name: 'description_en', label: t('app.descriptionEn'), value: f('description_en'), lang: 'en', errors: e, required: true })}
${selectField({ name: 'platform', label: t('app.platform'), value: f('platform'), errors: e, required: true, options: PLATFORMS.map((p) => ({ value: p, label: t(`app.platform.${p}`) })) })}
${selectField({ name: 'client_type', label: t('app.clientType'), value: f('client_type'), errors: e, required: true, options: (['public', 'confidential'] as const).map((c) => ({ value: c, label: t(`app.clientType.${c}`) })) })}
${textAreaField({ name: 'redirect_uris', label: t('app.redirectUris'), hint: t('app.redirectUrisHint'), value: f('redirect_uris'), errors: e, required: true })}
</fieldset>
<fieldset id="categories"${e.categories ? html` class="invalid" aria-describedby="categories-hint categories-error"` : html` aria-describedby="categories-hint"`}><legend>${t('app.categories')}</legend>
<p class="hint" id="categories-hint">${t('app.categoriesHint')}</p>
${e.categories ? html`<p class="field-error" id="categories-error">${e.categories}</p>` : ''}
${CATEGORIES.map(
  (
    c,
  ) => html`<div class="choice"><input type="checkbox" id="category-${c.id}" name="category" value="${c.id}"${chosen.has(c.id) ? html` checked` : ''}>
<label for="category-${c.id}">${c.name[locale]}<span class="description">${c.description[locale]}</span></label></div>
${inputField({ name: `purpose_${c.id}`, label: t('app.purposeFor', { category: c.name[locale] }), value: f(`purpose_${c.id}`), maxlength: 300, errors: e })}`,
)}
</fieldset>
<fieldset><legend>${t('app.privacyPolicyUrl')}</legend>
${inputField({ name: 'privacy_policy_url', type: 'url', label: t('app.privacyPolicyUrl'), value: f('privacy_policy_url'), inputmode: 'url', maxlength: 2000, errors: e, required: true })}
${inputField({ name: 'support_contact', label: t('app.supportContact'), value: f('support_contact'), maxlength: 200, errors: e, required: true })}
${inputField({ name: 'app_url', type: 'url', label: t('app.appUrl'), hint: t('app.appUrlHint'), value: f('app_url'), inputmode: 'url', maxlength: 2000, errors: e })}
${inputField({ name: 'deletion_webhook_url', type: 'url', label: t('app.deletionWebhookUrl'), hint: t('app.deletionWebhookUrlHint'), value: f('deletion_webhook_url'), inputmode: 'url', maxlength: 2000, errors: e, required: true })}
${textAreaField({ name: 'jwks', label: t('app.jwks'), hint: keysHint, value: f('jwks'), errors: e })}
${textAreaField({ name: 'receipt_jwks', label: t('app.receiptJwks'), hint: keysHint, value: f('receipt_jwks'), errors: e })}
</fieldset>
<button type="submit" class="primary">${t('app.submit')}</button></form>`;
}

export interface AppView {
  application: Application;
  suspended: boolean;
  sandboxIssuer: string;
  productionIssuer: string;
  checklist: ChecklistItem[];
  reports: SecurityReport[];
  created: boolean;
  submitted: boolean;
}

export function appBody(locale: Locale, csrf: string, v: AppView, form: Record<string, string>, errors: Errors): Html {
  const t = developerMessages(locale);
  const a = v.application;
  const e = errorMessages(locale, errors);
  const f = (name: string) => form[name] ?? '';
  const canSubmit = a.status !== 'submitted';
  return html`<h1>${a.name[locale]} ${statusBadge(locale, v.suspended ? 'suspended' : a.status)}</h1>
${formErrorSummary(t('errors.title'), e)}
${v.created ? html`<p class="notice done" role="status">${t('app.created')}</p>` : ''}
${v.submitted ? html`<p class="notice done" role="status">${t('submit.done')}</p>` : ''}
${a.status === 'rejected' ? html`<div class="notice" id="decision"><p>${t('app.decision.rejected')}</p><p>${a.decisionReason ?? ''}</p></div>` : ''}
${a.status === 'submitted' ? html`<p class="notice">${t('app.decision.submitted')}</p>` : ''}
<section aria-labelledby="key-title"><h2 id="key-title">${t('app.key.title')}</h2><p>${t('app.key.lead')}</p>
<dl class="facts"><dt>${t('app.key.clientId')}</dt><dd><code data-testid="sandbox-client-id">${a.sandboxClientId}</code></dd>
<dt>${t('app.key.issuer')}</dt><dd><code>${v.sandboxIssuer}</code></dd></dl></section>
${
  a.productionClientId
    ? html`<section aria-labelledby="production-title"><h2 id="production-title">${t('app.production.title')}</h2><p>${t('app.production.lead')}</p>
<dl class="facts"><dt>${t('app.key.clientId')}</dt><dd><code data-testid="production-client-id">${a.productionClientId}</code></dd>
<dt>${t('app.key.issuer')}</dt><dd><code>${v.productionIssuer}</code></dd></dl></section>`
    : ''
}
<section id="checklist" tabindex="-1" aria-labelledby="checklist-title"><h2 id="checklist-title">${t('checklist.title')}</h2><p>${t('checklist.lead')}</p>
<ul class="cards">${v.checklist.map(
    (item) =>
      html`<li><p><strong>${t(`checklist.${item.id}`)}</strong> ${
        item.evidence
          ? html`<span class="badge active">${t('checklist.done')}</span>`
          : html`<span class="badge pending">${t('checklist.todo')}</span>`
      }</p>${
        item.evidence
          ? html`<p class="hint">${t('checklist.evidence', { seq: item.evidence.seq, date: displayInstant(locale, item.evidence.at) })}</p>`
          : item.id === 'revocation' || item.id === 'tampered'
            ? html`<p class="hint">${t(`checklist.${item.id}Hint`)}</p>`
            : ''
      }</li>`,
  )}</ul></section>
${
  v.reports.length
    ? html`<section aria-labelledby="reports-title"><h2 id="reports-title">${t('reports.title')}</h2><ul>${v.reports.map(
        (r) =>
          html`<li>${r.fileName} · ${r.lab} · ${r.testedOn} · ${r.level} · ${t(`report.status.${r.status}`)} · ${t('reports.expires', { date: displayInstant(locale, r.expiresAt) })}</li>`,
      )}</ul></section>`
    : ''
}
${
  canSubmit
    ? html`<section aria-labelledby="submit-title"><h2 id="submit-title">${t('submit.title')}</h2><p>${t('submit.lead')}</p>
<form method="post" action="${DEVELOPERS}/apps/${a.id}/submit" enctype="multipart/form-data" novalidate>${csrfField(csrf)}
${fileField({ name: 'report', label: t('submit.report'), accept: 'application/pdf,.pdf', errors: e, required: true })}
${inputField({ name: 'lab', label: t('submit.lab'), value: f('lab'), maxlength: 200, errors: e, required: true })}
${inputField({ name: 'tested_on', type: 'date', label: t('submit.testedOn'), value: f('tested_on'), errors: e, required: true })}
${selectField({ name: 'level', label: t('submit.level'), value: f('level'), errors: e, required: true, options: REPORT_LEVELS.map((l) => ({ value: l, label: t(`submit.level.${l}`) })) })}
${textAreaField({ name: 'production_redirect_uris', label: t('submit.productionRedirectUris'), hint: t('submit.productionRedirectUrisHint'), value: f('production_redirect_uris') || (a.productionRedirectUris ?? a.redirectUris.filter((u) => u.startsWith('https://'))).join('\n'), errors: e, required: true })}
${inputField({ name: 'production_webhook_url', type: 'url', label: t('submit.productionWebhookUrl'), value: f('production_webhook_url') || (a.productionWebhookUrl ?? (a.deletionWebhookUrl?.startsWith('https://') ? a.deletionWebhookUrl : '')), inputmode: 'url', maxlength: 2000, errors: e, required: true })}
${confirmBox('confirm_privacy', t('submit.confirmPrivacy'), e)}
${confirmBox('confirm_contact', t('submit.confirmContact'), e)}
<button type="submit" class="primary">${t('submit.submit')}</button></form></section>`
    : ''
}
<section aria-labelledby="details-title"><h2 id="details-title">${t('app.details')}</h2>
<dl class="facts"><dt>${t('app.platform')}</dt><dd>${t(`app.platform.${a.platform}`)}</dd>
<dt>${t('app.clientType')}</dt><dd>${t(`app.clientType.${a.clientType}`)}</dd>
<dt>${t('app.redirectUris')}</dt><dd>${a.redirectUris.map((u) => html`<code>${u}</code> `)}</dd>
<dt>${t('app.categories')}</dt><dd><ul>${a.categories.map((c) => html`<li>${getCategory(c.category).name[locale]}：${c.purpose}</li>`)}</ul></dd>
<dt>${t('app.privacyPolicyUrl')}</dt><dd>${a.privacyPolicyUrl}</dd>
<dt>${t('app.deletionWebhookUrl')}</dt><dd>${a.deletionWebhookUrl ?? '—'}</dd></dl></section>`;
}

function confirmBox(name: string, label: string, e: FieldErrors): Html {
  return html`<div class="choice${e[name] ? ' invalid' : ''}"><input type="checkbox" id="${name}" name="${name}" value="yes"${
    e[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : ''
  }><label for="${name}">${label}</label></div>${e[name] ? html`<p class="field-error" id="${name}-error">${e[name]}</p>` : ''}`;
}

export function teamBody(
  locale: Locale,
  csrf: string,
  v: { developers: StaffAccount[]; admin: boolean; added: boolean },
  form: Record<string, string>,
  errors: Errors,
): Html {
  const t = developerMessages(locale);
  const e = errorMessages(locale, errors);
  return html`<h1>${t('team.title')}</h1><p class="lead">${t('team.lead')}</p>
${formErrorSummary(t('errors.title'), e)}
${v.added ? html`<p class="notice done" role="status">${t('team.added')}</p>` : ''}
<table class="stack"><thead><tr><th scope="col">${t('team.name')}</th><th scope="col">${t('team.email')}</th><th scope="col">${t('team.role')}</th></tr></thead>
<tbody>${v.developers.map(
    (d) =>
      html`<tr><td data-label="${t('team.name')}">${d.name}</td><td data-label="${t('team.email')}">${d.email}</td><td data-label="${t('team.role')}">${t(`team.role.${d.role === 'admin' ? 'admin' : 'member'}`)}</td></tr>`,
  )}</tbody></table>
${
  v.admin
    ? html`<h2>${t('team.add')}</h2><form method="post" action="${DEVELOPERS}/team" novalidate>${csrfField(csrf)}
${inputField({ name: 'name', label: t('team.name'), value: form.name, autocomplete: 'off', maxlength: 100, errors: e, required: true })}
${inputField({ name: 'email', type: 'email', label: t('team.email'), value: form.email, autocomplete: 'off', maxlength: 254, errors: e, required: true })}
${selectField({ name: 'role', label: t('team.role'), value: form.role ?? 'member', errors: e, options: (['member', 'admin'] as const).map((r) => ({ value: r, label: t(`team.role.${r}`) })) })}
<button type="submit" class="primary">${t('team.add')}</button></form>`
    : html`<p>${t('team.adminOnly')}</p>`
}`;
}
