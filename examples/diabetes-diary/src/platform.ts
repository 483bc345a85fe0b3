/**
 * Where the platform is. A real app builds its issuer, client id and redirect URI into its
 * configuration; the sandbox serves them at `config.json` beside the app because its address
 * (host and port) changes with every `healthbank start`.
 */
import { configure, type HealthBankClient } from '@healthbank/sdk';
import type { Locale } from './ui/messages.js';

export interface PlatformConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /**
   * A build for the organisation's integration test in the sandbox: the diary offers to judge the
   * platform's tampered test files (`checkTestFiles`), which the integration checklist requires.
   */
  integrationTest?: boolean;
}

/** Reads `config.json` from the app's own folder. */
export async function loadPlatformConfig(base: URL): Promise<PlatformConfig> {
  const response = await fetch(new URL('config.json', base), { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = (await response.json()) as Partial<PlatformConfig>;
  if (
    typeof config.issuer !== 'string' ||
    typeof config.clientId !== 'string' ||
    typeof config.redirectUri !== 'string'
  ) {
    throw new Error('config.json is incomplete');
  }
  return {
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    ...(config.integrationTest === true ? { integrationTest: true } : {}),
  };
}

/** The SDK client, asking the platform's pages to speak her language. */
export function healthBank(config: PlatformConfig, locale: Locale): HealthBankClient {
  return configure({ ...config, locale });
}
