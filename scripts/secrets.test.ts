/**
 * No secret in the repository but the published development ones (OWASP ASVS V14.3.2, V6.4.1):
 * every tracked file is searched for private key material (PEM private keys, the private member
 * `d` of a JWK) and for the shapes of common live credentials. A private key is allowed only when
 * its SHA-256 is on the list below: the development, sandbox and test-vector keys that are
 * published on purpose and refused in production. Anything else fails the suite, so a real key
 * committed by mistake never lands.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** SHA-256 (hex) of each published private key's `d`, and why it may be public. */
const PUBLISHED: Record<string, string> = {
  '0949218eab678fabdc05e7d644f71068140351ac136f1da8d9ace05899cd1e25':
    'development OAuth signing key (config/signing-keys.ts)',
  '9d44dd541a7bab7f870d710db2ca8a3d0a15eb223fb4c1d5afa0ab6a72050900':
    'development export signing key, ES256 (export/keys.ts)',
  '7a95701803a525c7ca7c20829580ae3bcf1f732524b7a5baacbc5c43ad936113':
    'development export signing key, EdDSA (export/keys.ts)',
  '1a7f7db99212cdfe72fe377d8aa8ae2267a3c65a6aad3556df35f75277b51001':
    'development webhook signing key (webhooks/keys.ts)',
  '8b1a3700460e191c382009be166e5f6568edc060cec25466d83c0f796befed76': 'the sandbox diabetes diary’s receipt key',
  c4ffa4776e18fa7e20951b5946b6d447a36c370c6886f3096493652a74b4810c: 'the sandbox tele-consultation client key',
  '731f8ead0f3004a13d8457636063737a95b074e7c46153b0f29263919dda4140': 'the sandbox workplace-health client key',
  '0c9ccc0efa883292f9b414688338caa5463d9565994712ce81e43294700e281d': 'RFC 7518 Appendix C test key',
  b4c19bfb4ab01c978fdb233abcca5a0f2416a6d4fb537ee5bf994b0bd4e6ff2b: 'export-file test vector key',
  b02b174ef16ff81c5a5148a4101cd8b1469b33c54f6bc7ab4e637c7b2c7be0b7: 'export-file test vector key',
  '5c0e87b79a04750e1a323a9a6c59e52d58e3b18dea1b716b62466f23ff170619': 'export-file test vector key',
  aef1a59ebc609fd10bfc3bd95017edb3d961dc27cfd328bc399db9c59075e9a7: 'export-file test vector key',
  '74434c81ef8334cd61052b66f88e9acfc3a9c714f3e8bb863fd9390877cf3e66': 'export-file test vector key (foreign issuer)',
};

/** Shapes of live credentials from common services, whatever file they are in. */
const CREDENTIALS: [string, RegExp][] = [
  ['a PEM private key', /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/],
  ['an AWS access key id', /\bAKIA[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['a Stripe live key', /\b[rs]k_live_[A-Za-z0-9]{16,}/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
];

/** The private member of a JWK, in JSON or in code: `"d": "…"` or `d: '…'`. */
const JWK_PRIVATE = /["']?\bd["']?\s*:\s*["']([A-Za-z0-9_-]{40,})["']/g;

const BINARY = /\.(png|jpe?g|gif|ico|woff2?|ttc|pdf|zip|gz|tgz|sqlite|db)$/;

/** Where the tracked (or given) files hold a secret that is not a published one: `file:line: what`. */
function secretsIn(dir: string, files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (BINARY.test(file)) continue;
    let text: string;
    try {
      text = readFileSync(path.join(dir, file), 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((line, i) => {
      for (const [what, pattern] of CREDENTIALS) if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}`);
      for (const m of line.matchAll(JWK_PRIVATE)) {
        const digest = createHash('sha256')
          .update(m[1] ?? '')
          .digest('hex');
        if (!PUBLISHED[digest]) found.push(`${file}:${i + 1}: a private JWK that is not a published development key`);
      }
    });
  }
  return found;
}

const tracked = () =>
  execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && f !== 'package-lock.json' && f !== path.relative(root, import.meta.filename));

describe('no secret in the repository', () => {
  it('holds no private key or live credential but the published development ones', () => {
    expect(secretsIn(root, tracked())).toEqual([]);
  });

  it('finds one planted: a PEM key, a JWK’s private part, a cloud credential', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    try {
      const pem = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');
      writeFileSync(path.join(dir, 'a.ts'), `const key = \`${pem}\nMIGH…\`;\n`);
      writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ kty: 'EC', d: 'A'.repeat(43) }));
      writeFileSync(path.join(dir, 'c.env'), `AWS=${['AKIA', 'ABCDEFGHIJKLMNOP'].join('')}\n`);
      // A published development key is not reported wherever it appears.
      writeFileSync(path.join(dir, 'd.ts'), "d: 'qKaeVVKuXlcvvTzNTNTzfAENMPJsB3Sw2i1k-Irrf_c'\n");
      expect(secretsIn(dir, ['a.ts', 'b.json', 'c.env', 'd.ts'])).toEqual([
        'a.ts:1: a PEM private key',
        'b.json:1: a private JWK that is not a published development key',
        'c.env:1: an AWS access key id',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
