import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { loadConfig } from './config/config.js';
import { createTestDatabase, type TestDatabase, testDatabases } from './db/testing.js';

describe.each(testDatabases())('platform on $label', (target) => {
  let t: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestDatabase(target);
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }, { databaseUrl: t.url }), db: t.db });
    app.get('/boom', async () => {
      throw new Error('secret internals at /srv/healthbank');
    });
  });
  afterAll(async () => {
    await app.close();
    await t.dispose();
  });

  it('reports health with the database dialect', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: target.dialect });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('renders the landing page in Traditional Chinese by default', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="zh-TW">');
    expect(res.body).toContain('健康存摺 SDK 沙盒');
    expect(res.body).toContain('西醫門診資料');
    expect(res.body).toMatch(/data-testid="citizens">0</);
  });

  it('switches to English on request and remembers the choice', async () => {
    const res = await app.inject('/?lang=en');
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('My Health Bank SDK sandbox');
    expect(res.cookies.find((c) => c.name === 'lang')?.value).toBe('en');
    const again = await app.inject({ url: '/', cookies: { lang: 'en' } });
    expect(again.body).toContain('<html lang="en">');
    const byHeader = await app.inject({ url: '/', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(byHeader.body).toContain('<html lang="en">');
  });

  it('sends security headers that forbid framing and inline script', async () => {
    const res = await app.inject('/');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Plain-HTTP development: HSTS would be ignored, so it is not sent (RFC 6797 §7.2).
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers unknown API paths with problem+json', async () => {
    const res = await app.inject('/no/such/thing');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: 'https://healthbank.dev/problems/not_found',
      title: 'Not found',
      status: 404,
      code: 'not_found',
    });
  });

  it('shows browsers a plain-language error page in their language', async () => {
    const zh = await app.inject({ url: '/missing', headers: { accept: 'text/html' } });
    expect(zh.statusCode).toBe(404);
    expect(zh.body).toContain('找不到您要的頁面或資料');
    const en = await app.inject({ url: '/missing?lang=en', headers: { accept: 'text/html' } });
    expect(en.body).toContain('Not found');
  });

  it('hides internals of unexpected errors', async () => {
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      type: 'https://healthbank.dev/problems/internal_error',
      title: 'Internal error',
      status: 500,
      code: 'internal_error',
    });
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('/srv');
  });

  it('serves the stylesheet the pages link to', async () => {
    const res = await app.inject('/assets/site.css');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
  });
});

describe('platform without its database', () => {
  it('reports 503 database_unavailable on /healthz', async () => {
    const [sqlite] = testDatabases();
    const t = await createTestDatabase(sqlite ?? { dialect: 'sqlite', label: 'sqlite' });
    const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }, { databaseUrl: t.url }), db: t.db });
    await t.dispose();
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('database_unavailable');
    await app.close();
  });
});
