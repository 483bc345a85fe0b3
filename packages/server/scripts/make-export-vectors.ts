/**
 * Regenerates the export-file test vectors (packages/sdk/test-vectors/*.json) and their copy in
 * docs/export-format.md (between the `test-vectors` markers). Every key is a fixed, published test
 * key. Signatures and ephemeral keys are random, so a run changes the files' bytes but not their
 * meaning; each vector is opened with the SDK before anything is written.
 *
 * Usage: node --conditions=@healthbank/source --import tsx packages/server/scripts/make-export-vectors.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import {
  EXPORT_FILE_CTY,
  EXPORT_JWS_TYP,
  EXPORT_MAX_CONTENT_BYTES,
  type ExportClaims,
  type RecordsByCategory,
  validateRecord,
} from '@healthbank/records';
import {
  base64url,
  CompactEncrypt,
  CompactSign,
  type CritOption,
  calculateJwkThumbprint,
  compactDecrypt,
  importJWK,
  type JWK,
} from 'jose';
import { openExportFile } from '../../sdk/src/envelope/index.js';
import { isSdkError } from '../../sdk/src/errors.js';
import { type ExportFacts, sealExportFile } from '../src/export/envelope.js';
import { type ExportSigningKeys, loadExportKeyring } from '../src/export/keys.js';

const VECTORS = new URL('../../sdk/test-vectors/', import.meta.url);
const DOC = new URL('../../../docs/export-format.md', import.meta.url);

const ISSUER = 'https://healthbank.example.tw';
const AUDIENCE = 'diabetes-diary';
/** Issue time of the vectors: 2026-11-01T01:00:00Z; they are opened 30 seconds later. */
const IAT_MS = Date.UTC(2026, 10, 1, 1, 0, 0);
const NOW_MS = IAT_MS + 30_000;

/** Platform signing keys: the current ES256 key first, the previous EdDSA key still published. */
const PLATFORM: ExportSigningKeys = {
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      kid: 'test-vector-platform-es256-2',
      alg: 'ES256',
      use: 'sig',
      x: 'TmRku2WxlsPDinJY3HAjlwW3RJb5HF2iBOkpLm9_WQg',
      y: '8cmv3do5wnmI0SoM9o3CcREHpi31HmwY3k9l3dnL7Lg',
      d: 'xCNAuZWXNw4EuTqnBxYJEME9DqJpl1yemS8IhOrWPv4',
    },
    {
      kty: 'OKP',
      crv: 'Ed25519',
      kid: 'test-vector-platform-eddsa-1',
      alg: 'EdDSA',
      use: 'sig',
      x: 'tIj9pVyMQoXItuLSIBvcl7eB1mH18AUSVO_57buogtU',
      d: 'jehNTA7LoasvwSWWR6jEKM5BWu0D0EkpwNvcYyXeI5E',
    },
  ],
};
const [CURRENT, PREVIOUS] = PLATFORM.keys as [JWK & { kid: string }, JWK & { kid: string }];

/** The device's export key (ECDH P-256). Its private half is published: it is a test key. */
const DEVICE: JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'J96SIPLpw-vokQJ7pJvbPP2CRF-QZ8axZfdFsys20C0',
  y: 'rAtcC6PQzMhZu1KFfALdbY60O_AIDujltYBNaosh5ko',
  d: 'Alh7sQe13y8SpLDuk86XNJWuLVGw_o1Dja9M5HdFdro',
};
/** Another device's export key: files sealed to it must not open on DEVICE. */
const OTHER_DEVICE: JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'HfO-_U2SfTeyidewINfxY0rVN9mljkvj2zcAoSYGXoE',
  y: '_xD-v2k03UvPWmgvrWAry8V4dgFoxi9TcyYB3caKplk',
  d: 'TnV4ufKv-jibhgFz_LcjwJvUoXdmqX8HxiSC7SDB6x0',
};
/** A key the platform never published: what an attacker signs with. */
const OUTSIDER: JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'z_pguk2hG8YtlB2IaXO6yIV5CUX5TBddVW_crWtkAX8',
  y: 'tyih54a6kgGL4JEXLpsaWzeJbPo8wEbT7p9LX50ZFVs',
  d: 'f4Ioec6Co1tAij167r1JBq_y5wduq8EjPFvOeOkaKS4',
};

