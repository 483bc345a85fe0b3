/**
 * Static assets through the whole app: compressed for clients that accept it, validated by ETag
 * (304 without a body), the favicon served, and pages never compressed (BREACH).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config/config.js';
import { createTestDatabase, type TestDatabase } from '../db/testing.js';
import { DIABETES_DIARY_PATH, registerExamples } from '../examples/index.js';

describe('static assets', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  const dir = mkdtempSync(join(tmpdir(), 'healthbank-assets-'));
  const script = `export const diary = ${JSON.stringify('糖化血色素 '.repeat(4000))};\n`;

  beforeAll(async () => {
    t = await createTestDatabase({ dialect: 'sqlite', label: 'sqlite' });
    for (const name of ['index.html', 'privacy.html', 'app.css']) writeFileSync(join(dir, name), `<!-- ${name} -->`);
    writeFileSync(join(dir, 'app.js'), script);
    const config = loadConfig(
      { NODE_ENV: 'test' },
      { databaseUrl: t.url, publicUrl: 'http://localhost:3999', sandbox: false },
    );
    app = await buildApp({ config, db: t.db });
    // The diary from a scratch build, as registerExamples serves it in a sandbox.
    registerExamples(app, { publicUrl: 'http://localhost:3999', dir });
  });
  afterAll(async () => {
    await app.close();
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the diary’s script brotli- or gzip-compressed as the client accepts, the same bytes either way', async () => {
    const url = `${DIABETES_DIARY_PATH}/app.js`;
    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);

    const gzip = await app.inject({ url, headers: { 'accept-encoding': 'gzip, br;q=0' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(script);

    const plain = await app.inject({ url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.payload).toBe(script);
  });

  it('answers 304 without a body when the browser’s copy is current, and 200 after a rebuild', async () => {
    const url = `${DIABETES_DIARY_PATH}/app.js`;
    const first = await app.inject({ url });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);

    writeFileSync(join(dir, 'app.js'), `${script}// rebuilt\n`);
    const rebuilt = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(rebuilt.statusCode).toBe(200);
    expect(rebuilt.headers.etag).not.toBe(etag);
  });

  it('serves the favicon and the site stylesheet with validators', async () => {
    for (const url of ['/favicon.ico', '/favicon.svg']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml');
      expect(res.payload).toMatch(/^<svg /);
    }
    const css = await app.inject({ url: '/assets/site.css', headers: { 'accept-encoding': 'br' } });
    expect(css.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'public, max-age=3600' });
    expect(css.headers.etag).toBeDefined();
  });

  it('never compresses a page, whatever the client accepts', async () => {
    const page = await app.inject({ url: '/', headers: { 'accept-encoding': 'br, gzip' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.payload).toContain('<link rel="icon" href="/favicon.svg"');
  });
});
