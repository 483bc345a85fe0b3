import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type JWK,
  MemorySeenWebhookIds,
  signDeletionReceipt,
  verifyDeletionRequest,
  WebhookError,
  type WebhookErrorCode,
} from './webhooks.js';

/** The platform's side, written from the Standard Webhooks spec rather than from our server code. */
function platformKey(kid: string): { key: KeyObject; jwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { key: privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA', use: 'sig' } };
}

const platform = platformKey('webhooks-1');
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const body = JSON.stringify({
  type: 'deletion.requested',
  timestamp: '2026-12-03T12:00:00.000Z',
  data: {
    deletion_request_id: 'del_AAAAAAAAAAAAAAAAAAAAAA',
    consent_id: 'cns_x',
    client_id: 'diabetes-diary',
    requested_at: '2026-12-03T12:00:00.000Z',
    due_at: '2027-01-02T12:00:00.000Z',
  },
});

function headersFor(opts: { id?: string; at?: number; text?: string; key?: KeyObject; kid?: string } = {}) {
  const id = opts.id ?? 'msg_1';
  const timestamp = Math.floor((opts.at ?? NOW) / 1000);
  const signature = sign(null, Buffer.from(`${id}.${timestamp}.${opts.text ?? body}`), opts.key ?? platform.key);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1a,${signature.toString('base64')}`,
    ...(opts.kid ? { 'webhook-key-id': opts.kid } : {}),
  };
}

const jwks = { keys: [platform.jwk] };

async function rejection(promise: Promise<unknown>): Promise<WebhookErrorCode> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookError);
  return (error as WebhookError).code;
}

describe('verifyDeletionRequest', () => {
  it('accepts a request signed by the platform and returns what it asks', async () => {
    const event = await verifyDeletionRequest({ headers: headersFor(), body, jwks, now: NOW });
    expect(event).toMatchObject({
      webhookId: 'msg_1',
      type: 'deletion.requested',
      deletionRequestId: 'del_AAAAAAAAAAAAAAAAAAAAAA',
      consentId: 'cns_x',
      clientId: 'diabetes-diary',
    });
    // A Fetch API Headers object and the body as bytes work the same.
    const headers = new Headers(headersFor());
    await expect(
      verifyDeletionRequest({ headers, body: new TextEncoder().encode(body), jwks, now: NOW }),
    ).resolves.toMatchObject({ consentId: 'cns_x' });
  });

  it('rejects a bad signature: an altered body, another key, another id, a v1 (HMAC) signature only', async () => {
    const altered = body.replace('cns_x', 'cns_y');
    expect(await rejection(verifyDeletionRequest({ headers: headersFor(), body: altered, jwks, now: NOW }))).toBe(
      'webhook_signature_invalid',
    );
    const forger = platformKey('webhooks-1');
    const forged = headersFor({ key: forger.key });
    expect(await rejection(verifyDeletionRequest({ headers: forged, body, jwks, now: NOW }))).toBe(
      'webhook_signature_invalid',
    );
    const moved = { ...headersFor(), 'webhook-id': 'msg_2' };
    expect(await rejection(verifyDeletionRequest({ headers: moved, body, jwks, now: NOW }))).toBe(
      'webhook_signature_invalid',
    );
    const hmac = { ...headersFor(), 'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' };
    expect(await rejection(verifyDeletionRequest({ headers: hmac, body, jwks, now: NOW }))).toBe(
      'webhook_signature_invalid',
    );
  });

  it('rejects a timestamp more than 5 minutes off, either way', async () => {
    for (const at of [NOW - 301_000, NOW + 301_000]) {
      const headers = headersFor({ at });
      expect(await rejection(verifyDeletionRequest({ headers, body, jwks, now: NOW }))).toBe(
        'webhook_timestamp_invalid',
      );
    }
    for (const at of [NOW - 299_000, NOW + 299_000]) {
      await expect(verifyDeletionRequest({ headers: headersFor({ at }), body, jwks, now: NOW })).resolves.toBeDefined();
    }
  });

  it('rejects a replayed id, and only after the signature verified', async () => {
    const seen = new MemorySeenWebhookIds(60_000, () => NOW);
    await verifyDeletionRequest({ headers: headersFor(), body, jwks, now: NOW, seen });
    expect(await rejection(verifyDeletionRequest({ headers: headersFor(), body, jwks, now: NOW, seen }))).toBe(
      'webhook_replayed',
    );
    // The platform's redelivery carries a new timestamp and signature, and the same id: still a duplicate.
    const later = headersFor({ at: NOW + 30_000 });
    expect(await rejection(verifyDeletionRequest({ headers: later, body, jwks, now: NOW + 30_000, seen }))).toBe(
      'webhook_replayed',
    );
    // A forged request cannot burn an id it does not have a signature for.
    const forger = platformKey('x');
    const forged = headersFor({ id: 'msg_fresh', key: forger.key });
    await rejection(verifyDeletionRequest({ headers: forged, body, jwks, now: NOW, seen }));
    await expect(
      verifyDeletionRequest({ headers: headersFor({ id: 'msg_fresh' }), body, jwks, now: NOW, seen }),
    ).resolves.toMatchObject({ webhookId: 'msg_fresh' });
  });

  it('forgets ids after the retention', () => {
    let now = NOW;
    const seen = new MemorySeenWebhookIds(1_000, () => now);
    expect(seen.add('a')).toBe(true);
    expect(seen.add('a')).toBe(false);
    now += 1_001;
    expect(seen.add('a')).toBe(true);
  });

  it('rejects missing or malformed headers and bodies that are not deletion requests', async () => {
    const { 'webhook-signature': _, ...unsigned } = headersFor();
    expect(await rejection(verifyDeletionRequest({ headers: unsigned, body, jwks, now: NOW }))).toBe('webhook_invalid');
    const badTime = { ...headersFor(), 'webhook-timestamp': '1e9' };
    expect(await rejection(verifyDeletionRequest({ headers: badTime, body, jwks, now: NOW }))).toBe('webhook_invalid');
    const other = JSON.stringify({ type: 'something.else', data: {} });
    const headers = headersFor({ text: other });
    expect(await rejection(verifyDeletionRequest({ headers, body: other, jwks, now: NOW }))).toBe('webhook_invalid');
  });

  it('verifies during a key rotation: by webhook-key-id, or by trying the published keys', async () => {
    const next = platformKey('webhooks-2');
    const rotated = { keys: [next.jwk, platform.jwk] };
    for (const headers of [headersFor(), headersFor({ kid: 'webhooks-1' }), headersFor({ key: next.key })]) {
      await expect(verifyDeletionRequest({ headers, body, jwks: rotated, now: NOW })).resolves.toBeDefined();
    }
    // A key id naming the wrong key does not make a good signature fail…
    const misnamed = headersFor({ kid: 'webhooks-2' });
    expect(await rejection(verifyDeletionRequest({ headers: misnamed, body, jwks: rotated, now: NOW }))).toBe(
      'webhook_signature_invalid',
    );
    // …but a retired key removed from the set no longer verifies.
    expect(
      await rejection(verifyDeletionRequest({ headers: headersFor(), body, jwks: { keys: [next.jwk] }, now: NOW })),
    ).toBe('webhook_signature_invalid');
  });
});

describe('signDeletionReceipt', () => {
  const claims = {
    requestId: 'del_AAAAAAAAAAAAAAAAAAAAAA',
    consentId: 'cns_x',
    clientId: 'diabetes-diary',
    audience: 'https://healthbank.example.tw',
  };

  it.each([
    ['EdDSA', 'ed25519'],
    ['ES256', 'ec'],
  ] as const)('signs a %s receipt that jose verifies with the registered public key', async (alg, type) => {
    const { privateKey, publicKey } =
      type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    const key = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'receipts-1' };
    const receipt = await signDeletionReceipt({ ...claims, key, now: NOW });
    expect(decodeProtectedHeader(receipt)).toEqual({ alg, typ: 'deletion-receipt+jwt', kid: 'receipts-1' });
    const registered = { keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'receipts-1' }] };
    const { payload } = await jwtVerify(receipt, createLocalJWKSet(registered as never), {
      typ: 'deletion-receipt+jwt',
      issuer: 'diabetes-diary',
      audience: 'https://healthbank.example.tw',
      currentDate: new Date(NOW),
    });
    expect(payload).toEqual({
      iss: 'diabetes-diary',
      aud: 'https://healthbank.example.tw',
      iat: NOW / 1000,
      deletion_request_id: claims.requestId,
      consent_id: 'cns_x',
    });
  });

  it('signs with a non-extractable CryptoKey', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const receipt = await signDeletionReceipt({ ...claims, key: { cryptoKey: pair.privateKey, alg: 'EdDSA' } });
    const [input = '', , signature = ''] = receipt.split('.');
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      pair.publicKey,
      Buffer.from(signature, 'base64url'),
      new TextEncoder().encode(`${input}.${receipt.split('.')[1]}`),
    );
    expect(ok).toBe(true);
  });

  it('refuses a key without its private part, or of another type', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const publicOnly = publicKey.export({ format: 'jwk' }) as JWK;
    expect(await rejection(signDeletionReceipt({ ...claims, key: publicOnly }))).toBe('receipt_key_invalid');
    const rsa = { kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' };
    expect(await rejection(signDeletionReceipt({ ...claims, key: rsa }))).toBe('receipt_key_invalid');
  });
});
