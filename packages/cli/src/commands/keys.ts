/**
 * `healthbank keys`: the secrets a production deployment needs, made on the operator's machine
 * (never in source control: ASVS V6.4.1), and their rotation.
 *
 * - `keys generate` prints a fresh root secret and the private JWK Sets as an env file.
 * - `keys rotate <variable>` reads the current set from that variable and prints the next one: a
 *   new key first (it signs from now on), the previous keys after it, so that everything signed
 *   before the rotation keeps verifying while they stay published.
 * - `keys public <variable>` prints the public half of a set, e.g. the JWKS to register at the
 *   upstream identity provider.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

type Jwk = Record<string, unknown> & { kid?: unknown; d?: unknown };

/** The JWK Sets `keys` knows, by environment variable. */
const KEY_SETS = {
  // ID tokens and the authorization server's own JWTs (ES256, FAPI 2.0 §5.4).
  HEALTHBANK_SIGNING_JWKS: { prefix: 'oauth', keepPrivate: true },
  // Export files: the first key signs; earlier ones stay published, and need no private part.
  HEALTHBANK_EXPORT_SIGNING_KEYS: { prefix: 'export', keepPrivate: false },
  // The sandbox realm's own keys (SANDBOX_PUBLIC_URL): nothing it signs verifies as production's.
  HEALTHBANK_SANDBOX_SIGNING_JWKS: { prefix: 'sandbox-oauth', keepPrivate: true },
  HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS: { prefix: 'sandbox-export', keepPrivate: false },
  // Webhooks (deletion requests): Ed25519, Standard Webhooks' `v1a` scheme; retired keys stay published.
  HEALTHBANK_WEBHOOK_SIGNING_KEYS: { prefix: 'webhooks', keepPrivate: false },
  // private_key_jwt at the upstream identity provider, which needs the previous key until it
  // has fetched the new public set.
  UPSTREAM_OIDC_JWKS: { prefix: 'upstream', keepPrivate: true },
} as const;

type KeySetVariable = keyof typeof KEY_SETS;

/** How many keys a rotated set keeps: the new one and the one it replaces. */
const KEEP = 2;

/** Root secret: 48 random bytes (384 bits), base64url, well over the 32 characters required. */
export function generateSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** A new private ES256 key named after its purpose and the day, e.g. `export-2026-12-03-1a2b3c`. */
export function generateSigningKey(prefix: string, today: string): Jwk {
  const kid = `${prefix}-${today}-${randomBytes(3).toString('hex')}`;
  if (prefix === KEY_SETS.HEALTHBANK_WEBHOOK_SIGNING_KEYS.prefix) {
    const { privateKey } = generateKeyPairSync('ed25519');
    return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid, alg: 'ES256', use: 'sig' };
}

const env = (name: string, value: string) => `${name}='${value}'`;

/**
 * Prints the platform's secrets; with `upstream`, also the key for an upstream identity provider
 * (only then: setting `UPSTREAM_OIDC_JWKS` switches that sign-in on, and it needs the rest of its
 * settings too).
 */
export function keysGenerateCommand(io: CliIo, opts: { upstream?: boolean } = {}): void {
  const today = io.today();
  const sets = Object.entries(KEY_SETS).filter(([name]) => opts.upstream || name !== 'UPSTREAM_OIDC_JWKS');
  const lines = [
    '# healthbank production secrets, made by `healthbank keys generate`. Keep this file out of',
    '# source control and readable by the service alone; see docs/operations.md.',
    env('HEALTHBANK_SECRET', generateSecret()),
    ...sets.map(([name, { prefix }]) => env(name, JSON.stringify({ keys: [generateSigningKey(prefix, today)] }))),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
}

function keySetVariable(name: string): KeySetVariable {
  if (!(name in KEY_SETS)) {
    throw new CliError(`unknown key set ${JSON.stringify(name)}; one of ${Object.keys(KEY_SETS).join(', ')}`);
  }
  return name as KeySetVariable;
}

function readKeySet(io: CliIo, name: KeySetVariable): Jwk[] {
  const json = io.env[name];
  if (!json) throw new CliError(`${name} is not set: export the current key set first`);
  let set: unknown;
  try {
    set = JSON.parse(json);
  } catch {
    throw new CliError(`${name} is not valid JSON`);
  }
  const keys = (set as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null)) {
    throw new CliError(`${name} is not a JWK Set with at least one key`);
  }
  return keys as Jwk[];
}

export function keysRotateCommand(io: CliIo, variable: string): void {
  const name = keySetVariable(variable);
  const { prefix, keepPrivate } = KEY_SETS[name];
  const current = readKeySet(io, name);
  const previous = current.slice(0, KEEP - 1).map((key) => (keepPrivate ? key : withoutPrivateParts(key)));
  const next = { keys: [generateSigningKey(prefix, io.today()), ...previous] };
  io.stdout.write(`${env(name, JSON.stringify(next))}\n`);
  const dropped = current.slice(KEEP - 1).map((k) => String(k.kid));
  io.stderr.write(
    `${name}: ${String(next.keys[0]?.kid)} signs from now on; ${previous.map((k) => String(k.kid)).join(', ')} ` +
      `stays published${dropped.length ? `; dropped ${dropped.join(', ')}` : ''}\n`,
  );
}

export function keysPublicCommand(io: CliIo, variable: string): void {
  const name = keySetVariable(variable);
  const keys = readKeySet(io, name).map(withoutPrivateParts);
  io.stdout.write(`${JSON.stringify({ keys }, null, 2)}\n`);
}

/** The public half of a JWK: every private member (RFC 7518 §6.2.2, §6.3.2) removed. */
function withoutPrivateParts(key: Jwk): Jwk {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...publicPart } = key;
  return publicPart;
}
