/**
 * The keys webhooks are signed with: a private JWK Set of Ed25519 keys read from
 * `HEALTHBANK_WEBHOOK_SIGNING_KEYS`. Standard Webhooks' asymmetric scheme (`v1a`) is ed25519, so
 * apps verify with the public half published at `/.well-known/webhooks-jwks.json` and hold no
 * secret of ours. The first key signs; every key is published, so a rotation can publish the next
 * key before it signs (`healthbank keys rotate HEALTHBANK_WEBHOOK_SIGNING_KEYS`).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as z from 'zod';

export const WEBHOOK_SIGNING_KEYS_ENV = 'HEALTHBANK_WEBHOOK_SIGNING_KEYS';

/**
 * Published in this file, so anything it signs is forgeable: development and the sandbox only.
 * Production refuses it (ASVS V6.4.1: keys come from the deployment, never from source code).
 */
export const DEVELOPMENT_WEBHOOK_SIGNING_KEY = {
  kty: 'OKP',
  crv: 'Ed25519',
  kid: 'healthbank-development-webhooks-ed25519',
  alg: 'EdDSA',
  use: 'sig',
  x: 'n6MmeDPknGKNPFGxWBnVoHJ3LmXP-rVPnIJPjJkRrfQ',
  d: 'NtErnQ57pABtjq0A9p71S5G-0BseJP66k5BbkP64aos',
} as const;

const coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const ed25519Key = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  kid: z.string().min(1).max(128),
  alg: z.literal('EdDSA').optional(),
  use: z.literal('sig').optional(),
  x: coordinate,
  d: coordinate.optional(),
});

/** Ed25519 keys only (the `v1a` scheme), unique kids, and a private first key (the one that signs). */
export const webhookSigningKeysSchema = z
  .object({ keys: z.array(ed25519Key).min(1) })
  .refine((set) => set.keys[0]?.d !== undefined, { message: 'the first key signs, so it needs its private part (d)' })
  .refine((set) => new Set(set.keys.map((k) => k.kid)).size === set.keys.length, {
    message: 'key ids (kid) must be unique',
  });

export type WebhookSigningKeys = z.infer<typeof webhookSigningKeysSchema>;

export class WebhookKeyError extends Error {
  override name = 'WebhookKeyError';
}

/** A fresh copy of the development key set. */
export function developmentWebhookSigningKeys(): WebhookSigningKeys {
  return { keys: [{ ...DEVELOPMENT_WEBHOOK_SIGNING_KEY }] };
}

/**
 * Reads the set from the variable's JSON; the development set when unset. Throws
 * `WebhookKeyError` naming the variable when the JSON or a key is invalid.
 *
 * @example
 * ```ts
 * const keys = parseWebhookSigningKeys(process.env.HEALTHBANK_WEBHOOK_SIGNING_KEYS);
 * ```
 */
export function parseWebhookSigningKeys(json: string | undefined): WebhookSigningKeys {
  if (json === undefined || json.trim() === '') return developmentWebhookSigningKeys();
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new WebhookKeyError(`${WEBHOOK_SIGNING_KEYS_ENV} is not valid JSON`);
  }
  const parsed = webhookSigningKeysSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookKeyError(`${WEBHOOK_SIGNING_KEYS_ENV}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** For the production config check: throws unless the set is the deployment's own (ASVS V6.4.1). */
export function assertProductionWebhookKeys(set: WebhookSigningKeys): void {
  if (set.keys.some((k) => k.d === DEVELOPMENT_WEBHOOK_SIGNING_KEY.d)) {
    throw new WebhookKeyError(
      `production requires ${WEBHOOK_SIGNING_KEYS_ENV} (the development webhook signing key is public)`,
    );
  }
}

/** The signing key, imported once, and the published JWKS. */
export interface WebhookKeyring {
  readonly signing: { readonly kid: string; readonly key: KeyObject };
  /** Public halves only. */
  readonly jwks: { keys: Record<string, string>[] };
}

/**
 * Imports the set; the signing key's public half is checked against its private half.
 *
 * @example
 * ```ts
 * const keyring = loadWebhookKeyring(config.webhookSigningKeys);
 * keyring.jwks; // what /.well-known/webhooks-jwks.json serves
 * ```
 */
export function loadWebhookKeyring(set: WebhookSigningKeys): WebhookKeyring {
  const parsed = webhookSigningKeysSchema.parse(set);
  const first = parsed.keys[0] as WebhookSigningKeys['keys'][number];
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: first.x, d: first.d as string }, format: 'jwk' });
    // createPrivateKey derives the public key from d; a mismatched x would make every signature fail.
    const derived = key.export({ format: 'jwk' }) as { x?: string };
    if (derived.x !== first.x) throw new Error('x does not match d');
  } catch (cause) {
    throw new WebhookKeyError(`webhook signing key "${first.kid}" cannot be imported`, { cause });
  }
  return {
    signing: { kid: first.kid, key },
    jwks: {
      keys: parsed.keys.map((k) => ({ kty: 'OKP', crv: 'Ed25519', kid: k.kid, x: k.x, alg: 'EdDSA', use: 'sig' })),
    },
  };
}
