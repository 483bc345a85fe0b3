/** The pages that tell a citizen to wait: a locked sign-in, or too many attempts. */
import { html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import { layout } from '../../pages/layout.js';
import { signinMessages } from './messages.js';

export function noticePage(o: {
  locale: Locale;
  uid: string;
  kind: 'locked' | 'limited';
  retryAfterMs: number;
}): string {
  const t = signinMessages(o.locale);
  const minutes = Math.max(1, Math.ceil(o.retryAfterMs / 60_000));
  const body = html`<h1>${t(`${o.kind}.title`)}</h1>
<p class="status" role="alert">${t(`${o.kind}.body`, { minutes })}</p>`;
  return layout({ locale: o.locale, title: t(`${o.kind}.title`), path: `/signin/${o.uid}`, body });
}