const publicOf = ({ kty, crv, x, y }: JWK): JWK => ({ kty, crv, x, y });

/** A small `records` file for A小姐: two lab results and the visit that ordered them. */
const CONTENT: RecordsByCategory = {
  lab: [
    {
      id: 'tv-lab-0001',
      date: '2026-09-15',
      category: 'lab',
      institution: { code: '0601090029', name: '臺北博光紀念醫院' },
      reportDate: '2026-09-16',
      reportedAt: '2026-09-16T10:12:00+08:00',
      order: { code: '09006C', display: '醣化血紅素', displayEn: 'Haemoglobin A1c' },
      item: 'HbA1c',
      loinc: '4548-4',
      value: '7.2',
      quantity: { value: 7.2, unit: '%' },
      referenceRange: { low: 4, high: 5.6, text: '[4][5.6]' },
      interpretation: 'high',
    },
    {
      id: 'tv-lab-0002',
      date: '2026-09-15',
      category: 'lab',
      institution: { code: '0601090029', name: '臺北博光紀念醫院' },
      reportDate: '2026-09-16',
      reportedAt: '2026-09-16T10:12:00+08:00',
      order: {
        code: '09005C',
        display: '血液及體液葡萄糖-空腹',
        displayEn: 'Glucose, fasting (blood and body fluids)',
      },
      item: 'Glucose AC',
      loinc: '1558-6',
      value: '138',
      quantity: { value: 138, unit: 'mg/dL' },
      referenceRange: { low: 70, high: 99, text: '[70][99]' },
      interpretation: 'high',
    },
  ],
  outpatient: [
    {
      id: 'tv-opd-0001',
      date: '2026-09-15',
      category: 'outpatient',
      visitType: 'outpatient',
      institution: { code: '0601090029', name: '臺北博光紀念醫院' },
      serial: '0021',
      diagnoses: [
        {
          code: 'E11.9',
          display: '第二型糖尿病，未伴有併發症',
          displayEn: 'Type 2 diabetes mellitus without complications',
        },
      ],
      procedures: [],
      copay: 240,
      points: 1126,
      orders: [
        { code: '09006C', name: '醣化血紅素', kind: 'lab', quantity: 1 },
        { code: '09005C', name: '血液及體液葡萄糖-空腹', kind: 'lab', quantity: 1 },
        { code: 'AC46185100', name: 'Metformin 500毫克錠', kind: 'drug', quantity: 56, days: 28, atc: 'A10BA02' },
      ],
    },
  ],
};

const FACTS: ExportFacts = {
  issuer: ISSUER,
  clientId: AUDIENCE,
  subject: 'pw-7f3c9a1e5b2d4c60',
  exportId: 'exp_tv_0001',
  consentId: 'consent_tv_0001',
  categories: ['lab', 'outpatient'],
  period: { from: '2021-11-01', to: '2026-11-01' },
  format: 'records',
  counts: { lab: 2, outpatient: 1 },
};

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));
const segment = (value: unknown) => base64url.encode(json(value));

interface Sealed {
  file: string;
  claims: ExportClaims;
}

async function seal(
  opts: { facts?: Partial<ExportFacts>; to?: JWK; keys?: ExportSigningKeys; iatMs?: number } = {},
): Promise<Sealed> {
  const to = opts.to ?? DEVICE;
  const recipientKey = publicOf(to);
  return sealExportFile({
    facts: { ...FACTS, ...opts.facts },
    content: CONTENT,
    recipientKey,
    pinnedThumbprint: await calculateJwkThumbprint(recipientKey, 'sha256'),
    keyring: await loadExportKeyring(opts.keys ?? PLATFORM),
    now: () => opts.iatMs ?? IAT_MS,
  });
}

/** A compact JWS over `claims` with any header, signed by `jwk`. */
async function sign(header: Record<string, unknown>, claims: unknown, jwk: JWK, crit?: CritOption['crit']) {
  const alg = header.alg as 'ES256' | 'EdDSA';
  return new CompactSign(json(claims))
    .setProtectedHeader(header as { alg: string })
    .sign(await importJWK(jwk, alg), crit ? { crit } : undefined);
}

