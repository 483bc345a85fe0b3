import type { KoaContextWithOIDC } from 'oidc-provider';
import { html } from '../../pages/html.js';
import { negotiateLocale } from '../../pages/i18n.js';
import { layout } from '../../pages/layout.js';
import { providerMessages } from './messages.js';

/**
 * The page a browser sees when an authorization request cannot be answered with a redirect (an
 * unknown client, a redirect URI that does not match, an expired request_uri): never a redirect
 * to an unverified address (RFC 6749 §4.1.2.1, RFC 9700 §4.11), always plain language with the
 * OAuth error underneath for support.
 */
export async function renderProviderError(
  /** What is read and set: any Koa context of the provider's app, before or inside its routes. */
  ctx: Pick<KoaContextWithOIDC, 'query' | 'cookies' | 'get' | 'path'> & { type: string; body: unknown },
  out: { error: string; error_description?: string },
  _error: unknown,
): Promise<void> {
  const locale = negotiateLocale(ctx.query?.lang, ctx.cookies.get('lang'), ctx.get('accept-language'));
  const t = providerMessages(locale);
  const message =
    out.error === 'invalid_client'
      ? t('error.client')
      : out.error === 'server_error' || out.error === 'temporarily_unavailable'
        ? t('error.server')
        : t('error.link');
  const body = html`<h1>${t('error.title')}</h1>
<p class="status" role="alert">${message}</p>
<details><summary>${t('error.details')}</summary>
<dl class="facts"><dt>${t('error.code')}</dt><dd><code>${out.error}</code></dd>
${out.error_description ? html`<dt>${t('error.description')}</dt><dd>${out.error_description}</dd>` : ''}</dl>
</details>`;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = layout({ locale, title: t('error.title'), path: ctx.path, body });
}
