/**
 * The upstream sign-in's pieces of HTML: its section of the sign-in page, and the pages that say
 * why a sign-in through the provider did not finish and where to go from there.
 */
import { type Html, html } from '../../../pages/html.js';
import type { Locale } from '../../../pages/i18n.js';
import { layout } from '../../../pages/layout.js';
import { csrfField } from '../components.js';
import { upstreamMessages } from './messages.js';

/** The provider's name in the page's language. */
export type ProviderName = Record<Locale, string>;

/**
 * A plain form POST with the CSRF field (ASVS V4.2.2), so it works without JavaScript; the button
 * names the provider, and the text says the browser will leave for it and come back.
 */
export function upstreamSection(o: { locale: Locale; uid: string; csrf: string; name: ProviderName }): Html {
  const t = upstreamMessages(o.locale);
  const name = o.name[o.locale];
  return html`<section class="upstream" aria-labelledby="upstream-heading">
<h2 id="upstream-heading">${t('upstream.heading', { name })}</h2>
<p>${t('upstream.intro', { name })}</p>
<form method="post" action="/signin/${o.uid}/upstream">
${csrfField(o.csrf)}
<button type="submit" class="primary">${t('upstream.button', { name })}</button>
</form>
</section>`;
}

/** Why a sign-in through the provider stopped; each kind has its own words and a way back. */
export type UpstreamProblem =
  | 'unreachable'
  | 'declined'
  | 'failed'
  | 'claim'
  | 'unknown'
  | 'expired'
  | 'browser'
  | 'invalid';

/**
 * `uid` is the interaction to go back to; without one (the answer cannot be tied to a sign-in in
 * this browser) the way back is the home page, and the citizen starts again from their app.
 */
export function upstreamProblemPage(o: {
  locale: Locale;
  name: ProviderName;
  problem: UpstreamProblem;
  uid?: string;
}): string {
  const t = upstreamMessages(o.locale);
  const name = o.name[o.locale];
  const back = o.uid ? `/signin/${o.uid}` : '/';
  const title = t(`upstream.${o.problem}.title`, { name });
  const body = html`<h1>${title}</h1>
<p class="status" role="alert">${t(`upstream.${o.problem}.body`, { name })}</p>
<p><a href="${back}">${t(o.uid ? 'upstream.back.signin' : 'upstream.back.home')}</a></p>`;
  return layout({ locale: o.locale, title, path: back, body });
}
