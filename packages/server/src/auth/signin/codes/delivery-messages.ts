/**
 * The words of the e-mail and the SMS that carry a one-time code. Short, for an 82-year-old
 * first, like the sign-in pages; they name neither the citizen nor their national ID, since
 * mailboxes and phones are read over shoulders and forwarded (個人資料保護法 §5: no more personal data
 * than the purpose needs).
 */
import { html } from '../../../pages/html.js';
import { defineMessages } from '../../../pages/i18n.js';
import { CODE_TTL_MS } from '../limits.js';
import type { CodeMessage } from './channel.js';

const zh = {
  'email.subject': '健康存摺登入驗證碼',
  'email.code': '您的健康存摺登入驗證碼是：{code}',
  'email.lead': '您的健康存摺登入驗證碼是：',
  'email.validity': '這組驗證碼 {minutes} 分鐘內有效，只能用一次。請不要告訴任何人，我們不會向您索取驗證碼。',
  'email.ignore': '如果這不是您本人操作，請不用理會這封信。',
  'sms.text': '健康存摺登入驗證碼 {code}，{minutes} 分鐘內有效。如果不是您本人操作，請不用理會。',
};

const en: Record<keyof typeof zh, string> = {
  'email.subject': 'Your My Health Bank sign-in code',
  'email.code': 'Your My Health Bank sign-in code is: {code}',
  'email.lead': 'Your My Health Bank sign-in code is:',
  'email.validity':
    'The code works for {minutes} minutes, once. Do not share it with anyone: we will never ask you for it.',
  'email.ignore': 'If this was not you, ignore this message.',
  'sms.text':
    'My Health Bank sign-in code {code}, valid for {minutes} minutes. If this was not you, ignore this message.',
};

const deliveryMessages = defineMessages<keyof typeof zh>(zh, en);

/** The code's validity in whole minutes, as the code page states it. */
const minutes = CODE_TTL_MS / 60_000;

export interface CodeEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The e-mail for a code: subject, plain text and a simple HTML alternative, in the citizen's
 * locale. The code stays out of the subject, which lock screens show to anyone nearby.
 *
 * @example
 * ```ts
 * const { subject, text } = codeEmail({ code: '042137', locale: 'en' });
 * ```
 */
export function codeEmail({ code, locale }: Pick<CodeMessage, 'code' | 'locale'>): CodeEmail {
  const t = deliveryMessages(locale);
  const text = [t('email.code', { code }), t('email.validity', { minutes }), t('email.ignore')].join('\n\n');
  const body = html`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>${t('email.subject')}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.6">
<p>${t('email.lead')}</p>
<p style="font-size: 28px; font-weight: bold; letter-spacing: 4px">${code}</p>
<p>${t('email.validity', { minutes })}</p>
<p>${t('email.ignore')}</p>
</body>
</html>`;
  return { subject: t('email.subject'), text: `${text}\n`, html: body.value };
}

/**
 * The SMS for a code. Its last line binds the code to our origin (WICG origin-bound one-time
 * codes: `@host #code`), so phones offer to fill it in on our sign-in page and nowhere else.
 *
 * @example
 * ```ts
 * codeSms({ code: '042137', locale: 'zh-TW' }, 'https://mhb.example.tw');
 * // '健康存摺登入驗證碼 042137，10 分鐘內有效。…\n@mhb.example.tw #042137'
 * ```
 */
export function codeSms({ code, locale }: Pick<CodeMessage, 'code' | 'locale'>, publicUrl: string): string {
  return `${deliveryMessages(locale)('sms.text', { code, minutes })}\n@${new URL(publicUrl).hostname} #${code}`;
}
