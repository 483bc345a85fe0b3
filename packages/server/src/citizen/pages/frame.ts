/**
 * The portal's page frame: the site layout with who is signed in (and sign-out) in the header,
 * and the portal's own navigation, the current page marked for screen readers (aria-current).
 */
import type { StoredCitizen } from '../../db/index.js';
import { accountBar } from '../../pages/account.js';
import { type Html, html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import { layout } from '../../pages/layout.js';
import { portalMessages } from '../messages.js';

export type PortalSection = 'home' | 'records' | 'history' | 'inbox';

export interface PortalFrame {
  locale: Locale;
  citizen: StoredCitizen;
  /** The CSRF token for the sign-out form (and any form on the page). */
  csrf: string;
  /** The page's path with its query, for the language switch. */
  path: string;
  section: PortalSection;
  /** Unread notifications, shown in the navigation. */
  unread: number;
  title: string;
  body: Html;
}

const SECTIONS: { id: PortalSection; href: string }[] = [
  { id: 'home', href: '/me' },
  { id: 'records', href: '/me/records' },
  { id: 'history', href: '/me/history' },
  { id: 'inbox', href: '/me/inbox' },
];

/** A whole portal page. */
export function portalPage(f: PortalFrame): string {
  const t = portalMessages(f.locale);
  const nav = html`<nav class="portal-nav" aria-label="${t('portal.nav')}"><ul>${SECTIONS.map(
    (s) =>
      html`<li><a href="${s.href}"${s.id === f.section ? html` aria-current="page"` : ''}>${
        s.id === 'inbox' && f.unread > 0
          ? t('portal.nav.inboxUnread', { count: String(f.unread) })
          : t(`portal.nav.${s.id}`)
      }</a></li>`,
  )}</ul></nav>`;
  return layout({
    locale: f.locale,
    title: f.title,
    path: f.path,
    body: html`${nav}<div class="portal">${f.body}</div>`,
    account: accountBar({
      locale: f.locale,
      name: f.citizen.name,
      nationalId: f.citizen.nationalId,
      action: { href: '/me/signout', label: t('portal.signout'), csrf: f.csrf },
    }),
  });
}

/** A status line after an action (a revocation, a deletion request), announced politely. */
export function doneNotice(text: string | undefined): Html | '' {
  return text ? html`<p class="notice done" role="status">${text}</p>` : '';
}

/** How a unit is written for people (UCUM's brackets and braces are for machines). */
export function displayUnit(unit: string): string {
  return unit.replace('mm[Hg]', 'mmHg').replace('/{1.73_m2}', '/1.73m²').replace('kg/m2', 'kg/m²');
}
