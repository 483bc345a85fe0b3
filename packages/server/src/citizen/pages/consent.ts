/**
 * One consent: what was agreed, the files given under it, and the two things a citizen can do
 * about it. Each action is a link to a confirmation page whose POST form (with its CSRF token,
 * ASVS V4.2.2) does it: nothing changes on GET, and nothing changes by one stray tap.
 */
import type { Consent } from '../../consent/model.js';
import type { ExportEntry } from '../../export/index.js';
import { displayInstant } from '../../pages/dates.js';
import { html } from '../../pages/html.js';
import { CSRF_FIELD } from '../../security/csrf.js';
import type { DeletionRequest } from '../deletion/index.js';
import { portalMessages } from '../messages.js';
import { consentStatus } from '../model.js';
import { doneNotice, type PortalFrame, portalPage } from './frame.js';
import { categoryNames, countsText, periodText } from './history.js';

type Frame = Omit<PortalFrame, 'section' | 'title' | 'body'>;

export interface ConsentView extends Frame {
  now: number;
  consent: Consent;
  app: { name: string; organisation: string };
  exports: ExportEntry[];
  /** The newest deletion request for this consent, if any. */
  deletion?: DeletionRequest;
  receiptDays: number;
  done?: 'revoked' | 'deletion';
}

export function renderConsent(v: ConsentView): string {
  const t = portalMessages(v.locale);
  const c = v.consent;
  const names = { app: v.app.name, organisation: v.app.organisation };
  const status = consentStatus(c, v.now);
  const done =
    v.done === 'revoked' ? t('done.revoked', names) : v.done === 'deletion' ? t('done.deletion', names) : undefined;
  const body = html`<p><a href="/me/history">${t('portal.nav.history')}</a></p>
<h1>${t('consent.title', names)}</h1>
${doneNotice(done)}
<dl class="facts">
<dt>${t('consent.app')}</dt><dd>${v.app.name}</dd>
<dt>${t('consent.organisation')}</dt><dd>${v.app.organisation}</dd>
<dt>${t('consent.status')}</dt><dd><span class="badge ${status}" data-testid="consent-status">${t(`status.${status}`)}</span></dd>
<dt>${t('consent.given')}</dt><dd>${displayInstant(v.locale, c.createdAt)}</dd>
${c.revokedAt ? html`<dt>${t('consent.revokedAt')}</dt><dd>${displayInstant(v.locale, c.revokedAt)}</dd>` : ''}
<dt>${t('consent.categories')}</dt><dd>${categoryNames(v.locale, c.categories)}</dd>
<dt>${t('consent.period')}</dt><dd>${periodText(t, c)}</dd>
<dt>${t('consent.duration')}</dt><dd>${t(`duration.${c.duration}`)}</dd>
<dt>${t('consent.expires')}</dt><dd>${displayInstant(v.locale, c.expiresAt)}</dd>
<dt>${t('consent.excluded')}</dt><dd>${c.excludedInstitutions.length ? c.excludedInstitutions.join(', ') : t('consent.excludedNone')}</dd>
</dl>
<section aria-labelledby="consent-exports">
<h2 id="consent-exports">${t('consent.exports')}</h2>
${
  v.exports.length
    ? html`<ul>${v.exports.map(
        (e) =>
          html`<li><a href="/me/exports/${e.id}">${displayInstant(v.locale, e.createdAt)}</a>: ${countsText(v.locale, e)}</li>`,
      )}</ul>`
    : html`<p>${t('consent.exportsNone', names)}</p>`
}
</section>
<section aria-labelledby="consent-revoke">
<h2 id="consent-revoke">${t('consent.revoke')}</h2>
${
  status === 'active'
    ? html`<p>${t('consent.revokeText', names)}</p>
<p><a class="button danger" href="/me/consents/${c.id}/revoke">${t('consent.revokeButton')}</a></p>`
    : html`<p>${status === 'revoked' ? t('consent.revokedNotice', names) : t('status.expired')}</p>`
}
</section>
<section aria-labelledby="consent-deletion">
<h2 id="consent-deletion">${t('consent.deletion')}</h2>
${
  v.deletion && v.deletion.status !== 'acknowledged'
    ? html`<p>${t('consent.deletionOpen', {
        date: displayInstant(v.locale, v.deletion.createdAt),
        status: t(`deletion.${v.deletion.status}`),
      })} <a href="/me/deletion-requests/${v.deletion.id}">${t('history.details')}</a></p>`
    : html`<p>${t('consent.deletionText', { ...names, days: v.receiptDays })}</p>
<p><a class="button" href="/me/consents/${c.id}/deletion">${t('consent.deletionButton')}</a></p>`
}
</section>`;
  return portalPage({ ...v, section: 'history', title: t('consent.title', names), body });
}

export interface ConfirmView extends Frame {
  action: 'revoke' | 'deletion';
  consent: Consent;
  app: { name: string; organisation: string };
}

/** "Are you sure?": the POST form that acts, and the way back. */
export function renderConfirm(v: ConfirmView): string {
  const t = portalMessages(v.locale);
  const names = { app: v.app.name, organisation: v.app.organisation };
  const title = t(`confirm.${v.action}.title`, names);
  const body = html`<h1>${title}</h1>
<p>${t(`confirm.${v.action}.text`, names)}</p>
<form method="post" action="/me/consents/${v.consent.id}/${v.action}" class="confirm">
<input type="hidden" name="${CSRF_FIELD}" value="${v.csrf}">
<div class="consent-actions">
<button type="submit" class="primary${v.action === 'revoke' ? ' danger' : ''}">${t(`confirm.${v.action}.yes`)}</button>
<a class="button" href="/me/consents/${v.consent.id}">${t(`confirm.${v.action}.no`)}</a>
</div>
</form>`;
  return portalPage({ ...v, section: 'history', title, body });
}
