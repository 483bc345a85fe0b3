/** The page where the citizen types the one-time code. */
import { html } from '../../../pages/html.js';
import type { Locale } from '../../../pages/i18n.js';
import { layout } from '../../../pages/layout.js';
import { csrfField, errorSummary, textField } from '../components.js';
import { CODE_DIGITS, CODE_TTL_MS } from '../limits.js';
import { signinMessages } from '../messages.js';

export type CodeError = 'format' | 'wrong' | 'expired';
export type CodeDestination = 'email' | 'sms';

/**
 * Where the code went, said by kind: "your registered e-mail", never the masked address itself.
 * Every claim, matching or not, gets this same page (`codes.ts`); an address, even masked, would
 * tell a stranger holding someone's ID and card number that they had it right (ASVS V2.2, OWASP
 * Authentication Cheat Sheet: no account enumeration).
 */
function whereKey(destinations: CodeDestination[]) {
  if (destinations.includes('email') && destinations.includes('sms')) return 'code.where.both' as const;
  if (destinations.includes('sms')) return 'code.where.sms' as const;
  if (destinations.includes('email')) return 'code.where.email' as const;
  return undefined;
}

export interface CodePageOptions {
  locale: Locale;
  uid: string;
  csrf: string;
  challengeId: string;
  /** Sandbox only: the code, shown so that testers need no phone. */
  sandboxCode?: string;
  /** The kinds of address codes go to on this platform (`config.messaging`). */
  destinations: CodeDestination[];
  error?: CodeError;
}

export function codePage(o: CodePageOptions): string {
  const t = signinMessages(o.locale);
  const base = `/signin/${o.uid}`;
  const error = o.error ? t(`code.errors.${o.error}`) : undefined;
  const where = whereKey(o.destinations);
  const body = html`<h1>${t('code.title')}</h1>
<p class="lead">${t('code.lead', { minutes: CODE_TTL_MS / 60_000 })}</p>
${where ? html`<p data-testid="code-destination">${t(where)}</p>` : ''}
${o.sandboxCode ? html`<p class="notice">${t('code.sandbox')} <strong class="sandbox-code" data-testid="sandbox-code">${o.sandboxCode}</strong></p>` : ''}
${errorSummary(error)}
<form method="post" action="${base}/code" novalidate>
${csrfField(o.csrf)}
<input type="hidden" name="c" value="${o.challengeId}">
${textField({
  id: 'code',
  label: t('code.label'),
  error,
  autocomplete: 'one-time-code',
  inputmode: 'numeric',
  maxlength: CODE_DIGITS + 2,
  size: 'medium',
})}
<button type="submit" class="primary">${t('code.submit')}</button>
</form>
<p><a href="${base}">${t('code.restart')}</a></p>`;
  return layout({ locale: o.locale, title: t('code.title'), path: `${base}/code?c=${o.challengeId}`, body });
}
