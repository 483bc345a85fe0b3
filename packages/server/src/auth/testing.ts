/**
 * Test support for the authorization flows: a platform listening on a loopback port (OAuth
 * clients need real HTTP), test apps in the registry, and a minimal cookie-keeping browser that
 * signs in through the sandbox persona picker and answers the consent page.
 */
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { Clock } from '../clock.js';
import { type Config, loadConfig } from '../config/config.js';
import { fixturePopulation } from '../db/fixtures.js';
import { type Database, listPersonas, seedPopulation } from '../db/index.js';
import { createTestDatabase, type TestDatabase, type TestTarget } from '../db/testing.js';
import { type AppInput, registerApp } from './clients/apps.js';
import { registerOrganisation } from './clients/organisations.js';
import { registerSandboxApps } from './clients/sandbox.js';

export interface TestPlatform {
  /** The issuer, e.g. `http://127.0.0.1:43121`. */
  url: string;
  config: Config;
  db: Database;
  app: FastifyInstance;
  /** A registered test organisation's id, for registering more apps. */
  organisationId: string;
  close(): Promise<void>;
}

/** The redirect URI of the test apps: nothing listens there, the test browser stops at it. */
export const TEST_REDIRECT_URI = 'https://app.example.test/callback';

/** A free loopback port, so a platform's public URL (its issuer) is known before it listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A migrated database with a small population (the personas first), and the platform listening
 * on 127.0.0.1 with its issuer at that address.
 */
export async function startTestPlatform(
  target: TestTarget,
  opts: {
    clock?: Clock;
    oauthRateLimit?: number;
    trustedProxies?: string[];
    /** A port chosen beforehand (`freePort()`), when something must know the URL first. */
    port?: number;
    /** Sign-in through an upstream provider, e.g. `startTestUpstream()`'s `settings`. */
    upstreamOidc?: Config['upstreamOidc'];
    upstreamFetch?: typeof fetch;
    /** False builds production's realm (real citizens, reviewed apps, the organisation portals). */
    sandbox?: boolean;
    /** `localhost` for browser tests with passkeys: a WebAuthn RP ID is a domain, never an IP address. */
    hostname?: 'localhost';
    /** Sees the SQL text of every statement the platform runs (`OpenOptions.onQuery`). */
    onQuery?: (sql: string) => void;
  } = {},
): Promise<TestPlatform> {
  const t: TestDatabase = await createTestDatabase(target, opts.onQuery ? { onQuery: opts.onQuery } : {});
  await seedPopulation(t.db, fixturePopulation({ citizens: 6, recordsPerCitizen: 24 }));
  const port = opts.port ?? (await freePort());
  const url = `http://${opts.hostname ?? '127.0.0.1'}:${port}`;
  const config = loadConfig(
    { NODE_ENV: 'test' },
    {
      databaseUrl: t.url,
      publicUrl: url,
      port,
      host: '127.0.0.1',
      oauthRateLimit: opts.oauthRateLimit ?? 1000,
      trustedProxies: opts.trustedProxies ?? [],
      ...(opts.upstreamOidc ? { upstreamOidc: opts.upstreamOidc } : {}),
      ...(opts.sandbox === false ? { sandbox: false } : {}),
    },
  );
  const app = await buildApp({
    config,
    db: t.db,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.upstreamFetch ? { upstreamFetch: opts.upstreamFetch } : {}),
  });
  await app.listen({ host: opts.hostname ?? '127.0.0.1', port });
  await registerSandboxApps(t.db, { publicUrl: url });
  const org = await registerOrganisation(t.db, {
    type: 'company',
    name: '測試健康股份有限公司',
    identifier: '24502181',
  });
  return {
    url,
    config,
    db: t.db,
    app,
    organisationId: org.id,
    async close() {
      await app.close();
      await t.dispose();
    },
  };
}

