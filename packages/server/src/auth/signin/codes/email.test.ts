import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ThrowawayCertificate, throwawayCertificate } from '../../../security/testing-tls.js';
import { codeEmail } from './delivery-messages.js';
import { emailSender, smtpTransportOptions } from './email.js';
import { startSmtpServer, TEST_CODE_MESSAGE, type TestSmtpServer } from './testing-channels.js';

const message = TEST_CODE_MESSAGE;
const FROM = '健康存摺 <no-reply@mhb.example.tw>';
const TO = 'citizen@example.tw';

describe('the e-mail channel', () => {
  let cert: ThrowawayCertificate;
  let server: TestSmtpServer | undefined;
  beforeAll(async () => {
    cert = await throwawayCertificate();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the code in Traditional Chinese by default, without the national ID', async () => {
    server = await startSmtpServer();
    await emailSender({ url: `smtp://127.0.0.1:${server.port}`, from: FROM, production: false }).send(TO, message);
    const mail = await server.mail.next();
    expect(mail.envelope).toEqual({ from: 'no-reply@mhb.example.tw', to: [TO] });
    expect(mail.headers.get('from')).toBe(FROM);
    expect(mail.headers.get('to')).toBe(TO);
    expect(mail.subject).toBe('健康存摺登入驗證碼');
    expect(mail.subject).not.toContain('042137');
    expect(mail.headers.get('content-language')).toBe('zh-TW');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.text).toContain('您的健康存摺登入驗證碼是：042137');
    expect(mail.text).toContain('10 分鐘內有效');
    expect(mail.text).toContain('如果這不是您本人操作，請不用理會這封信。');
    expect(mail.html).toContain('<html lang="zh-TW">');
    expect(mail.html).toContain('>042137</p>');
    expect(mail.raw).not.toContain('A123456789');
    expect(mail.raw).not.toContain('A12****789');
  });

  it('speaks English when the citizen signed in in English', async () => {
    server = await startSmtpServer();
    await emailSender({ url: `smtp://127.0.0.1:${server.port}`, from: FROM, production: false }).send(TO, {
      ...message,
      locale: 'en',
    });
    const mail = await server.mail.next();
    expect(mail.subject).toBe('Your My Health Bank sign-in code');
    expect(mail.headers.get('content-language')).toBe('en');
    expect(mail.text).toContain('Your My Health Bank sign-in code is: 042137');
    expect(mail.text).toContain('works for 10 minutes, once');
    expect(mail.text).toContain('If this was not you, ignore this message.');
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('in production, refuses a relay that does not offer STARTTLS before sending anything', async () => {
    server = await startSmtpServer();
    const sender = emailSender({ url: `smtp://127.0.0.1:${server.port}`, from: FROM, production: true });
    await expect(sender.send(TO, message)).rejects.toThrow(/STARTTLS|TLS/i);
    expect(server.mailFrom).toEqual([]);
    expect(server.mail.all).toEqual([]);
  });

  it('in production, upgrades with STARTTLS to a relay whose certificate it trusts', async () => {
    server = await startSmtpServer({ tls: cert });
    const sender = emailSender({ url: `smtp://127.0.0.1:${server.port}`, from: FROM, production: true, ca: cert.cert });
    await sender.send(TO, message);
    const mail = await server.mail.next();
    expect(mail.secure).toBe(true);
    expect(mail.text).toContain('042137');
    expect(server.mailFrom).toEqual([{ address: 'no-reply@mhb.example.tw', secure: true }]);
  });

  it('verifies the relay certificate, in production and outside it', async () => {
    server = await startSmtpServer({ tls: cert });
    for (const production of [true, false]) {
      const sender = emailSender({ url: `smtp://127.0.0.1:${server.port}`, from: FROM, production });
      await expect(sender.send(TO, message)).rejects.toThrow(/certificate/i);
    }
    expect(server.mailFrom).toEqual([]);
  });

  it('speaks implicit TLS to smtps:// relays', async () => {
    server = await startSmtpServer({ tls: cert, implicit: true });
    const sender = emailSender({
      url: `smtps://127.0.0.1:${server.port}`,
      from: FROM,
      production: true,
      ca: cert.cert,
    });
    await sender.send(TO, message);
    expect((await server.mail.next()).secure).toBe(true);
  });

  it('refuses a stored address that would add recipients or headers', async () => {
    server = await startSmtpServer();
    const sender = emailSender({ url: `smtp://127.0.0.1:${server.port}`, from: FROM, production: false });
    for (const to of [`${TO}, evil@example.org`, `${TO}\r\nBcc: evil@example.org`]) {
      await expect(sender.send(to, message)).rejects.toMatchObject({ code: 'invalid_contact' });
    }
    expect(server.mailFrom).toEqual([]);
  });
});

describe('SMTP transport options', () => {
  it('require STARTTLS on smtp:// in production only, and always verify certificates', () => {
    const production = smtpTransportOptions({ url: 'smtp://mail.example.tw', from: FROM, production: true });
    expect(production).toMatchObject({ host: 'mail.example.tw', port: 587, secure: false, requireTLS: true });
    expect(production.tls).toMatchObject({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    const development = smtpTransportOptions({ url: 'smtp://localhost:1025', from: FROM, production: false });
    expect(development).toMatchObject({ port: 1025, secure: false, requireTLS: false });
    expect(development.tls).toMatchObject({ rejectUnauthorized: true });
  });

  it('use implicit TLS on smtps:// and take the credentials from the URL', () => {
    const options = smtpTransportOptions({
      url: 'smtps://hb%40example.tw:p%3Ass@mail.example.tw',
      from: FROM,
      production: true,
    });
    expect(options).toMatchObject({ port: 465, secure: true, requireTLS: false });
    expect(options.auth).toEqual({ user: 'hb@example.tw', pass: 'p:ss' });
    expect(smtpTransportOptions({ url: 'smtp://mail.example.tw', from: FROM, production: true }).auth).toBeUndefined();
  });
});

describe('the code e-mail', () => {
  it('carries the code in both bodies, never in the subject', () => {
    for (const locale of ['zh-TW', 'en'] as const) {
      const email = codeEmail({ code: '000917', locale });
      expect(email.subject).not.toContain('000917');
      expect(email.text).toContain('000917');
      expect(email.html).toContain('000917');
    }
  });
});
