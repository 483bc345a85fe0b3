/**
 * One-time codes by e-mail, through the deployment's SMTP relay (`SMTP_URL`, `SMTP_FROM`).
 */
import { createTransport, type SMTPTransportOptions } from 'nodemailer';
import { normalizeEmail } from '../../../db/index.js';
import type { ContactSender } from './channel.js';
import { codeEmail } from './delivery-messages.js';

/** Time to open the connection and to receive the greeting: a relay that is down fails fast. */
const SMTP_CONNECT_TIMEOUT_MS = 10_000;
/** Inactivity allowed mid-conversation before the send fails. */
const SMTP_SOCKET_TIMEOUT_MS = 30_000;

export interface EmailSenderOptions {
  /** `smtp://` (STARTTLS, port 587 by default) or `smtps://` (implicit TLS, 465); credentials in the URL. */
  url: string;
  /** The From header, e.g. `健康存摺 <no-reply@mhb.example.tw>`. */
  from: string;
  /** Production refuses a relay that does not offer STARTTLS on `smtp://`. */
  production: boolean;
  /**
   * PEM certificates trusted for this relay instead of Node's CA store: a relay under a private
   * CA, or a test's throwaway certificate. Verification itself is never turned off.
   */
  ca?: string | string[];
}

/**
 * Nodemailer's options for the relay a URL names.
 *
 * @example
 * ```ts
 * smtpTransportOptions({ url: 'smtp://user:pw@mail.example.tw', from, production: true });
 * // { host: 'mail.example.tw', port: 587, secure: false, requireTLS: true, auth: { user: 'user', pass: 'pw' }, … }
 * ```
 */
export function smtpTransportOptions(opts: EmailSenderOptions): SMTPTransportOptions {
  const url = new URL(opts.url);
  // RFC 8314 §3.3: implicit TLS (smtps, 465) is preferred for submission; STARTTLS on 587 otherwise.
  const implicitTls = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    // RFC 3207 §6 / ASVS V9.2.2: a STARTTLS that is merely offered can be stripped by anyone on the
    // path, so production insists on it; codes and relay credentials never travel in clear.
    requireTLS: opts.production && !implicitTls,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
    // ASVS V9.2.1 / V9.2.3 / V9.1.3: the relay's certificate is always verified, over TLS 1.2 or newer.
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(opts.ca ? { ca: opts.ca } : {}) },
    connectionTimeout: SMTP_CONNECT_TIMEOUT_MS,
    greetingTimeout: SMTP_CONNECT_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    // Nodemailer's own log would carry recipients (ASVS V7.1.2); failures are logged masked by the caller.
    logger: false,
  };
}

/**
 * Sends codes by e-mail: a short plain-text body with a simple HTML alternative, in the citizen's
 * locale. One connection per message: sign-in codes are few, and nothing stays open between them.
 *
 * @example
 * ```ts
 * const email = emailSender({ ...config.messaging.smtp, production: config.environment === 'production' });
 * await email.send('citizen@example.tw', message);
 * ```
 */
export function emailSender(opts: EmailSenderOptions): ContactSender {
  const transport = createTransport(smtpTransportOptions(opts));
  return {
    kind: 'email',
    name: 'email',
    async send(to, message) {
      // Validated again on the way out: a stored value that slipped past the repository must not
      // add recipients or headers (ASVS V5.1.3 / V5.3.1).
      const address = normalizeEmail(to);
      const { subject, text, html } = codeEmail(message);
      await transport.sendMail({
        from: opts.from,
        to: address,
        subject,
        text,
        html,
        headers: {
          // RFC 3834 §5: no vacation replies or other auto-responses to an automatic message.
          'Auto-Submitted': 'auto-generated',
          'Content-Language': message.locale,
        },
        // Nothing in the message may name a file or URL for nodemailer to fetch.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
  };
}
