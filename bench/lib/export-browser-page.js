/**
 * The browser side of the export benchmark (served by bench/lib/export-browser.ts): imports the
 * SDK's browser bundle, imports the device key as a non-extractable WebCrypto key, and times
 * `openExportFile` (decrypt, verify, inflate, digest, JSON.parse) on each heavy file.
 */
import { openExportFile } from '/healthbank-sdk.min.js';

async function run(params) {
  const decryptionKey = await crypto.subtle.importKey(
    'jwk',
    params.privateJwk,
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    ['deriveBits'],
  );
  const jwks = await (await fetch('/jwks.json')).json();
  const results = {};
  for (const format of params.formats) {
    const file = await (await fetch(`/files/${format}.jwe`)).text();
    const samplesMs = [];
    let records = 0;
    for (let i = 0; i < params.warmup + params.runs; i++) {
      const t0 = performance.now();
      const { claims, content } = await openExportFile(file, {
        decryptionKey,
        jwks,
        issuer: params.issuer,
        audience: params.audience,
        recipientKeyThumbprint: params.thumbprint,
      });
      const ms = performance.now() - t0;
      if (claims.format !== format || typeof content !== 'object' || content === null) {
        throw new Error(`the ${format} file opened as something else`);
      }
      records = Object.values(claims.counts).reduce((n, c) => n + c, 0);
      if (i >= params.warmup) samplesMs.push(ms);
    }
    results[format] = { samplesMs, fileBytes: file.length, records };
  }
  return { results, keyExtractable: decryptionKey.extractable, userAgent: navigator.userAgent };
}

globalThis.benchExport = run;
globalThis.benchReady = true;
