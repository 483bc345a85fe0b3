/**
 * Production's public pages: the landing page with the brochure's two doors, the page for
 * citizens, the page for organisations, the partner list, the developer documentation and the
 * OpenAPI description. No sign-in, nothing personal; cacheable for a few minutes except the partner
 * list, which changes the moment an app is suspended.
 */
import { getCategory } from '@healthbank/records';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { issuerOf } from '../auth/provider/routes.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';
import { Html, html } from '../pages/html.js';
import { isLocale, type Locale } from '../pages/i18n.js';
import { layout } from '../pages/layout.js';
import { requestLocale } from '../pages/request-locale.js';
import { type DocSlug, loadDocs } from './docs.js';
import { publicMessages } from './messages.js';
import { OPENAPI_PATH, openApiDocument } from './openapi.js';
import { listPartners } from './partners.js';

type Section = 'home' | 'citizens' | 'organisations' | 'partners' | 'docs';

const SECTIONS: [Exclude<Section, 'home'>, string][] = [
  ['citizens', '/citizens'],
  ['organisations', '/organisations'],
  ['partners', '/partners'],
  ['docs', '/docs'],
];

function page(locale: Locale, o: { title: string; path: string; section: Section; body: Html }): string {
  const t = publicMessages(locale);
  const nav = html`<nav class="portal-nav" aria-label="${t('public.nav')}"><ul>${SECTIONS.map(
    ([id, href]) =>
      html`<li><a href="${href}"${id === o.section ? html` aria-current="page"` : ''}>${t(`public.${id}`)}</a></li>`,
  )}<li><a href="/developers">${t('public.developers')}</a></li></ul></nav>`;
  return layout({ locale, title: o.title, path: o.path, body: html`${nav}<div class="portal">${o.body}</div>` });
}