/** Registers a sandbox test app of the platform's test organisation (all categories but care wishes). */
export async function registerTestApp(
  platform: Pick<TestPlatform, 'db' | 'organisationId'>,
  overrides: Partial<AppInput> & Pick<AppInput, 'clientId' | 'clientType'>,
): Promise<void> {
  await registerApp(platform.db, {
    organisationId: platform.organisationId,
    name: { 'zh-TW': '測試 App', en: 'Test app' },
    purpose: { 'zh-TW': '測試授權流程。', en: 'To test the authorization flow.' },
    privacyPolicyUrl: 'https://app.example.test/privacy',
    supportContact: 'help@app.example.test',
    redirectUris: [TEST_REDIRECT_URI],
    categories: ['lab', 'outpatient', 'allergy', 'immunization'],
    environment: 'sandbox',
    ...overrides,
  });
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** A browser reduced to what the flows need: cookies by path, manual redirects, forms. */
export class TestBrowser {
  private cookies: StoredCookie[] = [];
  /** Every URL visited, in order (for assertions about where the browser went). */
  readonly visited: string[] = [];
  /** The CSRF token of the last form this browser was shown (bound to its CSRF cookie). */
  lastCsrf?: string;

  constructor(
    private readonly locale: 'zh-TW' | 'en' = 'zh-TW',
    /** Sent with every request, e.g. `x-forwarded-for` through a trusted proxy. */
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  private cookieHeader(url: URL): string {
    return this.cookies
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const pathAttr = attributes.find((a) => a.toLowerCase().startsWith('path='));
      const path = pathAttr ? pathAttr.slice(5) : url.pathname.replace(/\/[^/]*$/, '') || '/';
      const expired = attributes.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now());
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired && value !== '') this.cookies.push({ name, value, path });
    }
  }

  /** One request, no redirect following. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string | string[]>; multipart?: FormData } = {},
  ): Promise<Response> {
    const target = new URL(url);
    this.visited.push(target.href);
    const headers: Record<string, string> = {
      ...this.extraHeaders,
      accept: 'text/html',
      'accept-language': this.locale,
    };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | FormData | undefined = init.multipart;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const item of [v].flat()) params.append(k, item);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(target, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    this.store(target, response);
    return response;
  }

  /**
   * Follows redirects from `url` until a page answers (returned with its URL) or the browser is
   * sent to `stopAt` (returned as `redirectedTo` without being requested).
   */
  async follow(
    url: string,
    stopAt: string,
    init: { method?: string; form?: Record<string, string | string[]> } = {},
  ): Promise<{ url: string; response?: Response; html?: string; redirectedTo?: string }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (!(response.status >= 300 && response.status < 400 && location)) {
        return { url: current, response, html: await response.text() };
      }
      current = new URL(location, current).href;
      if (current.startsWith(stopAt)) return { url: current, redirectedTo: current };
      response = await this.request(current);
    }
    throw new Error('too many redirects');
  }
}

/** The `_csrf` value of a rendered form. */
export function csrfIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF field on the page');
  return match[1];
}

/** How the browser answers the consent page; `stop` leaves it unanswered and returns it. */
export type ConsentAnswer = 'decline' | 'stop' | Record<string, string | string[]>;

/** Agree with the defaults (every requested category, one year, once) after acknowledging. */
export const AGREE: ConsentAnswer = { acknowledge: 'yes', period: '1y', duration: 'once' };

/**
 * Runs the browser part of an authorization: open the authorization URL, sign in as a sandbox
 * persona, answer the consent page, and return where the browser is finally sent (the app's
 * redirect URI with its query), or the page it got stuck on.
 */
export async function authorizeInBrowser(
  /** The database is asked for the persona's national ID only when `nationalId` is not given. */
  platform: Pick<TestPlatform, 'db'> | { db?: undefined },
  authorizationUrl: string,
  opts: {
    persona?: 'A小姐' | 'B爺爺';
    /** Any synthetic citizen's national ID (e.g. one of C職場's employees), instead of a persona. */
    nationalId?: string;
    consent?: ConsentAnswer;
    browser?: TestBrowser;
    redirectUri?: string;
  } = {},
): Promise<{ callback?: URL; page?: { url: string; html: string; status: number }; browser: TestBrowser }> {
  const browser = opts.browser ?? new TestBrowser();
  const stopAt = opts.redirectUri ?? TEST_REDIRECT_URI;
  let step = await browser.follow(authorizationUrl, stopAt);
  if (step.redirectedTo) return { callback: new URL(step.redirectedTo), browser };
  if (new URL(step.url).pathname.startsWith('/signin/')) {
    const nationalId =
      opts.nationalId ??
      (platform.db &&
        (await listPersonas(platform.db)).find((p) => p.persona === (opts.persona ?? 'A小姐'))?.nationalId);
    browser.lastCsrf = csrfIn(step.html ?? '');
    step = await browser.follow(`${step.url.split('?')[0]}/persona`, stopAt, {
      form: { _csrf: browser.lastCsrf, nationalId: nationalId ?? '' },
    });
    if (step.redirectedTo) return { callback: new URL(step.redirectedTo), browser };
  }
  const answer = opts.consent ?? AGREE;
  if (new URL(step.url).pathname.startsWith('/consent/') && step.response?.status === 200 && answer !== 'stop') {
    const form = answer === 'decline' ? { action: 'decline' } : { action: 'agree', ...answer };
    const csrf = csrfIn(step.html ?? '');
    browser.lastCsrf = csrf;
    const defaults: Record<string, string[]> =
      answer === 'decline' || 'category' in answer ? {} : { category: categoriesIn(step.html ?? '') };
    step = await browser.follow(step.url.split('?')[0] ?? step.url, stopAt, {
      form: { _csrf: csrf, ...defaults, ...form },
    });
    if (step.redirectedTo) return { callback: new URL(step.redirectedTo), browser };
  }
  return { page: { url: step.url, html: step.html ?? '', status: step.response?.status ?? 0 }, browser };
}

/** The category checkboxes that are ticked on a consent page. */
export function categoriesIn(html: string): string[] {
  return [...html.matchAll(/name="category" value="([a-z_]+)" checked/g)].map((m) => m[1] ?? '');
}