const standardJwsHeader = (kid = CURRENT.kid) => ({ alg: 'ES256', kid, typ: EXPORT_JWS_TYP });

/** The JWE plaintext: the JWS, a line feed, the raw-deflated content. */
function frame(jws: string, content: Uint8Array = json(CONTENT)): Uint8Array {
  const compressed = deflateRawSync(content, { level: 6 });
  const out = new Uint8Array(jws.length + 1 + compressed.length);
  out.set(encoder.encode(jws), 0);
  out[jws.length] = 0x0a;
  out.set(compressed, jws.length + 1);
  return out;
}

/** A compact JWE of `plaintext` to `to`, with the standard header changed by `header`. */
async function encrypt(
  plaintext: Uint8Array,
  header: Record<string, unknown> = {},
  to: JWK = DEVICE,
  crit?: CritOption['crit'],
): Promise<string> {
  const pub = publicOf(to);
  const kid = await calculateJwkThumbprint(pub, 'sha256');
  const protectedHeader = { alg: 'ECDH-ES', enc: 'A256GCM', kid, cty: EXPORT_FILE_CTY, ...header };
  return new CompactEncrypt(plaintext)
    .setProtectedHeader(protectedHeader as { alg: string; enc: string })
    .encrypt(await importJWK(pub, protectedHeader.alg as string), crit ? { crit } : undefined);
}

/** The JWS inside a sealed file (decrypted with the key it was sealed to). */
async function innerJws(file: string, key: JWK): Promise<{ jws: string; plaintext: Uint8Array }> {
  const { plaintext } = await compactDecrypt(file, await importJWK(key, 'ECDH-ES'));
  return { jws: new TextDecoder().decode(plaintext.subarray(0, plaintext.indexOf(0x0a))), plaintext };
}

function replaceAt(text: string, index: number): string {
  const c = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + c + text.slice(index + 1);
}

interface NegativeVector {
  name: string;
  description: string;
  error: string;
  file: string;
}

