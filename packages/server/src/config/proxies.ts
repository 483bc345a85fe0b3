/**
 * `TRUSTED_PROXIES`: the addresses whose `X-Forwarded-For` and `X-Forwarded-Proto` the platform
 * believes. Nobody else's: a client that can set the header itself would otherwise pick the
 * address every per-client limit counts against (ASVS V13.1.x; RFC 7239 §8.1 on spoofed
 * forwarding headers). Default none: the socket's own address is the client.
 */
import { isIP } from 'node:net';

/** proxy-addr's names for whole ranges, which Fastify's `trustProxy` accepts as they are. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Parses a comma-separated list of IP addresses, CIDR ranges and range names; throws on anything else. */
export function parseTrustedProxies(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const item = entry.trim();
    if (RANGE_NAMES.has(item)) return item;
    const [address = '', bits, extra] = item.split('/');
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !validBits || extra !== undefined) {
      throw new Error(`TRUSTED_PROXIES: ${JSON.stringify(item)} is not an IP address, CIDR range or range name`);
    }
    return item;
  });
}
