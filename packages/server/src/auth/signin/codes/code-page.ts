/** The page where the citizen types the one-time code. */
import { html } from '../../../pages/html.js';
import type { Locale } from '../../../pages/i18n.js';
import { layout } from '../../../pages/layout.js';
import { csrfField, errorSummary, textField } from '../components.js';
import { CODE_DIGITS, CODE_TTL_MS } from '../limits.js';
import { signinMessages } from '../messages.js';

export type CodeError = 'format' | 'wrong' | 'expired';

export interface CodePageOptions {
  locale: Locale;
  uid: string;
  csrf: string;
  challengeId: string;
  /** Sandbox only: the code, shown so that testers need no phone. */
  sandboxCode?: string;
  error?: CodeError;
}

export function codePage(o: CodePageOptions): string {
  const t = signinMessages(o.locale);
  const base = `/signin/${o.uid}`;
  const error = o.error ? t(`code.errors.${o.error}`) : undefined;
  const body = html`<h1>${t('code.title')}</h1>
<p class="lead">${t('code.lead', { minutes: CODE_TTL_MS / 60_000 })}</p>
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