async function negatives(valid: Sealed): Promise<NegativeVector[]> {
  const { jws, plaintext } = await innerJws(valid.file, DEVICE);
  const claims = valid.claims;
  const parts = valid.file.split('.');
  const otherJkt = await calculateJwkThumbprint(publicOf(OTHER_DEVICE), 'sha256');
  const vectors: NegativeVector[] = [];
  const add = (name: string, error: string, description: string, file: string) =>
    vectors.push({ name, description, error, file });

  const ciphertext = parts[3] as string;
  add(
    'tampered-ciphertext',
    'decryption_failed',
    'One character of the JWE ciphertext changed: AES-GCM authentication fails.',
    [...parts.slice(0, 3), replaceAt(ciphertext, Math.floor(ciphertext.length / 2)), parts[4]].join('.'),
  );
  const header = JSON.parse(new TextDecoder().decode(base64url.decode(parts[0] as string)));
  add(
    'tampered-header',
    'decryption_failed',
    "The JWE header's kid changed to another device's thumbprint: the header is authenticated data.",
    [segment({ ...header, kid: otherJkt }), ...parts.slice(1)].join('.'),
  );
  const tamperedContent = structuredClone(CONTENT);
  const hba1c = tamperedContent.lab?.[0];
  if (hba1c) hba1c.value = '5.2';
  add(
    'tampered-content',
    'signature_invalid',
    'The HbA1c value changed from 7.2 to 5.2 and the file re-encrypted to the device (anyone can): the content digest no longer matches.',
    await encrypt(frame(jws, json(tamperedContent))),
  );
  const [h, , s] = jws.split('.') as [string, string, string];
  add(
    'tampered-claims',
    'signature_invalid',
    'The signed claims widened to a category the citizen did not consent to, keeping the signature, re-encrypted.',
    await encrypt(
      frame(
        `${h}.${segment({ ...claims, categories: [...claims.categories, 'inpatient'], counts: { ...claims.counts, inpatient: 0 } })}.${s}`,
      ),
    ),
  );
  add(
    'truncated-end',
    'format_invalid',
    'The last 8 characters are missing (an interrupted download): the authentication tag is too short.',
    valid.file.slice(0, -8),
  );
  add(
    'truncated-half',
    'format_invalid',
    'Only the first half of the file: it is no longer a five-part compact JWE.',
    valid.file.slice(0, Math.floor(valid.file.length / 2)),
  );
  const forOther = await seal({ to: OTHER_DEVICE });
  add('wrong-key', 'decryption_failed', "A valid file sealed to another device's export key.", forOther.file);
  add(
    're-addressed',
    'claims_mismatch',
    "Another device's file, decrypted and re-encrypted to this device: the signed cnf.jkt names the other key.",
    await encrypt((await innerJws(forOther.file, OTHER_DEVICE)).plaintext),
  );
  add(
    'expired',
    'file_expired',
    'Issued two hours before the opening time, valid for one hour.',
    (await seal({ iatMs: IAT_MS - 2 * 3600_000 })).file,
  );
  add(
    'not-yet-valid',
    'file_not_yet_valid',
    'Issued ten minutes after the opening time (beyond the 60-second clock tolerance).',
    (await seal({ iatMs: IAT_MS + 10 * 60_000 })).file,
  );
  add(
    'wrong-audience',
    'claims_mismatch',
    'A valid file for another app (aud "another-app").',
    (await seal({ facts: { clientId: 'another-app' } })).file,
  );
  add(
    'wrong-issuer',
    'claims_mismatch',
    'A valid file whose iss is another platform.',
    (await seal({ facts: { issuer: 'https://healthbank.attacker.example' } })).file,
  );
  add(
    'alg-none',
    'header_not_allowed',
    'The signed claims replaced by an unsecured JWS (alg "none", empty signature).',
    await encrypt(frame(`${segment({ alg: 'none', kid: CURRENT.kid, typ: EXPORT_JWS_TYP })}.${segment(claims)}.`)),
  );
  const hmac = await new CompactSign(json(claims))
    .setProtectedHeader({ alg: 'HS256', kid: CURRENT.kid, typ: EXPORT_JWS_TYP })
    .sign(json(publicOf(CURRENT)));
  add(
    'alg-hs256',
    'header_not_allowed',
    "HS256 keyed with the platform's public JWK (algorithm confusion).",
    await encrypt(frame(hmac)),
  );
  const critName = 'urn:example:must-understand';
  add(
    'unknown-crit',
    'header_not_allowed',
    `A JWS header, signed by the platform key, marking "${critName}" as critical.`,
    await encrypt(
      frame(
        await sign({ ...standardJwsHeader(), crit: [critName], [critName]: true }, claims, CURRENT, {
          [critName]: true,
        }),
      ),
    ),
  );
  add(
    'unknown-crit-jwe',
    'header_not_allowed',
    `The JWE header marks "${critName}" as critical.`,
    await encrypt(plaintext, { crit: [critName], [critName]: true }, DEVICE, { [critName]: true }),
  );
  add(
    'embedded-jwk',
    'header_not_allowed',
    "Claims signed by an outsider's key, which the JWS header embeds as jwk under the platform's kid.",
    await encrypt(frame(await sign({ ...standardJwsHeader(), jwk: publicOf(OUTSIDER) }, claims, OUTSIDER))),
  );
  add(
    'jku',
    'header_not_allowed',
    "Claims signed by an outsider's key, whose JWS header points at the outsider's JWKS URL (jku).",
    await encrypt(
      frame(
        await sign({ ...standardJwsHeader('outsider-1'), jku: 'https://attacker.example/jwks.json' }, claims, OUTSIDER),
      ),
    ),
  );
  add(
    'x5c',
    'header_not_allowed',
    'The JWS header carries a certificate chain (x5c).',
    await encrypt(frame(await sign({ ...standardJwsHeader(), x5c: ['MIIBAA=='] }, claims, CURRENT))),
  );
  add(
    'jku-jwe',
    'header_not_allowed',
    'The JWE header carries a jku.',
    await encrypt(plaintext, { jku: 'https://attacker.example/jwks.json' }),
  );
  add(
    'jwe-alg-not-allowed',
    'header_not_allowed',
    'Key wrapping (alg "ECDH-ES+A256KW") instead of direct ECDH-ES.',
    await encrypt(plaintext, { alg: 'ECDH-ES+A256KW' }),
  );
  add(
    'jwe-enc-not-allowed',
    'header_not_allowed',
    'Content encrypted with A128GCM instead of A256GCM.',
    await encrypt(plaintext, { enc: 'A128GCM' }),
  );
  add(
    'jwe-zip',
    'header_not_allowed',
    'JWE-level compression (zip "DEF"), which this format never uses.',
    await encrypt(plaintext, { zip: 'DEF' }),
  );
  add(
    'unknown-kid',
    'key_unknown',
    'Signed by a key the platform JWKS does not publish (kid "test-vector-platform-es256-retired").',
    await encrypt(frame(await sign(standardJwsHeader('test-vector-platform-es256-retired'), claims, OUTSIDER))),
  );
  add(
    'wrong-typ',
    'format_invalid',
    'Signed by the platform key but typed "JWT" (as an ID token would be), not "healthbank-export+jwt".',
    await encrypt(frame(await sign({ ...standardJwsHeader(), typ: 'JWT' }, claims, CURRENT))),
  );
  add(
    'no-separator',
    'format_invalid',
    'The plaintext is the JWS alone, without the line feed and content.',
    await encrypt(encoder.encode(jws)),
  );
  add(
    'content-too-large',
    'content_too_large',
    'Signed claims declaring 256 MiB + 1 bytes of content: refused before inflating anything.',
    await encrypt(
      frame(await sign(standardJwsHeader(), { ...claims, content_length: EXPORT_MAX_CONTENT_BYTES + 1 }, CURRENT)),
    ),
  );
  if (new Set(vectors.map((v) => v.file)).size !== vectors.length) throw new Error('two vectors are the same file');
  return vectors;
}

