import { describe, expect, it } from 'vitest';
import { guardedLookup, isPublicAddress, targetUrlError } from './ssrf.js';

const PRODUCTION = { allowPrivate: false, requireHttps: true };
const SANDBOX = { allowPrivate: true, requireHttps: false };

describe('the webhook SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1', // IPv4-mapped loopback
    '::ffff:a9fe:a9fe', // IPv4-mapped metadata address, in hex
    '64:ff9b::a9fe:a9fe', // NAT64 of the metadata address
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('requires https in production and refuses address literals that are not public', () => {
    expect(targetUrlError('https://app.example.tw/hooks', PRODUCTION)).toBeUndefined();
    expect(targetUrlError('http://app.example.tw/hooks', PRODUCTION)).toBe('https required');
    expect(targetUrlError('https://127.0.0.1/hooks', PRODUCTION)).toBe('address not public');
    expect(targetUrlError('https://[::1]/hooks', PRODUCTION)).toBe('address not public');
    expect(targetUrlError('https://169.254.169.254/latest/meta-data', PRODUCTION)).toBe('address not public');
    expect(targetUrlError('https://u:p@app.example.tw/', PRODUCTION)).toBe('user information in URL');
    expect(targetUrlError('file:///etc/passwd', SANDBOX)).toBe('not an http(s) URL');
    expect(targetUrlError('http://127.0.0.1:3000/hooks', SANDBOX)).toBeUndefined();
  });

  it('refuses a name that resolves to a private address, in the socket’s own lookup', async () => {
    const lookup = (policy: typeof PRODUCTION, host: string) =>
      new Promise<string>((resolve) =>
        guardedLookup(policy)(host, { all: true }, (error, addresses) =>
          resolve(error ? String(error.code) : JSON.stringify(addresses)),
        ),
      );
    expect(await lookup(PRODUCTION, 'localhost')).toBe('EADDRNOTPUBLIC');
    expect(await lookup(SANDBOX, 'localhost')).toMatch(/127\.0\.0\.1|::1/);
  });
});
