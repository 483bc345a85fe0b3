import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../clock.js';
import { DEVELOPMENT_SIGNING_KEY } from '../../../config/signing-keys.js';
import { UpstreamClient, type UpstreamOidcSettings, upstreamRedirectUri } from './client.js';
import { withFormTargets } from './index.js';

const settings = (issuer: string): UpstreamOidcSettings => ({
  issuer,
  clientId: 'healthbank',
  jwks: { keys: [{ ...DEVELOPMENT_SIGNING_KEY }] },
  nationalIdClaim: 'national_id',
  scope: 'openid',
  name: { 'zh-TW': '政府數位身分', en: 'Government digital identity' },
});
const make = (issuer: string, environment: 'development' | 'test' | 'production') =>
  new UpstreamClient({ settings: settings(issuer), environment, clock: new ManualClock() });

describe('UpstreamClient', () => {
  it('takes an https issuer anywhere', () => {
    expect(make('https://id.example.gov.tw', 'production').issuer.href).toBe('https://id.example.gov.tw/');
  });

  it.each(['http://127.0.0.1:4000', 'http://localhost:4000', 'http://[::1]:4000'])(
    'takes an http issuer on loopback outside production: %s',
    (issuer) => {
      expect(() => make(issuer, 'test')).not.toThrow();
      expect(() => make(issuer, 'development')).not.toThrow();
    },
  );

  it('refuses plain http in production, even on loopback', () => {
    expect(() => make('http://127.0.0.1:4000', 'production')).toThrow(/http:\/\/ only on loopback/);
  });

  it('refuses plain http to another host outside production', () => {
    expect(() => make('http://id.example.gov.tw', 'development')).toThrow(/http:\/\/ only on loopback/);
  });

  it('refuses, at start, a first key that is not a private key', () => {
    const broken = settings('https://id.example.gov.tw');
    broken.jwks = { keys: [{ kty: 'EC', kid: 'broken', d: 'not-a-key' }] };
    expect(
      () => new UpstreamClient({ settings: broken, environment: 'production', clock: new ManualClock() }),
    ).toThrow();
  });

  it("allows the form to lead to the issuer's origin before discovery", () => {
    expect(make('https://id.example.gov.tw/oidc', 'production').formTargets()).toEqual(['https://id.example.gov.tw']);
  });
});

describe('upstreamRedirectUri', () => {
  it('is the fixed callback under the public URL', () => {
    expect(upstreamRedirectUri('https://healthbank.example.tw')).toBe(
      'https://healthbank.example.tw/signin/upstream/callback',
    );
  });
});

describe('withFormTargets', () => {
  it('adds origins to form-action and leaves every other directive alone', () => {
    const policy = "default-src 'none'; form-action 'self'; frame-ancestors 'none'";
    expect(withFormTargets(policy, ['https://id.example.gov.tw'])).toBe(
      "default-src 'none'; form-action 'self' https://id.example.gov.tw; frame-ancestors 'none'",
    );
  });

  it('adds each origin once', () => {
    expect(withFormTargets("form-action 'self' https://a.test", ['https://a.test', 'https://b.test'])).toBe(
      "form-action 'self' https://a.test https://b.test",
    );
  });
});
