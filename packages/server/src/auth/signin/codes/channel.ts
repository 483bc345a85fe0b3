/**
 * How one-time codes reach citizens. Pluggable: `createMessageChannel` sends e-mail over SMTP and
 * SMS through an HTTP hook, a deployment may inject its own (an app-push gateway); development
 * without either writes codes to the server log, and a sandbox also shows them on the page (kept
 * sealed beside the challenge, not in a channel: `shown-codes.ts`).
 */
import { maskNationalId } from '@healthbank/records';
import type { FastifyBaseLogger } from 'fastify';
import type { ContactKind } from '../../../db/index.js';
import type { Locale } from '../../../pages/i18n.js';

export interface CodeMessage {
  /** The sign-in challenge the code belongs to. */
  challengeId: string;
  citizenId: number;
  nationalId: string;
  code: string;
  expiresAt: number;
  locale: Locale;
}

/** What a message carrying a code says. */
export type CodeContent = Pick<CodeMessage, 'code' | 'locale'>;

/**
 * A way to deliver codes. `deliver` is called without waiting for it, so that answering a
 * request takes as long whether or not a code was sent (ASVS V2.2: no account enumeration
 * by timing); failures are the channel's to log.
 */
export interface MessageChannel {
  deliver(message: CodeMessage): Promise<void>;
}

/**
 * One kind of real channel (e-mail over SMTP, the SMS hook): sends a code to an address of its
 * kind. `createMessageChannel` looks the citizen's address up; a failure rejects.
 */
export interface ContactSender {
  /** Which stored contact this channel sends to. */
  readonly kind: ContactKind;
  /** For logs: `email`, `sms`. */
  readonly name: string;
  /** Only the code and the language: a sender never needs to know whose code it is. */
  send(to: string, message: CodeContent): Promise<void>;
}

/** Development: the code in the server log, the national ID masked (never logged in full). */
export function logChannel(log: FastifyBaseLogger): MessageChannel {
  return {
    async deliver({ nationalId, code, expiresAt }) {
      log.info({ citizen: maskNationalId(nationalId), code, expiresAt }, 'one-time sign-in code (development channel)');
    },
  };
}

/** Delivers through every channel; one failing does not stop the others. */
export function fanOut(...channels: MessageChannel[]): MessageChannel {
  return {
    async deliver(message) {
      await Promise.allSettled(channels.map((c) => c.deliver(message)));
    },
  };
}
