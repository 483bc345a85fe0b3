/**
 * Where the platform may send a webhook. An app registers the URL, so it is attacker-chosen input:
 * without a guard, a registration pointing at 169.254.169.254 or an internal admin port would make
 * the platform an SSRF proxy (ASVS 4.0.3 V12.6.1; OWASP SSRF Prevention Cheat Sheet, "case 2":
 * validate the resolved address, not the name). Outside the sandbox only public unicast addresses
 * are reached; the check runs in the socket's own DNS lookup, so the address validated is the
 * address connected to (no DNS-rebinding gap between check and use).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export interface TargetPolicy {
  /** Loopback and private addresses allowed: the sandbox, where example apps run beside us. */
  allowPrivate: boolean;
  /** https only: production (RFC 9110 §4.2.2; the webhook tells the app whose data to delete). */
  requireHttps: boolean;
}

/** Addresses that are not the public internet (IANA special-purpose registries, RFC 6890). */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT, RFC 6598
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: reaches IPv4 space, private included
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** True for an address on the public internet. IPv4-mapped IPv6 addresses are judged as IPv4. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return isPublicAddress(mapped[1]);
  if (/^::ffff:/i.test(address)) return false;
  return !NOT_PUBLIC.check(address, 'ipv6');
}

/** Why a URL may not be a webhook target under the policy, or undefined when it may. */
export function targetUrlError(target: string, policy: TargetPolicy): string | undefined {
  const url = URL.parse(target);
  if (!url) return 'not an absolute URL';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not an http(s) URL';
  if (policy.requireHttps && url.protocol !== 'https:') return 'https required';
  if (url.username || url.password) return 'user information in URL';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An address literal never goes through the DNS lookup below, so it is judged here.
  if (isIP(host) && !policy.allowPrivate && !isPublicAddress(host)) return 'address not public';
  return undefined;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that refuses names resolving to any non-public address (all of
 * them are checked: the socket may try each).
 */
export function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = policy.allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused) {
        const denied = Object.assign(new Error('webhook target resolves to a non-public address'), {
          code: 'EADDRNOTPUBLIC',
        });
        return callback(denied, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
