/**
 * The publishable packages as an integrator gets them: `@healthbank/records` and `@healthbank/sdk`
 * packed with `npm pack`, installed from the tarballs into a scratch project outside the workspace,
 * type-checked there with the project's own tsconfig, and run as a small Node program against a
 * running sandbox platform (PAR + PKCE + DPoP through the installed SDK).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../packages/server/src/auth/testing.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs a command without blocking this process, which also serves the platform; fails with its output. */
const runAsync = (command: string, args: string[], cwd: string) =>
  new Promise<string>((resolve, reject) => {
    execFile(command, args, { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });

const PROGRAM = `import { configure, isSdkError, MemoryStore, type StartResult } from '@healthbank/sdk';
import { fromFhirBundle } from '@healthbank/sdk/fhir';
import { CATEGORY_IDS, isValidNationalId } from '@healthbank/records';

declare const process: { argv: string[] }; // a browser-typed project: no @types/node
const [issuer, clientId, redirectUri] = process.argv.slice(2) as [string, string, string];
const hb = configure({ issuer, clientId, redirectUri, store: new MemoryStore() });
const started: StartResult = await hb.start({ categories: ['lab'], period: { years: 5 }, navigate: false });
let refused = '';
try {
  await hb.start({ categories: ['lab'], period: { years: 7 as 5 }, navigate: false });
} catch (error) {
  refused = error instanceof TypeError ? 'TypeError' : isSdkError(error) ? error.code : 'other';
}
console.log(JSON.stringify({
  authorizationUrl: started.authorizationUrl,
  refused,
  validId: isValidNationalId('A123456789'),
  categories: CATEGORY_IDS.length,
  fhirReader: typeof fromFhirBundle,
}));
`;

describe('the packages as an integrator installs them', () => {
  let scratch: string;
  let platform: TestPlatform;
  const tarballs: Record<string, string> = {};

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'healthbank-pack-'));
    // What `npm publish` would run first: the declarations and JavaScript in dist/.
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/sdk'], ROOT);
    for (const name of ['records', 'sdk']) {
      const packed = JSON.parse(
        run('npm', ['pack', '--json', '--pack-destination', scratch], path.join(ROOT, 'packages', name)),
      );
      tarballs[name] = path.join(scratch, packed[0].filename);
    }
    writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({
        name: 'integrator-app',
        private: true,
        type: 'module',
        dependencies: { '@healthbank/records': `file:${tarballs.records}`, '@healthbank/sdk': `file:${tarballs.sdk}` },
      }),
    );
    // Third-party dependencies come from the npm cache that `npm ci` filled, as on an integrator's machine.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], scratch);
    writeFileSync(
      path.join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          lib: ['es2023', 'dom'],
          types: [],
          skipLibCheck: false,
          outDir: 'dist',
        },
        include: ['main.ts'],
      }),
    );
    writeFileSync(path.join(scratch, 'main.ts'), PROGRAM);
    platform = await startTestPlatform({ dialect: 'sqlite', label: 'sqlite' });
    await registerTestApp(platform, { clientId: 'pack-test-app', clientType: 'public', categories: ['lab'] });
  }, 240_000);
  afterAll(async () => {
    await platform?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('packs ESM with declarations, an exports map, no side effects, a licence and a README', () => {
    for (const name of ['records', 'sdk']) {
      const files = run('tar', ['-tzf', tarballs[name] as string], scratch).split('\n');
      expect(files).toEqual(
        expect.arrayContaining([
          'package/LICENSE',
          'package/README.md',
          'package/dist/index.js',
          'package/dist/index.d.ts',
        ]),
      );
      expect(files.some((f) => f.includes('/src/') || f.endsWith('.test.js'))).toBe(false);
      const manifest = JSON.parse(
        readFileSync(path.join(scratch, 'node_modules', '@healthbank', name, 'package.json'), 'utf8'),
      );
      expect(manifest).toMatchObject({ type: 'module', sideEffects: false, license: 'Apache-2.0' });
      expect(manifest.private).toBeUndefined();
      expect(manifest.exports['.']).toMatchObject({ types: './dist/index.d.ts', default: './dist/index.js' });
    }
  });

  it('type-checks an integrator program against the installed declarations', async () => {
    // Fails with tsc's diagnostics on any type error.
    await runAsync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', scratch],
      scratch,
    );
  });

  it('runs against a sandbox: PAR and the consent address through the installed SDK', async () => {
    const out = await runAsync(
      process.execPath,
      [path.join(scratch, 'dist', 'main.js'), platform.url, 'pack-test-app', TEST_REDIRECT_URI],
      scratch,
    );
    const result = JSON.parse(out);
    const url = new URL(result.authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${platform.url}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe('pack-test-app');
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(result).toMatchObject({ refused: 'TypeError', validId: true, categories: 11, fhirReader: 'function' });
  });
});
