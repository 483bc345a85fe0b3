/**
 * The sign-in page: passkey (with JavaScript), the upstream identity provider when configured, NHI
 * card details, and in the sandbox the persona picker. Works without JavaScript; the passkey
 * section stays hidden until the script reveals it.
 */
import { maskNationalId } from '@healthbank/records';
import { type Html, html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import { layout } from '../../pages/layout.js';
import { csrfField, errorSummary, textField } from './components.js';
import { signinMessages } from './messages.js';
import type { PersonaChoice } from './personas/personas.js';

/** What the citizen typed into the NHI card form, echoed back when it needs correcting. */
export interface NhiFormValues {
  nationalId: string;
  cardNumber: string;
  birthYear: string;
  birthMonth: string;
  birthDay: string;
}

export type NhiFormErrors = Partial<Record<'nationalId' | 'cardNumber' | 'birthDate', true>>;

/** What the browser script needs for `navigator.credentials.get()`. */
export interface PasskeyRequest {
  challenge: string;
  rpId: string;
  timeoutMs: number;
}

/**
 * `PublicKeyCredentialRequestOptionsJSON` for a discoverable-credential sign-in: no allow list
 * (the authenticator offers the citizen's passkeys), user verification required.
 */
function requestOptions(p: PasskeyRequest): string {
  return JSON.stringify({ challenge: p.challenge, rpId: p.rpId, timeout: p.timeoutMs, userVerification: 'required' });
}

export interface SigninPageOptions {
  locale: Locale;
  uid: string;
  csrf: string;
  sandbox: boolean;
  /** Sandbox only; `showIds` prints the synthetic national IDs in full. */
  personas?: { choices: PersonaChoice[]; showIds: boolean; error?: boolean };
  form?: { values: NhiFormValues; errors: NhiFormErrors };
  passkey: PasskeyRequest & { failed?: boolean };
  /** The upstream identity provider's section (`upstream/`), when one is configured. */
  upstream?: Html;
  /** The app that sent the citizen here, by name; or the citizen portal itself. */
  appName?: string;
  forPortal?: boolean;
  /** This browser has signed in with a passkey before: offer it first. */
  passkeyFirst?: boolean;
}

export const PASSKEY_SCRIPT_PATH = '/assets/signin-passkey.js';

export function signinPage(o: SigninPageOptions): string {
  const t = signinMessages(o.locale);
  const base = `/signin/${o.uid}`;
  const values = o.form?.values;
  const errors = o.form?.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;

  const passkey = html`<section class="passkey" data-passkey="get" hidden aria-labelledby="passkey-heading">
<h2 id="passkey-heading">${t('signin.passkey.heading')}</h2>
<p>${t('signin.passkey.intro')}</p>
<p class="field-error" role="alert" data-passkey-status${o.passkey.failed ? '' : html` hidden`}>${t('signin.passkey.failed')}</p>
<form method="post" action="${base}/passkey">
${csrfField(o.csrf)}
<input type="hidden" name="credential" value="">
<button type="button" class="primary" data-options="${requestOptions(o.passkey)}">${t('signin.passkey.button')}</button>
</form>
</section>`;

  const nhi = html`<section aria-labelledby="nhi-heading">
<h2 id="nhi-heading">${t('signin.nhi.heading')}</h2>
<p>${t('signin.nhi.intro')}</p>
${errorSummary(hasErrors ? t('signin.errors.summary') : undefined)}
<form method="post" action="${base}/nhi" novalidate>
${csrfField(o.csrf)}
${textField({
  id: 'nationalId',
  label: t('signin.nationalId'),
  hint: t('signin.nationalId.hint'),
  error: errors.nationalId ? t('signin.errors.nationalId') : undefined,
  value: values?.nationalId,
  autocomplete: 'username',
  maxlength: 10,
  size: 'medium',
  autocapitalize: 'characters',
})}
${textField({
  id: 'cardNumber',
  label: t('signin.cardNumber'),
  hint: t('signin.cardNumber.hint'),
  error: errors.cardNumber ? t('signin.errors.cardNumber') : undefined,
  value: values?.cardNumber,
  autocomplete: 'off',
  inputmode: 'numeric',
  maxlength: 16,
  size: 'medium',
})}
<fieldset class="date${errors.birthDate ? ' invalid' : ''}" aria-describedby="birthDate-hint${errors.birthDate ? ' birthDate-error' : ''}">
<legend>${t('signin.birthDate')}</legend>
<p class="hint" id="birthDate-hint">${t('signin.birthDate.hint')}</p>
${errors.birthDate ? html`<p class="field-error" id="birthDate-error">${t('signin.errors.birthDate')}</p>` : ''}
<div class="date-parts">
${textField({ id: 'birthYear', label: t('signin.birthYear'), value: values?.birthYear, autocomplete: 'bday-year', inputmode: 'numeric', maxlength: 4, size: 'short' })}
${textField({ id: 'birthMonth', label: t('signin.birthMonth'), value: values?.birthMonth, autocomplete: 'bday-month', inputmode: 'numeric', maxlength: 2, size: 'short' })}
${textField({ id: 'birthDay', label: t('signin.birthDay'), value: values?.birthDay, autocomplete: 'bday-day', inputmode: 'numeric', maxlength: 2, size: 'short' })}
</div>
</fieldset>
<button type="submit" class="primary">${t('signin.sendCode')}</button>
</form>
</section>`;

  const personas = o.personas
    ? html`<section class="sandbox-personas" aria-labelledby="persona-heading">
<h2 id="persona-heading">${t('signin.persona.heading')}</h2>
<p>${t('signin.persona.intro')}</p>
${
  o.personas.choices.length === 0
    ? html`<p>${t('signin.persona.none')}</p>`
    : html`<form method="post" action="${base}/persona">
${csrfField(o.csrf)}
<fieldset class="choices"${o.personas.error ? html` aria-describedby="persona-error"` : ''}>
<legend>${t('signin.persona.legend')}</legend>
${o.personas.error ? html`<p class="field-error" id="persona-error">${t('signin.persona.missing')}</p>` : ''}
${o.personas.choices.map(
  (p, i) => html`<div class="choice">
<input type="radio" id="persona-${i}" name="nationalId" value="${p.nationalId}">
<label for="persona-${i}"><strong>${p.name}</strong> · ${t(`signin.persona.${p.persona}`)} <span class="nid">${
    o.personas?.showIds ? p.nationalId : maskNationalId(p.nationalId)
  }</span></label>
</div>`,
)}
</fieldset>
<button type="submit" class="primary">${t('signin.persona.button')}</button>
</form>`
}
</section>`
    : '';

  const asker = o.forPortal
    ? html`<p class="requester" data-testid="requester">${t('signin.forPortal')}</p>`
    : o.appName
      ? html`<p class="requester" data-testid="requester">${t('signin.forApp', { app: o.appName })}</p>`
      : '';
  // A first-time citizen has no passkey yet: the card form comes first, and passkeys after it,
  // unless this browser has used one (then it is the quickest way in).
  const body = html`<h1>${t('signin.title')}</h1>
${asker}
${o.forPortal ? '' : html`<p class="lead">${t('signin.lead')}</p>`}
${o.sandbox ? html`<p class="notice">${t('signin.sandbox')}</p>` : ''}
${o.passkeyFirst ? passkey : ''}
${o.upstream ?? ''}
${nhi}
${o.passkeyFirst ? '' : passkey}
${personas}
<script src="${PASSKEY_SCRIPT_PATH}" defer></script>`;
  return layout({ locale: o.locale, title: t('signin.title'), path: base, body });
}
