/**
 * Form helpers for `app.inject()` tests: carry cookies and the CSRF token of a rendered page
 * into the next POST, like a browser would.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** The cookies a response set, as a name → value map. */
export function formCookies(...responses: LightMyRequestResponse[]): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const r of responses) for (const c of r.cookies) jar[c.name] = c.value;
  return jar;
}

/** The first `_csrf` value in a page. */
export function csrfOf(page: LightMyRequestResponse): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page.body);
  if (!match?.[1]) throw new Error('the page has no CSRF field');
  return match[1];
}

export interface PostOptions {
  /** Cookies beyond those the page set (a later response's, e.g. the pending sign-in). */
  cookies?: Record<string, string>;
  headers?: Record<string, string>;
  /** The client address (rate limits are per IP). */
  remoteAddress?: string;
}

/** POSTs a form with the page's CSRF token and cookies, like a browser. */
export function postForm(
  app: FastifyInstance,
  page: LightMyRequestResponse,
  url: string,
  fields: Record<string, string>,
  opts: PostOptions = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    cookies: { ...formCookies(page), ...opts.cookies },
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...opts.headers },
    payload: new URLSearchParams({ _csrf: csrfOf(page), ...fields }).toString(),
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
  });
}

/** The JSON in a `data-options` attribute of a page. */
export function dataOptions(page: LightMyRequestResponse): unknown {
  const match = /data-options="([^"]*)"/.exec(page.body);
  if (!match?.[1]) throw new Error('the page has no data-options');
  const unescaped = match[1]
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
  return JSON.parse(unescaped);
}
