/**
 * One-time codes by SMS, through the deployment's SMS gateway behind an HTTP hook
 * (`SMS_WEBHOOK_URL`, `SMS_WEBHOOK_SECRET`). Each request is a JSON `{ to, text, locale }` signed
 * the Standard Webhooks way, so the gateway side can verify it with an off-the-shelf library.
 * SMS is a "restricted" authenticator (NIST SP 800-63B §5.1.3.3, ASVS V2.7.1): it is on only when
 * the operator configures it, and passkeys are offered beside it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../../clock.js';
import { normalizeMobile } from '../../../db/index.js';
import type { Locale } from '../../../pages/i18n.js';
import type { ContactSender } from './channel.js';
import { codeSms } from './delivery-messages.js';

/** A gateway that has not answered by then has failed: a code is only useful for minutes. */
export const SMS_TIMEOUT_MS = 5_000;
/** Standard Webhooks: secrets are 24 to 64 bytes. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

export interface SmsSenderOptions {
  /** The hook, https:// in production. */
  url: string;
  /** Base64, optionally prefixed `whsec_`, as Standard Webhooks libraries read it; 24 to 64 bytes. */
  secret: string;
  /** The platform's public URL: the SMS binds the code to its host. */
  publicUrl: string;
  /** Time for `webhook-timestamp`. */
  clock?: Clock;
  timeoutMs?: number;
}

/** The body the hook receives. */
export interface SmsHookRequest {
  /** E.164, `+8869xxxxxxxx`. */
  to: string;
  text: string;
  locale: Locale;
}

/**
 * The HMAC key a Standard Webhooks secret stands for: the base64 after an optional `whsec_`.
 * Throws for anything else, so a secret the gateway's library would read differently fails at start.
 *
 * @example
 * ```ts
 * webhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').length; // 24
 * ```
 */
export function webhookKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  const canonical = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && key.toString('base64') === encoded;
  if (!canonical || key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new Error(
      `SMS_WEBHOOK_SECRET must be base64 (optionally prefixed whsec_) of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, e.g. the output of \`openssl rand -base64 32\``,
    );
  }
  return key;
}

/**
 * The `webhook-signature` value: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`
 * (Standard Webhooks, "Signature scheme").
 *
 * @example
 * ```ts
 * signWebhook(webhookKey(secret), 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
 * // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 * ```
 */
export function signWebhook(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Sends codes through the SMS hook. Any answer but 2xx, a redirect, or no answer within
 * {@link SMS_TIMEOUT_MS} is a failure.
 *
 * @example
 * ```ts
 * const sms = smsSender({ ...config.messaging.sms, publicUrl: config.publicUrl });
 * await sms.send('+886912345678', message);
 * ```
 */
export function smsSender(opts: SmsSenderOptions): ContactSender {
  const key = webhookKey(opts.secret);
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? SMS_TIMEOUT_MS;
  return {
    kind: 'mobile',
    name: 'sms',
    async send(to, message) {
      const request: SmsHookRequest = {
        // Validated again on the way out, like e-mail addresses (ASVS V5.1.3).
        to: normalizeMobile(to),
        text: codeSms(message, opts.publicUrl),
        locale: message.locale,
      };
      const body = JSON.stringify(request);
      // A fresh id per message; the timestamp lets the gateway refuse replays (Standard Webhooks).
      const id = `msg_${randomBytes(18).toString('base64url')}`;
      const timestamp = Math.floor(clock.now() / 1000);
      const response = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(key, id, timestamp, body),
        },
        body,
        // A redirect could carry the code somewhere the operator did not configure (ASVS V12.6.1).
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the SMS hook answered ${response.status}`);
    },
  };
}
