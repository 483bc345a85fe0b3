/**
 * After an NHI card sign-in: "next time, sign in with your fingerprint or face". The offer needs
 * JavaScript and WebAuthn, so it stays hidden until the script reveals it; "Continue" always works.
 */
import { html } from '../../../pages/html.js';
import type { Locale } from '../../../pages/i18n.js';
import { layout } from '../../../pages/layout.js';
import { csrfField } from '../components.js';
import { signinMessages } from '../messages.js';
import { PASSKEY_SCRIPT_PATH } from '../signin-page.js';

export interface OfferPageOptions {
  locale: Locale;
  uid: string;
  csrf: string;
  /** `PublicKeyCredentialCreationOptionsJSON`, serialised for the script. */
  creationOptions: string;
  failed?: boolean;
}

export function offerPage(o: OfferPageOptions): string {
  const t = signinMessages(o.locale);
  const base = `/signin/${o.uid}`;
  const body = html`<h1>${t('offer.title')}</h1>
<p class="lead">${t('offer.lead')}</p>
<section class="passkey" data-passkey="create" hidden aria-labelledby="offer-heading">
<h2 id="offer-heading">${t('offer.passkey.heading')}</h2>
<p>${t('offer.passkey.intro')}</p>
<p class="field-error" role="alert" data-passkey-status${o.failed ? '' : html` hidden`}>${t('offer.passkey.failed')}</p>
<form method="post" action="${base}/passkey/register">
${csrfField(o.csrf)}
<input type="hidden" name="credential" value="">
<button type="button" class="primary" data-options="${o.creationOptions}">${t('offer.passkey.button')}</button>
</form>
</section>
<form method="post" action="${base}/continue" class="actions">
${csrfField(o.csrf)}
<button type="submit" class="secondary" data-passkey-skip="${t('offer.skip')}">${t('offer.continue')}</button>
</form>
<script src="${PASSKEY_SCRIPT_PATH}" defer></script>`;
  return layout({ locale: o.locale, title: t('offer.title'), path: `${base}/passkey-offer`, body });
}

/** The sign-in has timed out or was already completed: start again. */
export function offerExpiredPage(o: { locale: Locale; uid: string }): string {
  const t = signinMessages(o.locale);
  const body = html`<h1>${t('offer.title')}</h1>
<p class="status" role="alert">${t('offer.expired')}</p>
<p><a href="/signin/${o.uid}">${t('signin.title')}</a></p>`;
  return layout({ locale: o.locale, title: t('offer.title'), path: `/signin/${o.uid}`, body });
}
