import { loadConfig } from '@healthbank/server';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

/** Reads `NAME='value'` lines as a shell would (single quotes, no escapes inside). */
function envFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => {
      const [, name = '', value = ''] = /^([A-Z_]+)='(.*)'$/.exec(line) ?? [];
      return [name, value] as const;
    });
  return Object.fromEntries(entries);
}

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/hb',
  PUBLIC_URL: 'https://hb.example.tw',
  SMTP_URL: 'smtps://hb:pw@mail.example.tw',
  UPSTREAM_OIDC_ISSUER: 'https://id.example.tw',
  UPSTREAM_OIDC_CLIENT_ID: 'healthbank',
};

/** `healthbank` on the day these keys are named after. */
const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, env, '2026-12-03');

describe('healthbank keys', () => {
  it('generates a secret and the key sets (production’s, the sandbox’s) that a production configuration accepts', async () => {
    const { code, stdout } = await cli(['keys', 'generate', '--upstream']);
    expect(code).toBe(0);
    const generated = envFile(stdout);
    expect(Object.keys(generated).sort()).toEqual([
      'HEALTHBANK_EXPORT_SIGNING_KEYS',
      'HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS',
      'HEALTHBANK_SANDBOX_SIGNING_JWKS',
      'HEALTHBANK_SECRET',
      'HEALTHBANK_SIGNING_JWKS',
      'HEALTHBANK_WEBHOOK_SIGNING_KEYS',
      'UPSTREAM_OIDC_JWKS',
    ]);
    const config = loadConfig({ ...PRODUCTION, ...generated });
    // With SANDBOX_PUBLIC_URL the sandbox realm uses its own generated keys.
    const withSandbox = loadConfig({
      ...PRODUCTION,
      ...generated,
      SANDBOX_PUBLIC_URL: 'https://sandbox.healthbank.example',
    });
    expect(withSandbox.sandboxRealm?.signingKeys.keys[0]?.kid).toMatch(/^sandbox-oauth-2026-12-03-/);
    expect(config.secret).toHaveLength(64);
    expect(config.signingKeys.keys[0]?.kid).toMatch(/^oauth-2026-12-03-[0-9a-f]{6}$/);
    expect(config.exportSigningKeys.keys[0]?.kid).toMatch(/^export-2026-12-03-/);
    expect(config.upstreamOidc?.jwks.keys[0]?.kid).toMatch(/^upstream-2026-12-03-/);
    expect(config.webhookSigningKeys.keys[0]).toMatchObject({
      kid: expect.stringMatching(/^webhooks-2026-12-03-/),
      crv: 'Ed25519',
    });
    // Without --upstream there is no upstream key: setting it alone would switch that sign-in on.
    const plain = envFile((await cli(['keys', 'generate'])).stdout);
    expect(Object.keys(plain)).not.toContain('UPSTREAM_OIDC_JWKS');
    // Every run is new: nothing is derived from anything published.
    const again = envFile((await cli(['keys', 'generate'])).stdout);
    expect(again.HEALTHBANK_SECRET).not.toBe(generated.HEALTHBANK_SECRET);
    expect(again.HEALTHBANK_SIGNING_JWKS).not.toBe(generated.HEALTHBANK_SIGNING_JWKS);
  });

  it('rotates: a new key signs, the current one stays published, older ones go', async () => {
    const generated = envFile((await cli(['keys', 'generate', '--upstream'])).stdout);
    const first = await cli(['keys', 'rotate', 'HEALTHBANK_EXPORT_SIGNING_KEYS'], generated);
    expect(first.code).toBe(0);
    const once = envFile(first.stdout).HEALTHBANK_EXPORT_SIGNING_KEYS ?? '';
    const keys = (JSON.parse(once) as { keys: { kid: string; d?: string }[] }).keys;
    const previous = (JSON.parse(generated.HEALTHBANK_EXPORT_SIGNING_KEYS ?? '') as { keys: { kid: string }[] })
      .keys[0];
    expect(keys.map((k) => k.kid)).toEqual([expect.stringMatching(/^export-/), previous?.kid]);
    // A retired export key verifies old files; its private half is no longer needed.
    expect(keys[0]?.d).toBeDefined();
    expect(keys[1]?.d).toBeUndefined();
    expect(
      loadConfig({ ...PRODUCTION, ...generated, HEALTHBANK_EXPORT_SIGNING_KEYS: once }).exportSigningKeys.keys,
    ).toHaveLength(2);
    expect(first.stderr).toContain(`${previous?.kid} stays published`);

    const twice = envFile(
      (await cli(['keys', 'rotate', 'HEALTHBANK_EXPORT_SIGNING_KEYS'], { HEALTHBANK_EXPORT_SIGNING_KEYS: once }))
        .stdout,
    );
    const kids = (JSON.parse(twice.HEALTHBANK_EXPORT_SIGNING_KEYS ?? '') as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );
    expect(kids).toHaveLength(2);
    expect(kids[1]).toBe(keys[0]?.kid);

    // ID-token keys keep their private part: oidc-provider needs every key of its set whole.
    const oauth = envFile((await cli(['keys', 'rotate', 'HEALTHBANK_SIGNING_JWKS'], generated)).stdout);
    const rotated = loadConfig({ ...PRODUCTION, ...generated, ...oauth });
    expect(rotated.signingKeys.keys.map((k) => Boolean(k.d))).toEqual([true, true]);
  });

  it('prints the public half of a key set, with no private member', async () => {
    const generated = envFile((await cli(['keys', 'generate', '--upstream'])).stdout);
    const { code, stdout } = await cli(['keys', 'public', 'UPSTREAM_OIDC_JWKS'], generated);
    expect(code).toBe(0);
    const jwks = JSON.parse(stdout) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it.each([
    [['keys', 'rotate', 'HEALTHBANK_SECRET'], {}, /unknown key set/],
    [['keys', 'rotate', 'HEALTHBANK_SIGNING_JWKS'], {}, /HEALTHBANK_SIGNING_JWKS is not set/],
    [['keys', 'public', 'UPSTREAM_OIDC_JWKS'], { UPSTREAM_OIDC_JWKS: '{nope' }, /not valid JSON/],
    [['keys', 'public', 'UPSTREAM_OIDC_JWKS'], { UPSTREAM_OIDC_JWKS: '{"keys":[]}' }, /at least one key/],
  ])('%j exits 2 with one line', async (args, env, message) => {
    const { code, stdout, stderr } = await cli(args, env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