/** Opens a file as an app would and returns the error code, or the opened file. */
async function open(file: string, jwks = publicJwks(), withThumbprint = true) {
  const decryptionKey = (await importJWK(DEVICE, 'ECDH-ES', { extractable: false })) as CryptoKey;
  try {
    return await openExportFile(file, {
      decryptionKey,
      jwks,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW_MS,
      ...(withThumbprint ? { recipientKeyThumbprint: await calculateJwkThumbprint(publicOf(DEVICE), 'sha256') } : {}),
    });
  } catch (error) {
    if (isSdkError(error)) return error.code;
    throw error;
  }
}

function publicJwks(without?: string): { keys: JWK[] } {
  return {
    keys: PLATFORM.keys
      .filter((k) => k.kid !== without)
      .map((k) => {
        const { d: _d, ...pub } = k;
        return pub as JWK;
      }),
  };
}

function renderDoc(
  keys: unknown,
  positive: { vectors: { name: string; file: string; expected: unknown }[] },
  negative: NegativeVector[],
) {
  const block = (value: unknown) => `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``;
  const valid = positive.vectors[0];
  const previous = positive.vectors[1];
  return [
    '<!-- test-vectors:begin (generated by packages/server/scripts/make-export-vectors.ts; do not edit) -->',
    '',
    '### Keys (`keys.json`)',
    '',
    block(keys),
    '',
    '### Positive vectors (`positive.json`)',
    '',
    `\`${valid?.name}\` — open it with the device key, the platform JWKS, issuer \`${ISSUER}\`, audience \`${AUDIENCE}\`, at \`${new Date(NOW_MS).toISOString()}\` (${NOW_MS} ms):`,
    '',
    `\`\`\`text\n${valid?.file}\n\`\`\``,
    '',
    `\`${previous?.name}\` — the same content signed with the previous (EdDSA) key: it opens while \`${PREVIOUS.kid}\` is in the JWKS and fails with \`key_unknown\` once it is removed:`,
    '',
    `\`\`\`text\n${previous?.file}\n\`\`\``,
    '',
    'Both open to these claims and this content:',
    '',
    block(positive.vectors[0]?.expected),
    '',
    '### Negative vectors (`negative.json`)',
    '',
    'Opened with the same options, each must fail with its code:',
    '',
    '| vector | code | what is wrong |',
    '| --- | --- | --- |',
    ...negative.map((v) => `| \`${v.name}\` | \`${v.error}\` | ${v.description} |`),
    '',
    '<details><summary>The negative files</summary>',
    '',
    ...negative.flatMap((v) => [`\`${v.name}\``, '', `\`\`\`text\n${v.file}\n\`\`\``, '']),
    '</details>',
    '',
    '<!-- test-vectors:end -->',
  ].join('\n');
}

