/**
 * The SDK as apps ship it: the minified and gzipped bytes of each browser entry point, and the time
 * `openExportFile` takes on a heavy citizen's file in Debian's Chromium, for this tree ("after")
 * against the SDK as it was before its size work ("before", built in the same run from commit
 * BEFORE's sources), alternating the two on the same files. Writes bench/results/sdk.json.
 *
 *   npm run bench            # all benchmarks
 *   node --conditions=@healthbank/source --import tsx bench/sdk.ts
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CATEGORY_IDS,
  type ExportContentFormat,
  type HealthRecord,
  type RecordsByCategory,
  toFhirBundle,
  toMhb,
  toRecordsDocument,
} from '@healthbank/records';
import { generateCitizen } from '@healthbank/synth';
import { type BuildOptions, build } from 'esbuild';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Browser } from 'playwright-core';
// @ts-expect-error: a plain ES module of the SDK's build, without declarations.
import { browserBuildOptions } from '../packages/sdk/scripts/browser-options.mjs';
import { sealExportFile } from '../packages/server/src/export/envelope.js';
import { loadExportKeyring } from '../packages/server/src/export/keys.js';
import { machineFacts } from './lib/machine.js';
import { percentile, round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const ROOT = join(import.meta.dirname, '..');
/** The last commit before the SDK's size work: its jose-and-zod SDK is the baseline. */
const BEFORE = '76f39b6';
// The heaviest of 20,000, as the export benchmark picks its heavy citizen.
const SETTINGS = { candidates: 20_000, asOf: '2026-11-01', seed: 'healthbank', runs: 31, warmup: 5 };
const ENTRIES = { '@healthbank/sdk': 'index.ts', '@healthbank/sdk/fhir': 'fhir.ts', '@healthbank/sdk/mhb': 'mhb.ts' };
const BROWSER_SUPPORT_MODULE = '../e2e/support/browser.js';

interface Bundle {
  code: Uint8Array;
  minifiedBytes: number;
  gzippedBytes: number;
}

/** One minified ESM browser bundle of `entry`, as packages/sdk/scripts/build-browser.mjs makes it. */
async function bundle(entry: string, alias: Record<string, string> = {}): Promise<Bundle> {
  const result = await build({
    ...(browserBuildOptions as BuildOptions),
    entryPoints: [entry],
    write: false,
    outfile: 'bundle.js',
    logLevel: 'error',
    alias,
    nodePaths: [join(ROOT, 'node_modules')],
  });
  const code = (result.outputFiles[0] as { contents: Uint8Array }).contents;
  return { code, minifiedBytes: code.length, gzippedBytes: gzipSync(code, { level: 9 }).length };
}

