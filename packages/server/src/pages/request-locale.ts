import type { FastifyRequest } from 'fastify';
import { type Locale, negotiateLocale } from './i18n.js';

/** The locale of a page request: `?lang=`, then the `lang` cookie, then Accept-Language. */
export function requestLocale(request: FastifyRequest): Locale {
  const query = request.query as Record<string, unknown> | undefined;
  return negotiateLocale(query?.lang, request.cookies?.lang, request.headers['accept-language']);
}
