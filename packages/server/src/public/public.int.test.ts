/**
 * Production's public site: the two doors, the documentation rendered from docs/, and the OpenAPI
 * description checked against the routes the platform really registers, both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../auth/testing.js';
import { testDatabases } from '../db/testing.js';

/** Method and path of every registered route, from Fastify's own route tree. */
function registeredRoutes(platform: TestPlatform): Set<string> {
  const routes = new Set<string>();
  const tree = platform.app.printRoutes({ commonPrefix: false });
  for (const line of tree.split('\n')) {
    // Lines look like `├── api/export/tickets (POST)`: the tree's children of `/`.
    const match = /^[│├└─\s]*\/?(\S*) \(([A-Z, ]+)\)$/.exec(line);
    if (!match?.[2]) continue;
    for (const method of match[2].split(', ')) routes.add(`${method} /${match[1]}`);
  }
  return routes;
}

describe.each(testDatabases().slice(0, 1))('public site on $label', (target) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform(target, { sandbox: false });
  });
  afterAll(() => platform?.close());

  it('describes exactly the app-facing API the platform serves (OpenAPI 3.1)', async () => {
    const response = await fetch(`${platform.url}/openapi.json`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await response.json()) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: platform.url }]);
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
        for (const answer of Object.values(operation.responses)) expect(answer.description).toBeTruthy();
      }
    }
    const served = registeredRoutes(platform);
    // Every documented operation is served…
    for (const operation of documented) expect(served, operation).toContain(operation);
    // …and every app-facing route is documented (the citizen's own form posts are not an API).
    const appFacing = [...served].filter((r) =>
      /^(GET|POST|PUT|PATCH|DELETE) \/(api\/(export|deletion-requests)\/|\.well-known\/[a-z-]+-jwks\.json)/.test(r),
    );
    expect(appFacing.length).toBeGreaterThanOrEqual(6);
    for (const route of appFacing) expect(documented, route).toContain(route);
  });

  it('opens with the brochure’s two doors, in zh-TW and English', async () => {
    const zh = await (await fetch(`${platform.url}/`, { headers: { 'accept-language': 'zh-TW' } })).text();
    expect(zh).toContain('我是民眾，我想了解 SDK');
    expect(zh).toContain('我是業者，我想加入 SDK');
    const en = await (await fetch(`${platform.url}/organisations?lang=en`)).text();
    expect(en).toContain('For organisations: join the SDK');
    expect(en).toContain('統一編號');
    const citizens = await (await fetch(`${platform.url}/citizens`)).text();
    expect(citizens).toContain('個人資料保護法第 3 條');
  });

  it('renders the developer documentation from docs/, its links kept on the site', async () => {
    const index = await (await fetch(`${platform.url}/docs`)).text();
    expect(index).toContain('href="/docs/sdk"');
    expect(index).toContain('href="/openapi.json"');
    const sdk = await (await fetch(`${platform.url}/docs/sdk`)).text();
    expect(sdk).toContain('<h1>The SDK (<code>@healthbank/sdk</code>)</h1>');
    expect(sdk).toContain('<article lang="en" class="doc">');
    expect(sdk).not.toMatch(/href="(errors|export-format)\.md/);
    expect((await fetch(`${platform.url}/docs/../../package.json`)).status).toBe(404);
    expect((await fetch(`${platform.url}/docs/operations`)).status).toBe(404);
  });

  it('lists no partner before any app is live', async () => {
    const page = await (await fetch(`${platform.url}/partners`)).text();
    expect(page).toContain('目前還沒有上線的合作夥伴。');
  });
});
