/**
 * The browser build (scripts/build-browser.mjs): it bundles without any Node-only import, refuses
 * one when it appears, keeps within its size budget, and the bundle itself works: it opens every
 * positive test vector (the WebCrypto JOSE, the inflater and the claims check as bundled).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../scripts/build-browser.mjs', import.meta.url));
const vectors = async (name: string) =>
  JSON.parse(await readFile(new URL(`../test-vectors/${name}.json`, import.meta.url), 'utf8'));

describe('the browser build', () => {
  let dir: string;
  let bundle: typeof import('./index.js');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'healthbank-sdk-bundle-'));
    await run(process.execPath, [script, '--outdir', dir]);
    bundle = await import(pathToFileURL(join(dir, 'healthbank-sdk.min.js')).href);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exports the public API and records its size', async () => {
    for (const name of ['configure', 'start', 'handleRedirect', 'fetchData', 'revoke', 'openExportFile', 'SdkError']) {
      expect(typeof (bundle as Record<string, unknown>)[name]).toBe('function');
    }
    const size = JSON.parse(await readFile(join(dir, 'size.json'), 'utf8'));
    expect(size.gzippedBytes).toBeGreaterThan(0);
    expect(size.gzippedBytes).toBeLessThan(size.minifiedBytes);
    expect(size.gzippedBytes).toBeLessThanOrEqual(size.budgetGzippedBytes);
    expect(size.entries.map((e: { file: string }) => e.file)).toEqual([
      'healthbank-sdk.min.js',
      'healthbank-sdk-fhir.min.js',
      'healthbank-sdk-mhb.min.js',
    ]);
  });

  it('keeps the schema library and a general JOSE library out of the main bundle', async () => {
    const size = JSON.parse(await readFile(join(dir, 'size.json'), 'utf8'));
    const inputs = size.largest.map((i: { path: string }) => i.path).join('\n');
    expect(inputs).not.toMatch(/node_modules\/(zod|jose)\//);
    const source = await readFile(join(dir, 'healthbank-sdk.min.js'), 'utf8');
    expect(source).not.toContain('toJSONSchema');
  });

  it('fails a build over its size budget, naming the largest inputs', async () => {
    const build = run(process.execPath, [script, '--outdir', join(dir, 'over'), '--budget', '10000']);
    await expect(build).rejects.toMatchObject({
      stderr: expect.stringMatching(/largest inputs[\s\S]*over its budget of 10000/),
    });
  });

  it('opens every positive test vector', async () => {
    const keys = await vectors('keys');
    const positive = await vectors('positive');
    const decryptionKey = await crypto.subtle.importKey(
      'jwk',
      keys.device.privateJwk,
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      ['deriveBits'],
    );
    for (const vector of positive.vectors) {
      const opened = await bundle.openExportFile(vector.file, {
        decryptionKey,
        jwks: keys.platform.jwks,
        issuer: keys.issuer,
        audience: keys.audience,
        recipientKeyThumbprint: keys.device.thumbprint,
        now: () => positive.now,
      });
      expect(opened.claims).toEqual(vector.expected.claims);
      expect(opened.content).toEqual(vector.expected.content);
    }
  });

  it('fails on a Node-only import, naming it', async () => {
    const entry = join(dir, 'node-only.ts');
    await writeFile(entry, "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    const build = run(process.execPath, [script, '--entry', entry, '--outdir', join(dir, 'refused')]);
    await expect(build).rejects.toMatchObject({ stderr: expect.stringContaining('Node-only import "node:fs"') });
  });
});
