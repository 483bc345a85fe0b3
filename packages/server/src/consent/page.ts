/**
 * The consent page: who asks, the notices, then one question per fieldset. Server-rendered and
 * complete without JavaScript; every input has a label, every group a legend, and errors are
 * listed at the top with links to their fields and repeated beside them (WCAG 3.3.1, 3.3.3).
 */
import { type CategoryId, getCategory, type Institution } from '@healthbank/records';
import type { App } from '../auth/clients/apps.js';
import { ORGANISATION_TYPE_NAMES, type Organisation } from '../auth/clients/organisations.js';
import { accountBar } from '../pages/account.js';
import { type Html, html } from '../pages/html.js';
import { type Locale, translator } from '../pages/i18n.js';
import { layout } from '../pages/layout.js';
import { CSRF_FIELD } from '../security/csrf.js';
import { consentMessages } from './messages.js';
import { type ChoiceError, type ConsentChoices, ONGOING_MONTHS, PERIODS } from './model.js';

export interface ConsentPageView {
  locale: Locale;
  uid: string;
  csrf: string;
  app: App;
  organisation: Organisation;
  requested: CategoryId[];
  institutions: Institution[];
  /** What the form shows as chosen: the defaults, or what the citizen sent back. */
  choices: ConsentChoices;
  errors: ChoiceError[];
  /** Who is signed in: shown in the header with "not you?" (a shared family phone). */
  citizen?: { name: string; nationalId: string };
}

/** What the app suggested at PAR (`consent_period`, `consent_duration`; validated there). */
export interface ChoiceHints {
  period?: unknown;
  duration?: unknown;
}

/**
 * The form as first shown: every requested category (each can be unticked), and the app's
 * suggested period and duration pre-selected — the citizen can change both. Without a suggestion,
 * the least sharing: one year, once.
 */
export function defaultChoices(requested: CategoryId[], hints: ChoiceHints = {}): ConsentChoices {
  const choices: ConsentChoices = {
    acknowledged: false,
    categories: [...requested],
    period: '1y',
    excludedInstitutions: [],
    duration: 'once',
  };
  const period = typeof hints.period === 'string' ? hints.period : '';
  const custom = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(period);
  if (period === '1y' || period === '3y' || period === '5y' || period === 'all') choices.period = period;
  else if (custom) Object.assign(choices, { period: 'custom', customFrom: custom[1], customTo: custom[2] });
  const months = Number(hints.duration);
  if (months === 1 || months === 3 || months === 6 || months === 12) choices.duration = months;
  return choices;
}

/** Where each error points: the first control of its field. */
const ERROR_TARGET: Record<ChoiceError, string> = {
  acknowledge: 'acknowledge',
  categories: `category-0`,
  period: 'period-1y',
  customFrom: 'period-from',
  customTo: 'period-to',
  customOrder: 'period-from',
  customFuture: 'period-from',
  duration: 'duration-once',
};

