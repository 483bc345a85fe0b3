/**
 * The browser side of the SDK benchmark (served by bench/sdk.ts): imports two builds of the SDK
 * (`/before.js`, `/after.js`) and times `openExportFile` with each on the same files, alternating
 * between them so that both see the same state of the machine.
 */
const builds = { before: await import('/before.js'), after: await import('/after.js') };

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
    const samples = { before: [], after: [] };
    for (let i = 0; i < params.warmup + params.runs; i++) {
      for (const name of i % 2 === 0 ? ['before', 'after'] : ['after', 'before']) {
        const t0 = performance.now();
        const { claims } = await builds[name].openExportFile(file, {
          decryptionKey,
          jwks,
          issuer: params.issuer,
          audience: params.audience,
          recipientKeyThumbprint: params.thumbprint,
          now: () => params.now,
        });
        const ms = performance.now() - t0;
        if (claims.format !== format) throw new Error(`the ${format} file opened as ${claims.format}`);
        if (i >= params.warmup) samples[name].push(ms);
      }
    }
    results[format] = { samples, fileBytes: file.length };
  }
  return { results, userAgent: navigator.userAgent };
}

globalThis.benchSdk = run;
globalThis.benchReady = true;
