/**
 * The platform's signing keys (ID tokens now, export files later) as a private JWK Set, and the
 * public development key that production refuses.
 */
import * as z from 'zod';

/**
 * A P-256 key published in this file, so anything it signs is forgeable: usable only where every
 * citizen is synthetic. `loadConfig` refuses it in production (ASVS V6.4.1: keys come from the
 * deployment, never from source code).
 */
export const DEVELOPMENT_SIGNING_KEY = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'healthbank-development-es256',
  use: 'sig',
  alg: 'ES256',
  x: 'muRSU1F2E2aw4kVjcLA-eUwo9HMzHi304ZcDC2hPSvk',
  y: 'vWgCO3mJ4KrMNpFWcGQ-rKj198-i2Nw996Ychy3lAfY',
  d: 'qKaeVVKuXlcvvTzNTNTzfAENMPJsB3Sw2i1k-Irrf_c',
} as const;

const privateJwk = z
  .object({
    kty: z.enum(['EC', 'OKP', 'RSA']),
    kid: z.string().min(1),
    d: z.string().min(1),
  })
  .catchall(z.unknown());

/**
 * A private JWK Set. Every key names itself (`kid`), so rotation can publish the next key before
 * signing with it; the first key of each type signs. At least one must be EC P-256: FAPI 2.0 §5.4
 * admits PS256, ES256 and EdDSA, and ES256 is what every client library verifies.
 */
export const signingKeysSchema = z
  .object({ keys: z.array(privateJwk).min(1) })
  .refine((set) => set.keys.some((k) => k.kty === 'EC' && k.crv === 'P-256'), {
    message: 'needs at least one EC P-256 key (ES256)',
  })
  .refine((set) => new Set(set.keys.map((k) => k.kid)).size === set.keys.length, {
    message: 'key ids (kid) must be unique',
  });

export type SigningKeys = z.infer<typeof signingKeysSchema>;

/** The development key set: one ES256 key. */
export const developmentSigningKeys = (): SigningKeys => ({ keys: [{ ...DEVELOPMENT_SIGNING_KEY }] });

/** True when the set holds the published development key (by its private part, whatever its kid). */
export function usesDevelopmentKey(set: SigningKeys): boolean {
  return set.keys.some((k) => k.d === DEVELOPMENT_SIGNING_KEY.d);
}
