/**
 * One webhook POST: through the SSRF guard, with a deadline, no redirects followed (a redirect
 * could lead past the guard to an internal address; Standard Webhooks treats 3xx as failure), and
 * the answer read up to a small limit (it may carry the app's receipt, nothing bigger).
 */
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, type TargetPolicy, targetUrlError } from './ssrf.js';

/** A receipt is a few hundred bytes; anything beyond this is not read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendResult {
  status: number;
  /** The response body (at most MAX_RESPONSE_BYTES), when it was JSON. */
  json?: unknown;
}

/** A failure with a short reason of our own (never the response body): it goes to the outbox and logs. */
export class SendError extends Error {
  override name = 'SendError';
}

/**
 * POSTs `body` to `url` with `headers`.
 *
 * @example
 * ```ts
 * const { status } = await sendWebhook(url, headers, body, { allowPrivate: false, requireHttps: true }, 10_000);
 * ```
 */
export function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: TargetPolicy,
  timeoutMs: number,
): Promise<SendResult> {
  const refused = targetUrlError(url, policy);
  if (refused) return Promise.reject(new SendError(`target refused: ${refused}`));
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'healthbank-webhooks/1',
        },
        lookup: guardedLookup(policy) as never,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on('error', () => reject(new SendError('response interrupted')));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const type = response.headers['content-type'] ?? '';
          let json: unknown;
          if (size <= MAX_RESPONSE_BYTES && /^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              json = undefined;
            }
          }
          resolve(json === undefined ? { status } : { status, json });
        });
      },
    );
    // A deadline for the whole exchange, not only for idle sockets.
    const deadline = setTimeout(() => request.destroy(new SendError('timeout')), timeoutMs);
    request.on('timeout', () => request.destroy(new SendError('timeout')));
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      if (error instanceof SendError) return reject(error);
      if (error.code === 'EADDRNOTPUBLIC') return reject(new SendError('target refused: address not public'));
      reject(new SendError(error.code ? `connection failed: ${error.code}` : 'connection failed'));
    });
    request.end(body);
  });
}
