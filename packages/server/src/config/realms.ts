/**
 * One deployment, two realms. Production (the public URL) serves real citizens and reviewed apps;
 * the sandbox (its own origin) serves synthetic citizens and sandbox clients. Each realm is the same
 * platform built from its own configuration: its issuer, signing keys, export keys and root secret
 * differ, so nothing one realm issues (a token, a file, a cookie, a CSRF token, a pairwise subject)
 * means anything to the other.
 */
import { hkdfSync } from 'node:crypto';
import type { Config } from './config.js';

export type Realm = 'sandbox' | 'production';

/** The realm a configuration builds. */
export const realmOf = (config: Pick<Config, 'sandbox'>): Realm => (config.sandbox ? 'sandbox' : 'production');

/** Production's configuration: the deployment's own settings, without the sandbox's shortcuts. */
export function productionRealm(config: Config): Config {
  return { ...config, sandbox: false };
}

/** The sandbox's configuration, when the deployment serves one. */
export function sandboxRealm(config: Config): Config | undefined {
  const sandbox = config.sandboxRealm;
  if (!sandbox) return undefined;
  const { sandboxRealm: _sandbox, ...rest } = config;
  return {
    ...rest,
    sandbox: true,
    publicUrl: sandbox.publicUrl,
    port: sandbox.port,
    signingKeys: sandbox.signingKeys,
    exportSigningKeys: sandbox.exportSigningKeys,
    // RFC 5869: one root secret, an independent key per realm.
    secret: Buffer.from(hkdfSync('sha256', config.secret, 'healthbank', 'realm/sandbox', 32)).toString('base64url'),
  };
}
