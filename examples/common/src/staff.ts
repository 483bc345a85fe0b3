/**
 * Staff sign-in for an example backend (the health educator; the employer's HR and the
 * occupational nurse): e-mail and password, scrypt-hashed (OWASP ASVS V6.2; Password Storage Cheat
 * Sheet), five failures lock the account for 15 minutes (ASVS V6.3.5), sessions are random ids
 * stored as hashes, in an HttpOnly SameSite=Strict cookie, with the Origin checked on every POST
 * (ASVS V3.5, OWASP CSRF Cheat Sheet "Verifying Origin"). A real deployment adds a second factor.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Html, html, type Lang, langOf, page } from './page.js';
import { hashToken, Problem } from './server.js';

const SCRYPT: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SESSION_MS = 8 * 3600_000;
const MAX_FAILURES = 5;
const LOCK_MS = 15 * 60_000;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export function createStaffTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS staff (
      email TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT NOT NULL, password_hash BLOB NOT NULL,
      salt BLOB NOT NULL, failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS staff_sessions (
      id_hash TEXT PRIMARY KEY, email TEXT NOT NULL REFERENCES staff(email) ON DELETE CASCADE,
      expires_at INTEGER NOT NULL);`);
}

/** Adds (or resets) a staff account. */
export async function addStaff(
  db: Database,
  account: { email: string; role: string; name: string; password: string },
): Promise<void> {
  const salt = randomBytes(16);
  const hash = await derive(account.password, salt);
  db.prepare(
    `INSERT INTO staff (email, role, name, password_hash, salt) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (email) DO UPDATE SET role = excluded.role, name = excluded.name,
       password_hash = excluded.password_hash, salt = excluded.salt, failures = 0, locked_until = 0`,
  ).run(account.email.toLowerCase(), account.role, account.name, hash, salt);
}

export interface StaffMember {
  email: string;
  role: string;
  name: string;
}

export interface StaffOptions {
  db: Database;
  /** The session cookie's name (each example its own: cookies are not separated by port). */
  cookie: string;
  appName: Record<Lang, string>;
  /** Where each role lands after signing in. */
  homes: Record<string, string>;
  /** The app's own origin, for the Origin check and the cookie's `Secure` flag. */
  publicUrl: string;
  now?: () => number;
}

const WORDS = {
  'zh-TW': {
    title: '工作人員登入',
    email: '電子郵件',
    password: '密碼',
    submit: '登入',
    wrong: '電子郵件或密碼不正確。',
    locked: '登入失敗太多次，請 15 分鐘後再試。',
    signout: '登出',
  },
  en: {
    title: 'Staff sign-in',
    email: 'E-mail',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'The e-mail or password is not right.',
    locked: 'Too many failed attempts: try again in 15 minutes.',
    signout: 'Sign out',
  },
} as const;

export interface Staff {
  /** The signed-in member with one of `roles`, or a redirect to sign-in (pages) / 401 problem. */
  require(request: FastifyRequest, reply: FastifyReply, roles: readonly string[]): StaffMember | undefined;
  /** The sign-out button for the page header. */
  signOut(lang: Lang): Html;
}

/**
 * Registers `GET/POST /staff/signin` and `POST /staff/signout`, and checks the Origin of every
 * POST on the app (except the device API and the platform's webhook, which are not cookie-based).
 */
