/**
 * The message channel a deployment gets from its configuration: e-mail over SMTP and SMS through
 * the hook, each to the citizen's stored contact of its kind (`db/contacts.ts`).
 */
import { maskNationalId } from '@healthbank/records';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../../clock.js';
import type { Config } from '../../../config/config.js';
import { type Database, maskContact, readCitizenContacts } from '../../../db/index.js';
import { type CodeMessage, type ContactSender, fanOut, logChannel, type MessageChannel } from './channel.js';
import { emailSender } from './email.js';
import { smsSender } from './sms.js';

export interface MessageChannelOptions {
  config: Config;
  db: Database;
  log: FastifyBaseLogger;
  /** Time for the SMS hook's `webhook-timestamp` (default: the system clock). */
  clock?: Clock;
  /** PEM certificates trusted for the SMTP relay instead of Node's CA store (see `EmailSenderOptions.ca`). */
  smtpCa?: string | string[];
}

/**
 * Every channel `config.messaging` configures, each sending to the citizen's contact of its kind;
 * one failing does not stop the others. With none configured, development and test log codes
 * (see {@link logChannel}) and production refuses to start (unless a sandbox, which shows codes
 * on the page).
 *
 * @example
 * ```ts
 * registerSignin(app, { db, config, clock, channel: createMessageChannel({ config, db, log: app.log }), onSignedIn });
 * ```
 */
export function createMessageChannel({ config, db, log, clock, smtpCa }: MessageChannelOptions): MessageChannel {
  const production = config.environment === 'production';
  const senders: ContactSender[] = [];
  const { smtp, sms } = config.messaging;
  if (smtp) senders.push(emailSender({ ...smtp, production, ...(smtpCa ? { ca: smtpCa } : {}) }));
  if (sms) senders.push(smsSender({ ...sms, publicUrl: config.publicUrl, ...(clock ? { clock } : {}) }));
  if (senders.length > 0) {
    return contactChannel({ db, log, senders, logCodes: config.environment === 'development' });
  }
  if (production && !config.sandbox) {
    // ASVS V2.7.x / V14.1: a code in the log reaches the operator, not the citizen.
    throw new Error('production needs SMTP_URL or SMS_WEBHOOK_URL to deliver one-time sign-in codes');
  }
  return logChannel(log);
}

interface ContactChannelOptions {
  db: Database;
  log: FastifyBaseLogger;
  senders: ContactSender[];
  /** Development only: put the code in the warning about a citizen without contacts. */
  logCodes?: boolean;
}

/**
 * Delivers through each sender to the citizen's contact of its kind. Failures are logged here,
 * masked, and do not stop the other senders.
 */
function contactChannel({ db, log, senders, logCodes = false }: ContactChannelOptions): MessageChannel {
  return {
    async deliver(message) {
      // Begin once the answer is on its way: even the contact lookup must not make a matching
      // claim answer later than one that matched nobody (ASVS V2.2 / V3: no enumeration by timing).
      await new Promise((resolve) => setImmediate(resolve));
      const citizen = maskNationalId(message.nationalId);
      const contacts = await readCitizenContacts(db, message.citizenId);
      const reachable = senders.flatMap((sender) => {
        const to = contacts[sender.kind];
        return to === undefined ? [] : [attempt(log, sender, to, citizen)];
      });
      if (reachable.length === 0) {
        log.warn(
          { citizen, channels: senders.map((s) => s.name), ...(logCodes ? { code: message.code } : {}) },
          'one-time sign-in code not sent: the citizen has no contact for the configured channels',
        );
        return;
      }
      await fanOut(...reachable).deliver(message);
    },
  };
}

/** One sender bound to one address, logging its outcome without the address or the code. */
function attempt(log: FastifyBaseLogger, sender: ContactSender, to: string, citizen: string): MessageChannel {
  const fields = { citizen, channel: sender.name, to: maskContact(sender.kind, to) };
  return {
    async deliver(message: CodeMessage) {
      try {
        await sender.send(to, message);
        log.info(fields, 'one-time sign-in code sent');
      } catch (error) {
        log.error({ ...fields, err: redactedError(error, to) }, 'one-time sign-in code delivery failed');
      }
    },
  };
}

/**
 * The error without the recipient: SMTP replies often quote the address they reject, and error
 * messages end up in logs (ASVS V7.1.2).
 */
function redactedError(error: unknown, address: string): Record<string, unknown> {
  const e = (error instanceof Error ? error : new Error(String(error))) as Error & {
    code?: unknown;
    responseCode?: unknown;
    command?: unknown;
  };
  const hide = (text: string) =>
    text
      .split(address)
      .join('***')
      .replace(/\S+@\S+/g, '***')
      .replace(/(?:\+886|0)9\d{8}/g, '***');
  return {
    type: e.name,
    message: hide(e.message),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.command === 'string' ? { command: hide(e.command) } : {}),
  };
}
