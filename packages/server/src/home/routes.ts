import { CATEGORIES, PERSONA_NAMES } from '@healthbank/records';
import type { FastifyInstance } from 'fastify';
import { findApp } from '../auth/clients/apps.js';
import { SANDBOX_TELECONSULT, SANDBOX_WORKPLACE_HEALTH } from '../auth/clients/sandbox.js';
import { type Database, listPersonas, populationStats } from '../db/index.js';
import { html } from '../pages/html.js';
import { formatNumber, translator } from '../pages/i18n.js';
import { layout } from '../pages/layout.js';
import { requestLocale } from '../pages/request-locale.js';

/** Where a sandbox example with its own backend runs: its registered redirect URI's origin, if registered. */
async function exampleOrigin(db: Database, clientId: string): Promise<string | undefined> {
  const app = await findApp(db, clientId);
  const uri = app?.environment === 'sandbox' ? app.redirectUris[0] : undefined;
  return uri ? new URL(uri).origin : undefined;
}

/** The sandbox's landing page: what the sandbox is and what it holds right now. */
export function registerHomeRoutes(app: FastifyInstance, db: Database): void {
  app.get('/', async (request, reply) => {
    const { lang } = request.query as { lang?: string };
    const locale = requestLocale(request);
    const t = translator(locale);
    const n = (value: number) => formatNumber(locale, value);
    const [stats, personas, teleconsult, workplace] = await Promise.all([
      populationStats(db),
      listPersonas(db),
      exampleOrigin(db, SANDBOX_TELECONSULT),
      exampleOrigin(db, SANDBOX_WORKPLACE_HEALTH),
    ]);
    const seeded = new Set(personas.map((p) => p.persona));

    const body = html`<h1>${t('home.title')}</h1>
<p class="lead">${t('home.lead')}</p>
<p class="portal-link"><a href="/me">${t('home.portal')}</a></p>
<h2>${t('home.state')}</h2>
<dl class="facts">
<dt>${t('home.database')}</dt><dd>${db.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}</dd>
<dt>${t('home.citizens')}</dt><dd data-testid="citizens">${n(stats.citizens)}</dd>
<dt>${t('home.records')}</dt><dd data-testid="records">${n(stats.records)}</dd>
</dl>
<table>
<caption>${t('home.records')}</caption>
<thead><tr><th scope="col">${t('home.category')}</th><th scope="col" class="num">${t('home.count')}</th></tr></thead>
<tbody>${CATEGORIES.map(
      (c) =>
        html`<tr><th scope="row">${c.name[locale]}</th><td class="num" data-category="${c.id}">${n(stats.byCategory[c.id])}</td></tr>`,
    )}</tbody>
</table>
<h2>${t('home.personas')}</h2>
<ul class="personas">${PERSONA_NAMES.map(
      (p) =>
        html`<li>${t(`home.personas.${p}`)} — <span>${seeded.has(p) ? t('home.present') : t('home.absent')}</span></li>`,
    )}</ul>
<h2>${t('home.links')}</h2>
<ul>
<li><a href="/examples/diabetes-diary/">${t('home.diary')}</a></li>
${teleconsult ? html`<li><a href="${teleconsult}/">${t('home.teleconsult')}</a> (<a href="${teleconsult}/educator">${t('home.educator')}</a>)</li>` : ''}
${workplace ? html`<li><a href="${workplace}/">${t('home.workplace')}</a> (<a href="${workplace}/dashboard">${t('home.employer')}</a>, <a href="${workplace}/nurse">${t('home.nurse')}</a>)</li>` : ''}
<li><a href="/.well-known/openid-configuration">${t('home.discovery')}</a></li>
<li><a href="/healthz">${t('home.health')}</a> (<code>/healthz</code>)</li>
</ul>`;

    if (lang === 'en' || lang === 'zh-TW') {
      // Remember an explicit choice; it is not a secret, so it may be read by scripts.
      reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout({ locale, title: t('home.title'), path: '/', body }));
  });
}
