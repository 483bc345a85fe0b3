import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/index.js';
import { registerSignin } from './index.js';

describe('registerSignin', () => {
  // The check runs before the database is touched, so none is needed here.
  const db = {} as Database;
  const onSignedIn = async () => undefined;

  it('refuses production without a message channel: codes in a log are a development setting', () => {
    const config = { ...loadConfig({ NODE_ENV: 'test' }), environment: 'production' as const, sandbox: false };
    expect(() => registerSignin(Fastify(), { db, config, clock: systemClock, onSignedIn })).toThrow(/message channel/);
  });

  it('lets a production sandbox and a supplied channel through', () => {
    const base = { ...loadConfig({ NODE_ENV: 'test' }), environment: 'production' as const };
    expect(() =>
      registerSignin(Fastify(), { db, config: { ...base, sandbox: true }, clock: systemClock, onSignedIn }),
    ).not.toThrow();
    const channel = { deliver: async () => undefined };
    expect(() =>
      registerSignin(Fastify(), { db, config: { ...base, sandbox: false }, clock: systemClock, channel, onSignedIn }),
    ).not.toThrow();
  });

  it('builds the channel from the configuration in production when SMTP or the SMS hook is set', () => {
    const base = { ...loadConfig({ NODE_ENV: 'test' }), environment: 'production' as const, sandbox: false };
    const smtp = { url: 'smtps://mail.example.tw', from: 'no-reply@mhb.example.tw' };
    const sms = { url: 'https://sms.example.tw/send', secret: 'x'.repeat(32) };
    for (const messaging of [{ smtp }, { sms }, { smtp, sms }]) {
      expect(() =>
        registerSignin(Fastify(), { db, config: { ...base, messaging }, clock: systemClock, onSignedIn }),
      ).not.toThrow();
    }
  });
});
