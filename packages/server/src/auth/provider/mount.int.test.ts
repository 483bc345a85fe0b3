/**
 * The provider inside the Fastify app: OAuth endpoints answer in OAuth's shape with the same
 * security headers as every page, other paths keep problem+json, and the credential endpoints
 * are rate-limited per client address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { testDatabases } from '../../db/testing.js';
import { startTestPlatform, type TestPlatform } from '../testing.js';

describe.each(testDatabases())('the mounted authorization server on $label', (target) => {
  let platform: TestPlatform;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    platform = await startTestPlatform(target, { clock, oauthRateLimit: 5 });
  });
  afterAll(() => platform?.close());

  const post = (path: string, body: Record<string, string>) =>
    fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(body).toString(),
    });

  it('answers token errors in OAuth JSON, not problem+json (RFC 6749 §5.2)', async () => {
    const res = await post('/oauth/token', { grant_type: 'authorization_code', code: 'x', client_id: 'nobody' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('sends the same security headers as the rest of the platform', async () => {
    const page = await fetch(`${platform.url}/`);
    for (const path of ['/oauth/authorize?client_id=nobody', '/.well-known/openid-configuration', '/oauth/jwks']) {
      const res = await fetch(`${platform.url}${path}`);
      for (const header of [
        'content-security-policy',
        'x-frame-options',
        'x-content-type-options',
        'referrer-policy',
      ]) {
        expect(res.headers.get(header), `${header} on ${path}`).toBe(page.headers.get(header));
      }
    }
  });

  it('renders authorization errors as a localized page without internals', async () => {
    const res = await fetch(`${platform.url}/oauth/authorize?client_id=nobody&lang=en`, {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('We could not tell which app sent you here');
    expect(html).toContain('<code>invalid_client</code>');
    expect(html).not.toContain('<script');
  });

  it('answers a body over the provider’s 56 KiB limit in OAuth JSON, without reading it all', async () => {
    const res = await post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(60 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'the request body is too large',
    });
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('leaves other paths, even under /oauth, to the platform (problem+json)', async () => {
    const res = await fetch(`${platform.url}/oauth/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('rate-limits the token and PAR endpoints per address, with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post('/oauth/par', { client_id: 'nobody' })).status);
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    const limited = await post('/oauth/par', { client_id: 'nobody' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(await limited.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(limited.headers.get('x-frame-options')).toBe('DENY');
    // Another endpoint has its own budget; discovery is never limited.
    expect((await post('/oauth/token', { client_id: 'nobody' })).status).not.toBe(429);
    for (let i = 0; i < 10; i++)
      expect((await fetch(`${platform.url}/.well-known/openid-configuration`)).status).toBe(200);
    clock.advance(60_000);
    expect((await post('/oauth/par', { client_id: 'nobody' })).status).not.toBe(429);
  });
});
