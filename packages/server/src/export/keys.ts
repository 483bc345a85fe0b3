/**
 * The platform's export signing keys: a private JWK Set read from `HEALTHBANK_EXPORT_SIGNING_KEYS`.
 * The first key signs new files; every key of the set is published, so files signed before a
 * rotation keep verifying until their key is dropped from the set. Keys after the first may be
 * public only: a retired key's private half can be destroyed while its public half stays published.
 * Export files get keys of their own, apart from the ID-token keys (one key, one purpose).
 */
import type { ExportSigningAlg } from '@healthbank/records';
import { type CryptoKey, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import * as z from 'zod';
import { DEVELOPMENT_SIGNING_KEY } from '../config/signing-keys.js';

/** The environment variable holding the production key set (JSON). */
export const EXPORT_SIGNING_KEYS_ENV = 'HEALTHBANK_EXPORT_SIGNING_KEYS';

/**
 * Two published development keys: an ES256 key that signs, and an EdDSA key standing for the
 * previous one (still published, no longer signing), so rotation is exercised from the start.
 * Anything they sign is forgeable; production refuses them (ASVS V6.4.1).
 */
export const DEVELOPMENT_EXPORT_SIGNING_KEYS = {
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      kid: 'healthbank-development-export-es256-2',
      alg: 'ES256',
      use: 'sig',
      x: 'D4npck1D1JcWRB_71ZjVBbdO7z2-uHZ7RcnYX2yudXM',
      y: 'rDjec599uxCRCknYNyNOD3ZvLOvFC7JytaiqhgWXxjw',
      d: 'UwdtF6B_fz7jzYSQtSsxDMgdt4ec17wL_WUqCq-kkEA',
    },
    {
      kty: 'OKP',
      crv: 'Ed25519',
      kid: 'healthbank-development-export-eddsa-1',
      alg: 'EdDSA',
      use: 'sig',
      x: 'f5mFNseYkiygz38_nj_4Xw53IY33Pomc7CRHL9UOyq4',
      d: 'zZr778EgliambusvVT2BIcb8kZb8uJlztQmTWIsAvxE',
    },
  ],
} as const;

const coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const common = {
  kid: z.string().min(1).max(128),
  use: z.literal('sig').optional(),
  d: coordinate.optional(),
};
const ecKey = z.looseObject({
  ...common,
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  alg: z.literal('ES256').optional(),
  x: coordinate,
  y: coordinate,
});
const okpKey = z.looseObject({
  ...common,
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  alg: z.literal('EdDSA').optional(),
  x: coordinate,
});

/**
 * An export signing key set: ES256 (P-256) and EdDSA (Ed25519) keys only, unique `kid`s, and a
 * private first key (the one that signs).
 */
export const exportSigningKeysSchema = z
  .object({ keys: z.array(z.discriminatedUnion('kty', [ecKey, okpKey])).min(1) })
  .refine((set) => set.keys[0]?.d !== undefined, { message: 'the first key signs, so it needs its private part (d)' })
  .refine((set) => new Set(set.keys.map((k) => k.kid)).size === set.keys.length, {
    message: 'key ids (kid) must be unique',
  });

export type ExportSigningKeys = z.infer<typeof exportSigningKeysSchema>;
type ExportSigningKey = ExportSigningKeys['keys'][number];

export class ExportKeyError extends Error {
  override name = 'ExportKeyError';
}

/** A fresh copy of the development key set. */
export function developmentExportSigningKeys(): ExportSigningKeys {
  return structuredClone(DEVELOPMENT_EXPORT_SIGNING_KEYS) as unknown as ExportSigningKeys;
}

/**
 * Reads the key set from the environment variable's JSON; the development set when it is unset.
 * Throws `ExportKeyError` naming the variable when the JSON or a key is invalid.
 */
export function parseExportSigningKeys(json: string | undefined): ExportSigningKeys {
  if (json === undefined || json.trim() === '') return developmentExportSigningKeys();
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ExportKeyError(`${EXPORT_SIGNING_KEYS_ENV} is not valid JSON`);
  }
  const parsed = exportSigningKeysSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExportKeyError(`${EXPORT_SIGNING_KEYS_ENV}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * True when the set holds a published development key, recognised by its private part whatever
 * its kid: an export key or the ID-token development key reused.
 */
export function usesDevelopmentExportKey(set: ExportSigningKeys): boolean {
  const published = new Set<string>([
    ...DEVELOPMENT_EXPORT_SIGNING_KEYS.keys.map((k) => k.d),
    DEVELOPMENT_SIGNING_KEY.d,
  ]);
  return set.keys.some((k) => k.d !== undefined && published.has(k.d));
}

/** For the production config check: throws unless the set is a deployment's own (ASVS V6.4.1). */
export function assertProductionExportKeys(set: ExportSigningKeys): void {
  if (usesDevelopmentExportKey(set)) {
    throw new ExportKeyError(
      `production requires ${EXPORT_SIGNING_KEYS_ENV} (the development export signing keys are public)`,
    );
  }
}

const algorithmOf = (key: ExportSigningKey): ExportSigningAlg => (key.kty === 'EC' ? 'ES256' : 'EdDSA');

/** The public half of a key, as published: no private member survives. */
function publicJwk(key: ExportSigningKey): JWK {
  const shape =
    key.kty === 'EC' ? { kty: key.kty, crv: key.crv, x: key.x, y: key.y } : { kty: key.kty, crv: key.crv, x: key.x };
  return { ...shape, kid: key.kid, alg: algorithmOf(key), use: 'sig' };
}

/** The signing keys, imported once at start. */
export interface ExportKeyring {
  /** The key that signs new files: the first of the set. */
  readonly signing: { readonly kid: string; readonly alg: ExportSigningAlg; readonly key: CryptoKey };
  /** Every key of the set, public halves only: what the platform publishes for verification. */
  readonly jwks: JSONWebKeySet;
}

/**
 * Imports the set. Importing the signing key checks its public half against its private half (a
 * mismatch would make every file unverifiable).
 */
export async function loadExportKeyring(set: ExportSigningKeys): Promise<ExportKeyring> {
  const parsed = exportSigningKeysSchema.parse(set);
  const first = parsed.keys[0] as ExportSigningKey;
  const alg = algorithmOf(first);
  let key: CryptoKey;
  try {
    key = (await importJWK({ ...publicJwk(first), d: first.d }, alg)) as CryptoKey;
  } catch (cause) {
    throw new ExportKeyError(`export signing key "${first.kid}" cannot be imported`, { cause });
  }
  return { signing: { kid: first.kid, alg, key }, jwks: { keys: parsed.keys.map(publicJwk) } };
}
