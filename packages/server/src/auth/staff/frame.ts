/**
 * The page frame of the developer portal and the reviewer console: the site layout with who is
 * signed in and a sign-out form in the header, and the portal's navigation.
 */
import { type Html, html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import { layout } from '../../pages/layout.js';
import { CSRF_FIELD } from '../../security/csrf.js';
import type { StaffAccount } from './accounts.js';
import { staffMessages } from './messages.js';

export interface StaffFrame {
  locale: Locale;
  title: string;
  path: string;
  body: Html;
  /** Where the portal lives: `/developers` or `/review`. */
  base: string;
  account?: StaffAccount;
  csrf?: string;
  nav?: { href: string; label: string; current?: boolean }[];
  navLabel?: string;
}

export function staffPage(f: StaffFrame): string {
  const t = staffMessages(f.locale);
  const account =
    f.account && f.csrf
      ? html`<section class="account" aria-label="${t('account')}">
<p>${t('signedInAs', { name: f.account.name, email: f.account.email })}</p>
<form method="post" action="${f.base}/signout"><input type="hidden" name="${CSRF_FIELD}" value="${f.csrf}"><button type="submit" class="link">${t('signout')}</button></form>
</section>`
      : undefined;
  const nav = f.nav?.length
    ? html`<nav class="portal-nav" aria-label="${f.navLabel ?? ''}"><ul>${f.nav.map(
        (n) => html`<li><a href="${n.href}"${n.current ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
      )}</ul></nav>`
    : '';
  return layout({
    locale: f.locale,
    title: f.title,
    path: f.path,
    body: html`${nav}<div class="portal">${f.body}</div>`,
    ...(account ? { account } : {}),
  });
}
