/**
 * The SDK's side of an export: `openExportFile` (ECDH-ES + AES-256-GCM decryption, the JWS
 * verified against the platform's JWKS, inflate within the signed length, the SHA-256 digest
 * checked, JSON.parse) on the heavy files, timed in Debian's Chromium with the SDK's browser
 * bundle, and in Node 20 with the SDK's sources for comparison. The device key is imported into
 * WebCrypto as non-extractable, as the SDK keeps it.
 */
import { spawnSync } from 'node:child_process';
import type { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { ExportClaims, ExportContentFormat } from '@healthbank/records';
import type { JSONWebKeySet, JWK } from 'jose';
import type { Browser } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'packages', 'sdk', 'dist', 'browser', 'healthbank-sdk.min.js');
const BUNDLE_SIZE = join(ROOT, 'packages', 'sdk', 'dist', 'browser', 'size.json');
const PAGE_SCRIPT = join(import.meta.dirname, 'export-browser-page.js');

/**
 * The SDK and the e2e browser support are typed against the DOM, which bench/tsconfig.json leaves
 * out, so they are loaded at run time through specifiers the type checker does not follow.
 */
const SDK_MODULE = '@healthbank/sdk';
const BROWSER_SUPPORT_MODULE = '../../e2e/support/browser.js';

type OpenExportFile = (
  file: string,
  opts: {
    decryptionKey: webcrypto.CryptoKey;
    jwks: JSONWebKeySet;
    issuer: string;
    audience: string;
    recipientKeyThumbprint?: string;
  },
) => Promise<{ claims: ExportClaims; content: unknown }>;

const sdkModule = () => import(SDK_MODULE) as Promise<{ openExportFile: OpenExportFile }>;
const browserSupport = () => import(BROWSER_SUPPORT_MODULE) as Promise<{ launchBrowser(): Promise<Browser> }>;

export interface OpenInput {
  /** The heavy file of each format, as fetched from the platform. */
  files: Partial<Record<ExportContentFormat, string>>;
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string;
  /** The device's export key (private JWK; imported non-extractable wherever it is used). */
  privateJwk: JWK;
  thumbprint: string;
  runs: number;
  warmup: number;
}

export interface OpenSamples {
  samplesMs: number[];
  fileBytes: number;
  /** Records the signed claims count in the file. */
  records: number;
}

export interface BrowserResult {
  chromium: string;
  userAgent: string;
  keyExtractable: boolean;
  bundle: { minifiedBytes: number; gzippedBytes: number; builtHere: boolean };
  formats: Partial<Record<ExportContentFormat, OpenSamples>>;
}

/** The SDK's browser bundle, built first when `npm run bench`'s build has not made it. */
async function bundle(): Promise<{ source: Buffer; minifiedBytes: number; gzippedBytes: number; builtHere: boolean }> {
  let builtHere = false;
  if (!existsSync(BUNDLE)) {
    const built = spawnSync(process.execPath, [join(ROOT, 'packages', 'sdk', 'scripts', 'build-browser.mjs')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (built.status !== 0) throw new Error('the SDK browser bundle could not be built');
    builtHere = true;
  }
  const source = await readFile(BUNDLE);
  const size = JSON.parse(await readFile(BUNDLE_SIZE, 'utf8')) as { minifiedBytes: number; gzippedBytes: number };
  return { source, minifiedBytes: size.minifiedBytes, gzippedBytes: size.gzippedBytes, builtHere };
}

/** A loopback server for the page: the page, its script, the SDK bundle, the JWKS and the files. */
async function serve(input: OpenInput, sdk: Buffer): Promise<{ server: Server; url: string }> {
  const script = await readFile(PAGE_SCRIPT);
  const routes = new Map<string, { type: string; body: string | Buffer }>([
    [
      '/',
      {
        type: 'text/html; charset=utf-8',
        body: '<!doctype html><meta charset="utf-8"><title>export bench</title><script type="module" src="/bench.js"></script>',
      },
    ],
    ['/bench.js', { type: 'text/javascript; charset=utf-8', body: script }],
    ['/healthbank-sdk.min.js', { type: 'text/javascript; charset=utf-8', body: sdk }],
    ['/jwks.json', { type: 'application/json', body: JSON.stringify(input.jwks) }],
  ]);
  for (const [format, file] of Object.entries(input.files)) {
    routes.set(`/files/${format}.jwe`, { type: 'application/jose', body: file });
  }
  const server = createServer((req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** Times `openExportFile` in headless Chromium on each file. */
export async function openInChromium(input: OpenInput): Promise<BrowserResult> {
  const sdk = await bundle();
  const { server, url } = await serve(input, sdk.source);
  const browser = await (await browserSupport()).launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction('globalThis.benchReady === true', undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the bench page did not load: ${errors.join('; ') || 'no error reported'}`);
    });
    const params = {
      formats: Object.keys(input.files),
      privateJwk: input.privateJwk,
      issuer: input.issuer,
      audience: input.audience,
      thumbprint: input.thumbprint,
      runs: input.runs,
      warmup: input.warmup,
    };
    // A string, not a function: nothing of this process's compiled code is shipped into the page.
    const result = (await page.evaluate(`globalThis.benchExport(${JSON.stringify(params)})`)) as {
      results: Partial<Record<ExportContentFormat, OpenSamples>>;
      keyExtractable: boolean;
      userAgent: string;
    };
    return {
      chromium: browser.version(),
      userAgent: result.userAgent,
      keyExtractable: result.keyExtractable,
      bundle: { minifiedBytes: sdk.minifiedBytes, gzippedBytes: sdk.gzippedBytes, builtHere: sdk.builtHere },
      formats: result.results,
    };
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The same measure in this Node process, with the SDK's sources. */
export async function openInNode(input: OpenInput): Promise<Partial<Record<ExportContentFormat, OpenSamples>>> {
  const { openExportFile } = await sdkModule();
  const decryptionKey = await crypto.subtle.importKey(
    'jwk',
    input.privateJwk as webcrypto.JsonWebKey,
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    ['deriveBits'],
  );
  const results: Partial<Record<ExportContentFormat, OpenSamples>> = {};
  for (const [format, file] of Object.entries(input.files) as [ExportContentFormat, string][]) {
    const samplesMs: number[] = [];
    let records = 0;
    for (let i = 0; i < input.warmup + input.runs; i++) {
      const t0 = performance.now();
      const { claims } = await openExportFile(file, {
        decryptionKey,
        jwks: input.jwks,
        issuer: input.issuer,
        audience: input.audience,
        recipientKeyThumbprint: input.thumbprint,
      });
      const ms = performance.now() - t0;
      if (claims.format !== format) throw new Error(`the ${format} file opened as ${claims.format}`);
      records = Object.values(claims.counts).reduce((n, c) => n + (c ?? 0), 0);
      if (i >= input.warmup) samplesMs.push(ms);
    }
    results[format] = { samplesMs, fileBytes: file.length, records };
  }
  return results;
}