export function registerPublicPages(app: FastifyInstance, deps: { config: Config; db: Database }): void {
  const docs = loadDocs();
  const openapi = JSON.stringify(openApiDocument(issuerOf(deps.config)), null, 2);

  function send(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { section: Section; title: (l: Locale) => string; body: (l: Locale) => Html | Promise<Html>; cache?: boolean },
  ) {
    const locale = requestLocale(request);
    const { lang } = request.query as { lang?: string };
    // Remember an explicit choice; it is not a secret, so it may be read by scripts.
    if (isLocale(lang)) reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
    return Promise.resolve(o.body(locale)).then((body) =>
      reply
        .type('text/html; charset=utf-8')
        // The language follows a cookie and Accept-Language, so shared caches must not mix them.
        .header('cache-control', o.cache === false ? 'no-store' : 'private, max-age=300')
        .header('vary', 'accept-language, cookie')
        .send(
          page(locale, { title: o.title(locale), path: request.url.split('?')[0] ?? '/', section: o.section, body }),
        ),
    );
  }

  app.get('/', (request, reply) =>
    send(request, reply, {
      section: 'home',
      title: (l) => publicMessages(l)('public.title'),
      body: (l) => {
        const t = publicMessages(l);
        return html`<h1>${t('public.title')}</h1><p class="lead">${t('public.lead')}</p>
<ul class="cards">
<li><h2><a href="/citizens">${t('public.citizens')}</a></h2><p>${t('citizens.whatText')}</p></li>
<li><h2><a href="/organisations">${t('public.organisations')}</a></h2><p>${t('organisations.step2')}</p></li>
<li><h2><a href="/partners">${t('public.partners')}</a></h2><p>${t('partners.lead')}</p></li>
<li><h2><a href="/docs">${t('public.docs')}</a></h2><p>${t('docs.lead')}</p></li>
</ul>
<p><a href="/me">${t('public.portal')}</a></p>`;
      },
    }),
  );

  app.get('/citizens', (request, reply) =>
    send(request, reply, {
      section: 'citizens',
      title: (l) => publicMessages(l)('citizens.title'),
      body: (l) => {
        const t = publicMessages(l);
        return html`<h1>${t('citizens.title')}</h1>
<h2>${t('citizens.what')}</h2><p>${t('citizens.whatText')}</p>
<h2>${t('citizens.consent')}</h2><ol>${(['consent1', 'consent2', 'consent3', 'consent4'] as const).map((k) => html`<li>${t(`citizens.${k}`)}</li>`)}</ol>
<h2>${t('citizens.rights')}</h2><p>${t('citizens.rightsText')}</p>
<h2>${t('citizens.history')}</h2><p>${t('citizens.historyText')}</p>
<p><a class="button" href="/me">${t('public.portal')}</a></p>`;
      },
    }),
  );

  app.get('/organisations', (request, reply) =>
    send(request, reply, {
      section: 'organisations',
      title: (l) => publicMessages(l)('organisations.title'),
      body: (l) => {
        const t = publicMessages(l);
        return html`<h1>${t('organisations.title')}</h1>
<h2>${t('organisations.who')}</h2><ul>${(['who1', 'who2', 'who3', 'who4'] as const).map((k) => html`<li>${t(`organisations.${k}`)}</li>`)}</ul>
<h2>${t('organisations.steps')}</h2><ol>${(['step1', 'step2', 'step3', 'step4', 'step5'] as const).map((k) => html`<li>${t(`organisations.${k}`)}</li>`)}</ol>
<h2>${t('organisations.rules')}</h2><p>${t('organisations.rulesText')}</p>
<h2>${t('organisations.security')}</h2><p>${t('organisations.securityText')}</p>
<p><a class="button" href="/developers">${t('organisations.start')}</a></p>`;
      },
    }),
  );

  app.get('/partners', (request, reply) =>
    send(request, reply, {
      section: 'partners',
      cache: false,
      title: (l) => publicMessages(l)('partners.title'),
      body: async (l) => {
        const t = publicMessages(l);
        const partners = await listPartners(deps.db);
        return html`<h1>${t('partners.title')}</h1><p class="lead">${t('partners.lead')}</p>${
          partners.length === 0
            ? html`<p>${t('partners.none')}</p>`
            : html`<ul class="cards" data-testid="partners">${partners.map(
                (p) => html`<li><h2>${p.name[l]}</h2><p>${p.description[l]}</p>
<dl class="facts"><dt>${t('partners.organisation')}</dt><dd>${p.organisation}</dd>
<dt>${t('partners.categories')}</dt><dd>${p.categories.map((c) => getCategory(c).name[l]).join('、')}</dd></dl>
<p>${p.appUrl ? html`<a href="${p.appUrl}" rel="noopener">${t('partners.get')}<span class="visually-hidden"> ${p.name[l]}</span></a> · ` : ''}<a href="${p.privacyPolicyUrl}" rel="noopener">${t('partners.privacy')}<span class="visually-hidden"> ${p.name[l]}</span></a></p></li>`,
              )}</ul>`
        }`;
      },
    }),
  );

  app.get('/docs', (request, reply) =>
    send(request, reply, {
      section: 'docs',
      title: (l) => publicMessages(l)('docs.title'),
      body: (l) => {
        const t = publicMessages(l);
        return html`<h1>${t('docs.title')}</h1><p class="lead">${t('docs.lead')}</p>
<ul>${[...docs.values()].map((d) => html`<li><a href="/docs/${d.slug}" lang="en">${d.title}</a></li>`)}
<li><a href="${OPENAPI_PATH}">${t('docs.openapi')}</a></li></ul>`;
      },
    }),
  );

  app.get<{ Params: { slug: string } }>('/docs/:slug', (request, reply) => {
    const doc = docs.get(request.params.slug as DocSlug);
    if (!doc) throw new ProblemError('not_found');
    // The documentation is written in English: its text says so (WCAG 3.1.2 language of parts). Its
    // HTML is trusted: rendered from the repository's own Markdown (`docs.ts`).
    return send(request, reply, {
      section: 'docs',
      title: () => doc.title,
      body: () => html`<article lang="en" class="doc">${new Html(doc.html)}</article>`,
    });
  });

  app.get(OPENAPI_PATH, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(openapi),
  );
}
