/**
 * Static assets (the site's CSS, the favicon, the example apps' files) sent compressed and with a
 * validator: each body is compressed once, with brotli and gzip, when it is first served, and
 * carries a strong ETag (its SHA-256), so a returning browser revalidates with `If-None-Match`
 * and gets `304` without the body.
 *
 * Only these fixed files are compressed, never pages or API answers: a compressed response that
 * holds both a secret (a CSRF token) and reflected input leaks the secret through its length
 * (BREACH, CVE-2013-3587; ASVS V14.2), and export files are compressed inside their encryption.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface StaticAsset {
  type: string;
  body: Buffer;
  etag: string;
  br: Buffer;
  gzip: Buffer;
}

/** Below this, compression costs more than it saves (a TCP packet holds it either way). */
const MIN_COMPRESSIBLE_BYTES = 1024;

/**
 * Prepares a file for {@link sendAsset}.
 *
 * @example
 * ```ts
 * const css = staticAsset('text/css; charset=utf-8', Buffer.from(SITE_CSS));
 * app.get('/assets/site.css', (request, reply) => sendAsset(request, reply, css, 'public, max-age=3600'));
 * ```
 */
export function staticAsset(type: string, body: Buffer): StaticAsset {
  const compressible = body.length >= MIN_COMPRESSIBLE_BYTES && !type.startsWith('image/png');
  return {
    type,
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
    br: compressible
      ? brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        })
      : body,
    gzip: compressible ? gzipSync(body, { level: 9 }) : body,
  };
}

/** The codings the client accepts (RFC 9110 §12.5.3), ignoring those it gives q=0. */
function accepted(header: string | undefined): Set<string> {
  const codings = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) codings.add(name);
  }
  return codings;
}

/** Sends an asset: `304` when the browser's copy is current, else the best accepted encoding. */
export function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: StaticAsset, cacheControl: string) {
  reply.header('cache-control', cacheControl).header('etag', asset.etag).header('vary', 'accept-encoding');
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) {
    return reply.code(304).send();
  }
  reply.type(asset.type);
  if (asset.br !== asset.body) {
    const codings = accepted(request.headers['accept-encoding']);
    if (codings.has('br')) return reply.header('content-encoding', 'br').send(asset.br);
    if (codings.has('gzip')) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  }
  return reply.send(asset.body);
}