async function main(): Promise<void> {
  for (const records of Object.values(CONTENT)) for (const record of records ?? []) validateRecord(record);
  const valid = await seal();
  const previous = await seal({ keys: { keys: [PLATFORM.keys[1], PLATFORM.keys[0]] } as ExportSigningKeys });
  const expected = { claims: valid.claims, content: CONTENT };
  // Same facts, content, time and recipient: only the signing key differs, and it is in the header.
  if (JSON.stringify(previous.claims) !== JSON.stringify(valid.claims)) throw new Error('claims differ by key');
  const positive = {
    description: 'Export files that must open with keys.json at `now`, to `expected`.',
    now: NOW_MS,
    vectors: [
      { name: 'valid', description: 'Signed with the current ES256 key.', file: valid.file, expected },
      {
        name: 'valid-previous-key',
        description: `Signed with the previous EdDSA key ${PREVIOUS.kid}: opens while it is published, fails with key_unknown once it is removed.`,
        file: previous.file,
        removedKey: PREVIOUS.kid,
        expected,
      },
    ],
  };
  const negative = await negatives(valid);

  // Check everything with the SDK before writing: with and without the recipient thumbprint.
  for (const withThumbprint of [true, false]) {
    for (const vector of positive.vectors) {
      const opened = await open(vector.file, publicJwks(), withThumbprint);
      if (typeof opened === 'string' || JSON.stringify(opened) !== JSON.stringify(vector.expected)) {
        throw new Error(`positive vector ${vector.name} does not open as expected: ${JSON.stringify(opened)}`);
      }
    }
    const withoutPrevious = await open(previous.file, publicJwks(PREVIOUS.kid), withThumbprint);
    if (withoutPrevious !== 'key_unknown') throw new Error(`retired key: ${JSON.stringify(withoutPrevious)}`);
    for (const vector of negative) {
      const opened = await open(vector.file, publicJwks(), withThumbprint);
      if (opened !== vector.error) throw new Error(`negative vector ${vector.name}: ${JSON.stringify(opened)}`);
    }
  }

  const keys = {
    description:
      'Fixed TEST keys for the export-file vectors. Every private key here is published: never use them for anything else.',
    issuer: ISSUER,
    audience: AUDIENCE,
    device: {
      privateJwk: DEVICE,
      publicJwk: publicOf(DEVICE),
      thumbprint: await calculateJwkThumbprint(publicOf(DEVICE), 'sha256'),
    },
    otherDevice: {
      privateJwk: OTHER_DEVICE,
      publicJwk: publicOf(OTHER_DEVICE),
      thumbprint: await calculateJwkThumbprint(publicOf(OTHER_DEVICE), 'sha256'),
    },
    platform: { jwks: publicJwks(), signingKeys: PLATFORM },
  };
  const write = (name: string, value: unknown) =>
    writeFileSync(new URL(name, VECTORS), `${JSON.stringify(value, null, 2)}\n`);
  write('keys.json', keys);
  write('positive.json', positive);
  write('negative.json', {
    description: 'Export files that must be rejected with `error`, opened like positive.json.',
    now: NOW_MS,
    vectors: negative,
  });

  // Biome owns the JSON layout (`npm run lint` checks it), so it formats what was just written.
  const written = ['keys.json', 'positive.json', 'negative.json'].map((name) => fileURLToPath(new URL(name, VECTORS)));
  execFileSync('npx', ['biome', 'format', '--write', ...written], { stdio: 'ignore' });

  const doc = readFileSync(DOC, 'utf8');
  const begin = doc.indexOf('<!-- test-vectors:begin');
  const end = doc.indexOf('<!-- test-vectors:end -->');
  if (begin < 0 || end < 0) throw new Error('docs/export-format.md has no test-vectors markers');
  const section = renderDoc(keys, positive, negative);
  writeFileSync(DOC, doc.slice(0, begin) + section + doc.slice(end + '<!-- test-vectors:end -->'.length));
  console.log(`wrote ${positive.vectors.length} positive and ${negative.length} negative vectors`);
}

await main();
