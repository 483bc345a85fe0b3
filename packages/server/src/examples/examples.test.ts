import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../errors/handler.js';
import { registerSecurityHeaders } from '../security/headers.js';
import { DIABETES_DIARY_PATH, EXAMPLE_CSP, registerExamples } from './index.js';

describe('the diabetes diary served in the sandbox', () => {
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'diary-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>diary</title>');
    writeFileSync(join(dir, 'privacy.html'), '<!doctype html><title>privacy</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'app.css'), 'body{}');
    writeFileSync(join(dir, 'secret.txt'), 'not served');
    app = Fastify();
    registerSecurityHeaders(app, { tls: false });
    registerErrorHandling(app);
    app.get('/elsewhere', async () => 'platform page');
    registerExamples(app, { publicUrl: 'http://127.0.0.1:4321/', dir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['/', 'text/html; charset=utf-8', '<title>diary</title>'],
    ['/callback?code=x&state=y', 'text/html; charset=utf-8', '<title>diary</title>'],
    ['/privacy', 'text/html; charset=utf-8', '<title>privacy</title>'],
    ['/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/app.css', 'text/css; charset=utf-8', 'body{}'],
  ])('serves %s with scripts and connections to its own origin only', async (path, type, body) => {
    const res = await app.inject(`${DIABETES_DIARY_PATH}${path}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body).toContain(body);
    expect(res.headers['content-security-policy']).toBe(EXAMPLE_CSP);
    // The rest of the platform's headers stay.
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('allows script and connections from its origin only, and never framing', () => {
    const directives = Object.fromEntries(
      EXAMPLE_CSP.split('; ').map((d) => {
        const [name = '', ...values] = d.split(' ');
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
    });
    expect(EXAMPLE_CSP).not.toContain('unsafe');
  });

  it('keeps the platform’s script-less policy on its other pages', async () => {
    const res = await app.inject('/elsewhere');
    expect(res.headers['content-security-policy']).not.toContain('script-src');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('tells the app where the platform is', async () => {
    const res = await app.inject(`${DIABETES_DIARY_PATH}/config.json`);
    expect(res.json()).toEqual({
      issuer: 'http://127.0.0.1:4321',
      clientId: 'diabetes-diary',
      redirectUri: 'http://127.0.0.1:4321/examples/diabetes-diary/callback',
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('adds the trailing slash the relative links need', async () => {
    const res = await app.inject(DIABETES_DIARY_PATH);
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(`${DIABETES_DIARY_PATH}/`);
  });

  it.each(['/secret.txt', '/..%2F..%2Fpackage.json', '/../index.html', '/index.html'])(
    'serves no other file: %s',
    async (path) => {
      const res = await app.inject(`${DIABETES_DIARY_PATH}${path}`);
      expect(res.body).not.toContain('not served');
      expect(res.statusCode).toBe(404);
    },
  );

  it('says the app is not built when its files are missing', async () => {
    const bare = Fastify();
    registerErrorHandling(bare);
    registerExamples(bare, { publicUrl: 'http://127.0.0.1:4321', dir: join(dir, 'missing') });
    const res = await bare.inject({ url: `${DIABETES_DIARY_PATH}/`, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toContain('npm run build');
    await bare.close();
  });
});