export function registerStaff(app: FastifyInstance, o: StaffOptions): Staff {
  const now = o.now ?? Date.now;
  const origin = new URL(o.publicUrl).origin;
  const secure = o.publicUrl.startsWith('https:');

  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST' || request.url.startsWith('/api/')) return;
    // A cross-site form post carries another Origin (or `null`); ours always carries this one.
    if (request.headers.origin !== origin)
      throw new Problem(403, 'cross_site_request', 'The request did not come from this site.');
  });

  const member = (request: FastifyRequest): StaffMember | undefined => {
    const id = new RegExp(`(?:^|;\\s*)${o.cookie}=([A-Za-z0-9_-]{43})`).exec(request.headers.cookie ?? '')?.[1];
    if (!id) return undefined;
    return o.db
      .prepare(
        `SELECT s.email, s.role, s.name FROM staff_sessions x JOIN staff s ON s.email = x.email
         WHERE x.id_hash = ? AND x.expires_at > ?`,
      )
      .get(hashToken(id), now()) as StaffMember | undefined;
  };

  const form = (lang: Lang, path: string, message?: string, next = '') =>
    page({
      lang,
      title: WORDS[lang].title,
      app: o.appName[lang],
      path,
      body: html`<h1>${WORDS[lang].title}</h1>
${message ? html`<p class="error" role="alert">${message}</p>` : ''}
<form method="post" action="/staff/signin" class="stack">
<input type="hidden" name="next" value="${next}">
<label for="email">${WORDS[lang].email}</label>
<input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">${WORDS[lang].password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${WORDS[lang].submit}</button>
</form>`,
    });

  app.get('/staff/signin', async (request, reply) => {
    const lang = langOf(request.query, request.headers.cookie, request.headers['accept-language']);
    const next = String((request.query as { next?: unknown }).next ?? '');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(form(lang, request.url, undefined, next));
  });

  app.post('/staff/signin', async (request, reply) => {
    const lang = langOf(request.query, request.headers.cookie, request.headers['accept-language']);
    const fields = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const email = (fields.get('email') ?? '').trim().toLowerCase().slice(0, 200);
    const password = (fields.get('password') ?? '').slice(0, 200);
    const next = fields.get('next') ?? '';
    const row = o.db.prepare('SELECT * FROM staff WHERE email = ?').get(email) as
      | { email: string; role: string; password_hash: Buffer; salt: Buffer; failures: number; locked_until: number }
      | undefined;
    const refuse = (message: string, status: number) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(form(lang, '/staff/signin', message, next));
    if (row && row.locked_until > now()) return refuse(WORDS[lang].locked, 429);
    // The same work whether or not the account exists: no enumeration by timing (ASVS V6.3.8).
    const derived = await derive(password, row?.salt ?? randomBytes(16));
    if (!row || !timingSafeEqual(derived, row.password_hash)) {
      if (row) {
        const failures = row.failures + 1;
        o.db
          .prepare('UPDATE staff SET failures = ?, locked_until = ? WHERE email = ?')
          .run(failures >= MAX_FAILURES ? 0 : failures, failures >= MAX_FAILURES ? now() + LOCK_MS : 0, row.email);
      }
      return refuse(WORDS[lang].wrong, 401);
    }
    o.db.prepare('UPDATE staff SET failures = 0, locked_until = 0 WHERE email = ?').run(row.email);
    const id = randomBytes(32).toString('base64url');
    o.db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?').run(now());
    o.db
      .prepare('INSERT INTO staff_sessions (id_hash, email, expires_at) VALUES (?, ?, ?)')
      .run(hashToken(id), row.email, now() + SESSION_MS);
    const home = o.homes[row.role] ?? '/';
    // Only a local path of this app (no open redirect, ASVS V5.1.5).
    const target = /^\/[a-z][A-Za-z0-9/_-]*$/.test(next) ? next : home;
    return reply
      .header(
        'set-cookie',
        `${o.cookie}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure ? '; Secure' : ''}`,
      )
      .redirect(target, 303);
  });

  app.post('/staff/signout', async (request, reply) => {
    const id = new RegExp(`(?:^|;\\s*)${o.cookie}=([A-Za-z0-9_-]{43})`).exec(request.headers.cookie ?? '')?.[1];
    if (id) o.db.prepare('DELETE FROM staff_sessions WHERE id_hash = ?').run(hashToken(id));
    return reply
      .header('set-cookie', `${o.cookie}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
      .redirect('/staff/signin', 303);
  });

  return {
    require(request, reply, roles) {
      const who = member(request);
      if (who && roles.includes(who.role)) return who;
      if (who) throw new Problem(403, 'forbidden', 'This page is not for your role.');
      void reply.redirect(`/staff/signin?next=${encodeURIComponent(request.url.split('?')[0] ?? '/')}`, 303);
      return undefined;
    },
    signOut: (lang) =>
      html`<form method="post" action="/staff/signout" class="inline"><button type="submit" class="link">${WORDS[lang].signout}</button></form>`,
  };
}