/** The SDK's main entry as it was at BEFORE, from git, in a scratch folder. */
async function beforeBundle(): Promise<Bundle> {
  const dir = mkdtempSync(join(os.tmpdir(), 'healthbank-sdk-before-'));
  try {
    const archive = execFileSync(
      'git',
      // The package manifests too: their sideEffects: false is what lets the bundler drop unused modules.
      [
        'archive',
        BEFORE,
        'packages/sdk/src',
        'packages/sdk/package.json',
        'packages/records/src',
        'packages/records/package.json',
      ],
      { cwd: ROOT },
    );
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    return await bundle(join(dir, 'packages/sdk/src/index.ts'), {
      '@healthbank/records': join(dir, 'packages/records/src/index.ts'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function heaviestCitizen(): { records: HealthRecord[]; sex: 'female' | 'male'; birthDate: string } {
  let best = generateCitizen(SETTINGS.seed, 0, SETTINGS.asOf);
  for (let i = 1; i < SETTINGS.candidates; i++) {
    const next = generateCitizen(SETTINGS.seed, i, SETTINGS.asOf);
    if (next.records.length > best.records.length) best = next;
  }
  return { records: best.records, sex: best.citizen.sex, birthDate: best.citizen.birthDate };
}

async function heavyFiles() {
  const citizen = heaviestCitizen();
  const records = Object.fromEntries(
    CATEGORY_IDS.map((id) => [id, [] as HealthRecord[]]),
  ) as unknown as RecordsByCategory;
  for (const r of citizen.records) (records[r.category] as HealthRecord[]).push(r);
  const generatedAt = '2026-11-01T00:00:00Z';
  const content: Record<ExportContentFormat, unknown> = {
    records: toRecordsDocument({ records, generatedAt }),
    fhir: toFhirBundle({
      patient: {
        identifier: { kind: 'pairwise', system: 'https://bench.example/sub', value: 'bench' },
        sex: citizen.sex,
        birthDate: citizen.birthDate,
      },
      records,
      generatedAt,
    }),
    mhb: toMhb({ subject: { kind: 'pairwise', value: 'bench' }, records, generatedAt }),
  };
  const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const keyring = await loadExportKeyring({ keys: [{ ...signing, kid: 'bench' }] } as never);
  const device = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const publicJwk = await exportJWK(device.publicKey);
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
  const now = Date.now();
  const files: Partial<Record<ExportContentFormat, string>> = {};
  for (const format of ['records', 'fhir', 'mhb'] as const) {
    const { file } = await sealExportFile({
      facts: {
        issuer: 'https://bench.example',
        clientId: 'bench-app',
        subject: 'bench',
        exportId: `bench-${format}`,
        consentId: 'bench-consent',
        categories: CATEGORY_IDS,
        period: { from: null, to: null },
        format,
        counts: Object.fromEntries(CATEGORY_IDS.map((id) => [id, (records[id] ?? []).length])),
      },
      content: content[format],
      recipientKey: publicJwk as JWK,
      pinnedThumbprint: thumbprint,
      keyring,
      now: () => now,
    });
    files[format] = file;
  }
  return {
    files,
    jwks: keyring.jwks,
    privateJwk: await exportJWK(device.privateKey),
    thumbprint,
    now,
    records: citizen.records.length,
  };
}

async function openInChromium(before: Bundle, after: Bundle, input: Awaited<ReturnType<typeof heavyFiles>>) {
  const routes = new Map<string, { type: string; body: string | Uint8Array }>([
    [
      '/',
      {
        type: 'text/html; charset=utf-8',
        body: '<!doctype html><meta charset="utf-8"><title>sdk bench</title><script type="module" src="/bench.js"></script>',
      },
    ],
    [
      '/bench.js',
      { type: 'text/javascript', body: readFileSync(join(import.meta.dirname, 'lib', 'sdk-browser-page.js')) },
    ],
    ['/before.js', { type: 'text/javascript', body: before.code }],
    ['/after.js', { type: 'text/javascript', body: after.code }],
    ['/jwks.json', { type: 'application/json', body: JSON.stringify(input.jwks) }],
    ...Object.entries(input.files).map(
      ([f, file]) => [`/files/${f}.jwe`, { type: 'application/jose', body: file }] as const,
    ),
  ]);
  const server = createServer((req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (!route) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { launchBrowser } = (await import(BROWSER_SUPPORT_MODULE)) as { launchBrowser(): Promise<Browser> };
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction('globalThis.benchReady === true', undefined, { timeout: 30_000 });
    const params = {
      formats: Object.keys(input.files),
      privateJwk: input.privateJwk,
      issuer: 'https://bench.example',
      audience: 'bench-app',
      thumbprint: input.thumbprint,
      now: input.now + 1000,
      runs: SETTINGS.runs,
      warmup: SETTINGS.warmup,
    };
    const result = (await page.evaluate(`globalThis.benchSdk(${JSON.stringify(params)})`)) as {
      results: Record<string, { samples: { before: number[]; after: number[] }; fileBytes: number }>;
      userAgent: string;
    };
    return { chromium: browser.version(), ...result };
  } finally {
    await browser.close();
    server.close();
  }
}

const loadAverageAtStart = os.loadavg()[0];
process.stderr.write('bundling each entry point, and the SDK as it was at the baseline commit …\n');
const entries = Object.fromEntries(
  await Promise.all(
    Object.entries(ENTRIES).map(
      async ([name, file]) => [name, await bundle(join(ROOT, 'packages', 'sdk', 'src', file))] as const,
    ),
  ),
) as Record<keyof typeof ENTRIES, Bundle>;
const before = await beforeBundle();
process.stderr.write(`finding the heaviest of ${SETTINGS.candidates} citizens and sealing their files …\n`);
const heavy = await heavyFiles();
process.stderr.write('openExportFile in Chromium, before and after …\n');
const opened = await openInChromium(before, entries['@healthbank/sdk'], heavy);

const median = (xs: number[]) => round(percentile(xs, 50));
const result = {
  measuredAt: new Date().toISOString(),
  machine: machineFacts(loadAverageAtStart),
  settings: { ...SETTINGS, before: BEFORE, budgetGzippedBytes: 30_000 },
  bundles: {
    before: { entry: '@healthbank/sdk', minifiedBytes: before.minifiedBytes, gzippedBytes: before.gzippedBytes },
    after: Object.fromEntries(
      Object.entries(entries).map(([name, b]) => [
        name,
        { minifiedBytes: b.minifiedBytes, gzippedBytes: b.gzippedBytes },
      ]),
    ),
    gzippedRatio: round(entries['@healthbank/sdk'].gzippedBytes / before.gzippedBytes),
  },
  heavy: { records: heavy.records },
  chromium: {
    version: opened.chromium,
    formats: Object.fromEntries(
      Object.entries(opened.results).map(([format, r]) => [
        format,
        {
          fileBytes: r.fileBytes,
          beforeMsP50: median(r.samples.before),
          afterMsP50: median(r.samples.after),
          ratio: round(median(r.samples.after) / median(r.samples.before)),
          samples: r.samples,
        },
      ]),
    ),
  },
};
writeFileSync(join(import.meta.dirname, 'results', 'sdk.json'), `${JSON.stringify(result, null, 2)}\n`);

const kib = (n: number) => round(n / 1024);
console.log(
  formatTable(
    'SDK browser bundles (KiB)',
    ['bundle', 'minified', 'gzipped', '× before (gzipped)'],
    [
      ['@healthbank/sdk before', kib(before.minifiedBytes), kib(before.gzippedBytes), 1],
      ...Object.entries(entries).map(([name, b]) => [
        name,
        kib(b.minifiedBytes),
        kib(b.gzippedBytes),
        round(b.gzippedBytes / before.gzippedBytes),
      ]),
    ],
  ),
);
console.log(
  formatTable(
    `\nopenExportFile on the heaviest of ${SETTINGS.candidates} citizens (${heavy.records} records), Chromium ${opened.chromium}, p50 ms`,
    ['format', 'file KiB', 'before', 'after', 'after ÷ before'],
    Object.entries(result.chromium.formats).map(([f, r]) => [
      f,
      kib(r.fileBytes),
      r.beforeMsP50,
      r.afterMsP50,
      r.ratio,
    ]),
  ),
);
