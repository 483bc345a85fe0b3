import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../clock.js';
import { signWebhook, smsSender, webhookKey } from './sms.js';
import { type HookRequest, startSmsHook, TEST_CODE_MESSAGE, type TestSmsHook } from './testing-channels.js';

const message = TEST_CODE_MESSAGE;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PUBLIC_URL = 'https://mhb.example.tw';

/**
 * What the gateway side does, written from the Standard Webhooks specification rather than with
 * our signer: the key is the base64 after `whsec_`, the signature covers `id.timestamp.body`.
 */
function verifiesAsStandardWebhook(request: HookRequest, secret: string, nowSeconds: number): boolean {
  const id = String(request.headers['webhook-id']);
  const timestamp = Number(request.headers['webhook-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest();
  return String(request.headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature = ''] = entry.split(',');
      const given = Buffer.from(signature, 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

describe('Standard Webhooks signing', () => {
  it('reproduces the specification test vector', () => {
    const key = webhookKey(SECRET);
    expect(signWebhook(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('reads secrets as the reference libraries do: base64, with or without whsec_', () => {
    expect(webhookKey(SECRET)).toEqual(webhookKey(SECRET.slice('whsec_'.length)));
    expect(webhookKey('x'.repeat(32))).toHaveLength(24);
  });

  it.each([
    ['not base64', 'this secret is not base64 at all!!'],
    ['too short', 'whsec_c2hvcnQ='],
    ['non-canonical base64', `${'A'.repeat(42)}B=`],
    ['base64url', `${'-_'.repeat(16)}`],
  ])('refuses a secret that is %s', (_why, secret) => {
    expect(() => webhookKey(secret)).toThrow(/SMS_WEBHOOK_SECRET must be base64/);
  });
});

describe('the SMS hook channel', () => {
  let hook: TestSmsHook | undefined;
  afterEach(async () => {
    await hook?.close();
    hook = undefined;
  });

  it('posts the number, the text and the locale, signed so the gateway can verify them', async () => {
    hook = await startSmsHook();
    const clock = new ManualClock(Date.now());
    await smsSender({ url: hook.url, secret: SECRET, publicUrl: PUBLIC_URL, clock }).send('0912345678', message);
    const request = await hook.requests.next();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/sms');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    expect(verifiesAsStandardWebhook(request, SECRET, Math.floor(Date.now() / 1000))).toBe(true);
    const body = JSON.parse(request.body);
    expect(Object.keys(body).sort()).toEqual(['locale', 'text', 'to']);
    expect(body.to).toBe('+886912345678');
    expect(body.locale).toBe('zh-TW');
    expect(body.text).toContain('健康存摺登入驗證碼 042137');
    expect(body.text).toContain('10 分鐘內有效');
    expect(body.text).toContain('如果不是您本人操作');
    // The last line binds the code to our origin, for phones' autofill.
    expect(body.text.split('\n').at(-1)).toBe('@mhb.example.tw #042137');
    expect(request.body).not.toContain('A123456789');
  });

  it('speaks English when asked, and fails verification under another secret', async () => {
    hook = await startSmsHook();
    await smsSender({ url: hook.url, secret: SECRET, publicUrl: PUBLIC_URL }).send('+886912345678', {
      ...message,
      locale: 'en',
    });
    const request = await hook.requests.next();
    const body = JSON.parse(request.body);
    expect(body.locale).toBe('en');
    expect(body.text).toContain('My Health Bank sign-in code 042137, valid for 10 minutes.');
    expect(body.text).toContain('If this was not you, ignore this message.');
    const now = Math.floor(Date.now() / 1000);
    expect(verifiesAsStandardWebhook(request, SECRET, now)).toBe(true);
    expect(verifiesAsStandardWebhook(request, `whsec_${'B'.repeat(32)}`, now)).toBe(false);
    expect(verifiesAsStandardWebhook({ ...request, body: request.body.replace('042137', '000000') }, SECRET, now)).toBe(
      false,
    );
  });

  it('gives every message its own id', async () => {
    hook = await startSmsHook();
    const sender = smsSender({ url: hook.url, secret: SECRET, publicUrl: PUBLIC_URL });
    await sender.send('0912345678', message);
    await sender.send('0912345678', message);
    const [a, b] = [await hook.requests.next(), await hook.requests.next()];
    expect(a.headers['webhook-id']).not.toBe(b.headers['webhook-id']);
  });

  it.each([400, 404, 500, 503])('fails when the hook answers %i', async (status) => {
    hook = await startSmsHook(() => status);
    const sender = smsSender({ url: hook.url, secret: SECRET, publicUrl: PUBLIC_URL });
    await expect(sender.send('0912345678', message)).rejects.toThrow(`the SMS hook answered ${status}`);
  });

  it('does not follow a redirect', async () => {
    let elsewhere = 0;
    const target = await startSmsHook(() => {
      elsewhere++;
      return 204;
    });
    hook = await startSmsHook((_request, response) => {
      response.writeHead(307, { location: target.url }).end();
      return undefined;
    });
    const sender = smsSender({ url: hook.url, secret: SECRET, publicUrl: PUBLIC_URL });
    await expect(sender.send('0912345678', message)).rejects.toThrow();
    await target.close();
    expect(elsewhere).toBe(0);
  });

  it('gives up on a hook that does not answer in time', async () => {
    hook = await startSmsHook(() => 'hang');
    const sender = smsSender({ url: hook.url, secret: SECRET, publicUrl: PUBLIC_URL, timeoutMs: 200 });
    const started = Date.now();
    await expect(sender.send('0912345678', message)).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a stored number that is not a Taiwanese mobile', async () => {
    hook = await startSmsHook();
    const sender = smsSender({ url: hook.url, secret: SECRET, publicUrl: PUBLIC_URL });
    await expect(sender.send('+14155550100', message)).rejects.toMatchObject({ code: 'invalid_contact' });
    expect(hook.requests.all).toEqual([]);
  });
});