export function renderConsentPage(v: ConsentPageView): string {
  const t = consentMessages(v.locale);
  const appName = v.app.name[v.locale];
  const names = { app: appName, organisation: v.organisation.name };
  const has = (e: ChoiceError) => v.errors.includes(e);
  const errorText = (e: ChoiceError) => t(`error.${e}`, names);
  const fieldError = (id: string, errors: ChoiceError[]) => {
    const shown = errors.filter(has);
    return shown.length
      ? html`<p class="field-error" id="${id}-error">${shown.map((e) => html`<span>${errorText(e)}</span> `)}</p>`
      : '';
  };
  const describedBy = (id: string, hint: boolean, errors: ChoiceError[]) =>
    [hint ? `${id}-hint` : '', errors.some(has) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const attr = (name: string, value: string | undefined) => (value ? html` ${name}="${value}"` : '');
  const checked = (on: boolean) => (on ? html` checked` : '');
  const identifierLabel = v.organisation.type === 'medical_institution' ? t('who.institutionCode') : t('who.ubn');
  const categoryList = v.requested.map((c) => getCategory(c).name[v.locale]).join(v.locale === 'zh-TW' ? '、' : ', ');
  const c = v.choices;

  const summary = v.errors.length
    ? // autofocus: focus lands on the summary after a failed submit, without script (WCAG 2.4.3).
      html`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${t('errors.title')}</h2>
<ul>${v.errors.map((e) => html`<li><a href="#${ERROR_TARGET[e]}">${errorText(e)}</a></li>`)}</ul>
</div>`
    : '';

  const who = html`<section aria-labelledby="who-title">
<h2 id="who-title">${t('who.title')}</h2>
<dl class="facts">
<dt>${t('who.app')}</dt><dd data-testid="app-name">${appName}</dd>
<dt>${t('who.organisation')}</dt><dd data-testid="organisation">${v.organisation.name}</dd>
<dt>${t('who.type')}</dt><dd>${ORGANISATION_TYPE_NAMES[v.organisation.type][v.locale]}</dd>
<dt>${identifierLabel}</dt><dd>${v.organisation.identifier}</dd>
<dt>${t('who.privacy')}</dt><dd><a href="${v.app.privacyPolicyUrl}" rel="noopener noreferrer">${t('who.privacyLink', names)}</a></dd>
<dt>${t('who.support')}</dt><dd data-testid="support">${v.app.supportContact}</dd>
</dl>
</section>`;

  const notice = (term: string, text: string) => html`<dt>${term}</dt><dd>${text}</dd>`;
  const notices = html`<section aria-labelledby="notice-title" class="notices">
<h2 id="notice-title">${t('notice.title')}</h2>
<p>${t('notice.intro', names)}</p>
<p>${t('notice.collectorText', names)} ${v.app.purpose[v.locale]}</p>
<details class="notice-details"${has('acknowledge') ? html` open` : ''}><summary>${t('notice.show', { count: 7 })}</summary>
<dl class="notice-items">
${notice(t('notice.collector'), t('notice.collectorText', names))}
${notice(t('notice.purpose'), v.app.purpose[v.locale])}
${notice(t('notice.categories'), t('notice.categoriesText', { ...names, list: categoryList }))}
${notice(t('notice.use'), t('notice.useText', names))}
${notice(t('notice.recipients'), t('notice.recipientsText', names))}
${notice(t('notice.rights'), t('notice.rightsText', names))}
${notice(t('notice.refuse'), t('notice.refuseText', names))}
</dl>
</details>
<div class="field acknowledge${has('acknowledge') ? ' invalid' : ''}">
${fieldError('acknowledge', ['acknowledge'])}
<div class="choice"><input type="checkbox" id="acknowledge" name="acknowledge" value="yes"${checked(c.acknowledged)}${attr('aria-describedby', describedBy('acknowledge', false, ['acknowledge']))}>
<label for="acknowledge">${t('acknowledge')}</label></div>
</div>
</section>`;

  const categories = html`<fieldset id="categories"${attr('class', has('categories') ? 'invalid' : undefined)}${attr('aria-describedby', describedBy('categories', true, ['categories']))}>
<legend>${t('categories.legend')}</legend>
<p class="hint" id="categories-hint">${t('categories.hint')}</p>
${fieldError('categories', ['categories'])}
<div class="choices">${v.requested.map(
    (
      id,
      i,
    ) => html`<div class="choice"><input type="checkbox" id="category-${i}" name="category" value="${id}"${checked(c.categories.includes(id))}>
<label for="category-${i}">${getCategory(id).name[v.locale]}<span class="description">${getCategory(id).description[v.locale]}</span></label></div>`,
  )}</div>
</fieldset>`;

  const periodErrors: ChoiceError[] = ['period', 'customFrom', 'customTo', 'customOrder', 'customFuture'];
  const period = html`<fieldset id="period"${attr('class', periodErrors.some(has) ? 'invalid' : undefined)}${attr('aria-describedby', describedBy('period', false, periodErrors))}>
<legend>${t('period.legend')}</legend>
${fieldError('period', periodErrors)}
<div class="choices">${PERIODS.map(
    (
      p,
    ) => html`<div class="choice"><input type="radio" id="period-${p}" name="period" value="${p}"${checked(c.period === p)}>
<label for="period-${p}">${t(`period.${p}`)}</label></div>`,
  )}</div>
<div class="date-range">
<p class="hint" id="period-date-hint">${t('period.dateHint')}</p>
<div class="field"><label for="period-from">${t('period.from')}</label>
<input type="date" id="period-from" name="from" value="${c.customFrom ?? ''}" aria-describedby="period-date-hint"></div>
<div class="field"><label for="period-to">${t('period.to')}</label>
<input type="date" id="period-to" name="to" value="${c.customTo ?? ''}" aria-describedby="period-date-hint"></div>
</div>
</fieldset>`;

  const exclude = html`<fieldset id="exclude">
<legend>${t('exclude.legend')}</legend>
${
  v.institutions.length === 0
    ? html`<p class="hint">${t('exclude.none')}</p>`
    : html`<p class="hint" id="exclude-hint">${t('exclude.hint')}</p>
<details${c.excludedInstitutions.length > 0 ? html` open` : ''}><summary>${t('exclude.show', { count: v.institutions.length })}</summary>
<div class="choices">${v.institutions.map(
        (
          inst,
          i,
        ) => html`<div class="choice"><input type="checkbox" id="exclude-${i}" name="exclude" value="${inst.code}"${checked(c.excludedInstitutions.includes(inst.code))} aria-describedby="exclude-hint">
<label for="exclude-${i}">${inst.name} <span class="code">${inst.code}</span></label></div>`,
      )}</div></details>`
}
</fieldset>`;

  const durationOptions: { value: string; label: string }[] = [
    { value: 'once', label: t('duration.once') },
    ...ONGOING_MONTHS.map((m) => ({
      value: String(m),
      label: m === 1 ? t('duration.oneMonth') : t('duration.months', { months: m }),
    })),
  ];
  const duration = html`<fieldset id="duration"${attr('class', has('duration') ? 'invalid' : undefined)}${attr('aria-describedby', describedBy('duration', true, ['duration']))}>
<legend>${t('duration.legend')}</legend>
<p class="hint" id="duration-hint">${t('duration.hint', names)}</p>
${fieldError('duration', ['duration'])}
<div class="choices">${durationOptions.map(
    (
      o,
    ) => html`<div class="choice"><input type="radio" id="duration-${o.value}" name="duration" value="${o.value}"${checked(String(c.duration) === o.value)}>
<label for="duration-${o.value}">${o.label}</label></div>`,
  )}</div>
</fieldset>`;

  const body: Html = html`<div class="consent">
<h1>${t('title', names)}</h1>
<p class="lead">${t('lead')}</p>
${v.app.environment === 'sandbox' ? html`<p class="notice sandbox">${t('sandbox')}</p>` : ''}
${summary}
${who}
<form method="post" action="/consent/${v.uid}" id="consent-form" novalidate>
<input type="hidden" name="${CSRF_FIELD}" value="${v.csrf}">
${notices}
${categories}
${period}
${exclude}
${duration}
<div class="consent-actions">
<button type="submit" name="action" value="agree" class="primary">${t('agree')}</button>
<button type="submit" name="action" value="decline" class="secondary">${t('decline')}</button>
</div>
</form>
<p class="portal-link">${t('portal')} <a href="/me">${t('portalLink')}</a></p>
</div>`;
  const account = v.citizen
    ? accountBar({
        locale: v.locale,
        name: v.citizen.name,
        nationalId: v.citizen.nationalId,
        action: { href: `/consent/${v.uid}/not-you`, label: t('notYou'), csrf: v.csrf },
      })
    : undefined;
  // The language switch submits the form (outside it, by the form attribute), so the choices made
  // so far come back in the other language instead of being lost to a link.
  const other = v.locale === 'zh-TW' ? 'en' : 'zh-TW';
  // The header comes before the form, so the switch would be the form's default button (HTML: the
  // first submit button in tree order) and Enter in a date field would change the language. A
  // hidden "agree" submit ahead of it keeps Enter doing what it does on any form, as it did before
  // the switch became a button (the server still checks every choice). Hidden, it is neither seen,
  // read out nor tabbed to; an <input> rather than a <button> so that it is never mistaken for the
  // visible agree button.
  const languageSwitch = html`<input type="submit" form="consent-form" name="action" value="agree" hidden>
<button type="submit" form="consent-form" name="action" value="language" class="lang" lang="${other}">${translator(v.locale)('site.switchLanguage')}</button>`;
  return layout({
    locale: v.locale,
    title: t('title', names),
    path: `/consent/${v.uid}`,
    body,
    languageSwitch,
    ...(account ? { account } : {}),
  });
}
