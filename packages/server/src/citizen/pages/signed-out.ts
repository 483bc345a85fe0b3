/** After signing out: say so plainly, and suggest closing the browser on a shared device. */
import { html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import { layout } from '../../pages/layout.js';
import { portalMessages } from '../messages.js';

export function renderSignedOut(locale: Locale): string {
  const t = portalMessages(locale);
  const body = html`<h1>${t('signedOut.title')}</h1>
<p class="lead" role="status">${t('signedOut.text')}</p>
<ul><li><a href="/me/signin">${t('signedOut.again')}</a></li><li><a href="/">${t('signedOut.home')}</a></li></ul>`;
  return layout({ locale, title: t('signedOut.title'), path: '/me/signed-out', body });
}
