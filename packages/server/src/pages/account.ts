/**
 * Who is signed in, in the page header: the citizen's name and national ID masked as NHI masks it,
 * with the way out beside it ("not you?" on the consent page, sign-out in the portal). On a
 * family's shared phone this is what tells the next person the browser is still someone else's.
 */
import { CSRF_FIELD } from '../security/csrf.js';
import { type Html, html } from './html.js';
import { defineMessages, type Locale } from './i18n.js';

const accountMessages = defineMessages(
  {
    'account.label': '目前登入',
    'account.signedIn': '已登入：{name}（身分證號 {id}）',
  },
  {
    'account.label': 'Signed in',
    'account.signedIn': 'Signed in: {name} (ID {id})',
  },
);

/**
 * A national ID as NHI's own files and pages mask it: the first six characters kept, the last four
 * starred (`A12345****`); anything that is not an ID comes out all stars.
 *
 * @example
 * ```ts
 * maskNationalIdAsNhi('A123456789'); // 'A12345****'
 * ```
 */
export function maskNationalIdAsNhi(id: string): string {
  return /^[A-Z][A-Z0-9]\d{8}$/.test(id) ? `${id.slice(0, 6)}****` : '**********';
}

export interface AccountView {
  locale: Locale;
  name: string;
  nationalId: string;
  /** A POST form beside the name: "not you?" or "sign out". */
  action?: { href: string; label: string; csrf: string };
}

/**
 * The header's account section (pass it to `layout` as `account`).
 *
 * @example
 * ```ts
 * layout({ locale, title, path, body, account: accountBar({ locale, name, nationalId,
 *   action: { href: '/me/signout', label: '登出', csrf } }) });
 * ```
 */
export function accountBar(v: AccountView): Html {
  const t = accountMessages(v.locale);
  const id = maskNationalIdAsNhi(v.nationalId);
  return html`<section class="account" aria-label="${t('account.label')}">
<p data-testid="signed-in">${t('account.signedIn', { name: v.name, id })}</p>
${
  v.action
    ? html`<form method="post" action="${v.action.href}">
<input type="hidden" name="${CSRF_FIELD}" value="${v.action.csrf}">
<button type="submit" class="link">${v.action.label}</button>
</form>`
    : ''
}
</section>`;
}
