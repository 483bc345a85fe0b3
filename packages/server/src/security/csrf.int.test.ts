import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../errors/handler.js';
import { csrfToken, requireCsrf } from './csrf.js';

async function app() {
  const opts = { secret: 'test-secret-of-at-least-thirty-two-chars', secure: false };
  const a = Fastify();
  await a.register(fastifyCookie);
  await a.register(fastifyFormbody);
  registerErrorHandling(a);
  a.get('/form', async (request, reply) => ({ token: csrfToken(request, reply, opts) }));
  a.post('/act', { preHandler: requireCsrf(opts) }, async () => ({ done: true }));
  return a;
}

describe('CSRF', () => {
  it('accepts a form whose token matches its cookie', async () => {
    const a = await app();
    const form = await a.inject('/form');
    const cookie = form.cookies.find((c) => c.name === 'hb_csrf');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const res = await a.inject({
      method: 'POST',
      url: '/act',
      cookies: { hb_csrf: cookie?.value as string },
      payload: `_csrf=${encodeURIComponent(form.json().token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.json()).toEqual({ done: true });
  });

  it.each([
    ['no cookie and no token', {}, ''],
    ['a token without its cookie', {}, '_csrf=abc'],
    ['a cookie without a token', { hb_csrf: 'x'.repeat(43) }, ''],
    ['a token minted for another cookie', { hb_csrf: 'y'.repeat(43) }, 'other'],
  ])('rejects %s with 403 csrf_token_invalid', async (_name, cookies, payload) => {
    const a = await app();
    let body = payload;
    if (payload === 'other') {
      const form = await a.inject('/form');
      body = `_csrf=${encodeURIComponent(form.json().token)}`;
    }
    const res = await a.inject({
      method: 'POST',
      url: '/act',
      cookies,
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf_token_invalid');
  });
});
