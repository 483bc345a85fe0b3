/**
 * Which environment the platform runs in, read so that a mistake fails closed: development
 * settings (a published secret and keys, the persona picker) apply only when `NODE_ENV` is unset
 * or exactly `development` (or `test`) and the server listens on loopback alone. Any other
 * `NODE_ENV` (`prod`, `Production`, `staging`) refuses to start rather than run as development
 * (ASVS V14.1.1 / V13.4: a deployment cannot fall back to insecure defaults by a typo).
 */
import { isIP } from 'node:net';

export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/** The environment `NODE_ENV` names; unset means development. */
export function environmentOf(nodeEnv: string | undefined): Environment {
  if (nodeEnv === undefined || nodeEnv === '') return 'development';
  if ((ENVIRONMENTS as readonly string[]).includes(nodeEnv)) return nodeEnv as Environment;
  throw new EnvironmentError(
    `NODE_ENV must be development, test or production (got ${JSON.stringify(nodeEnv.slice(0, 40))}); ` +
      'an unknown value is refused rather than run with development settings',
  );
}

/** Host names that resolve to this machine only (RFC 6761 §6.3 for `localhost`). */
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.']);

/** True when `host` is an address or name that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (LOOPBACK_NAMES.has(bare.toLowerCase())) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}
