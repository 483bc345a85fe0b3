/**
 * How staff one-time codes travel: e-mail over the deployment's SMTP relay, the sender the
 * citizens' codes use (`signin/codes/email.ts`). Without a relay, development and test log that a
 * code was sent (never the code outside development) and the sandbox shows it on the page.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/config.js';
import { maskContact } from '../../db/index.js';
import type { CodeContent } from '../signin/codes/channel.js';
import { emailSender } from '../signin/codes/email.js';

export interface StaffCodeChannel {
  deliver(email: string, content: CodeContent): Promise<void>;
}

export function createStaffCodeChannel(
  config: Config,
  log: FastifyBaseLogger,
  smtpCa?: string | string[],
): StaffCodeChannel {
  const smtp = config.messaging.smtp;
  if (smtp) {
    const sender = emailSender({
      ...smtp,
      production: config.environment === 'production',
      ...(smtpCa ? { ca: smtpCa } : {}),
    });
    return {
      async deliver(email, content) {
        await sender.send(email, content).catch((error: unknown) => {
          // ASVS V16.3: the failure is logged, the address masked and the code never.
          log.warn({ err: error, to: maskContact('email', email) }, 'staff sign-in code not delivered');
        });
      },
    };
  }
  return {
    async deliver(email, content) {
      const development = config.environment === 'development';
      log.info(
        { to: maskContact('email', email), ...(development ? { code: content.code } : {}) },
        'staff sign-in code (no SMTP relay configured)',
      );
    },
  };
}
