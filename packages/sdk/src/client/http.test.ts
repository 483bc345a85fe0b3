import { describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { readText, responseError, retryAfterOf, send } from './http.js';

const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: `https://healthbank.dev/problems/${code}`, status, code, title: code }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

describe('responseError', () => {
  it.each([
    [410, 'ticket_expired', 'ticket_expired'],
    [404, 'ticket_not_found', 'ticket_invalid'],
    [403, 'consent_revoked', 'revoked'],
    [401, 'invalid_token', 'authorization_failed'],
    [401, 'invalid_dpop_proof', 'authorization_failed'],
    [400, 'export_key_mismatch', 'authorization_failed'],
    [400, 'invalid_request', 'protocol_error'],
    [500, 'internal_error', 'server_error'],
  ])('maps HTTP %i %s to %s', async (status, code, expected) => {
    expect((await responseError(problem(status, code))).code).toBe(expected);
  });

  it('carries Retry-After for rate_limited and busy', async () => {
    const limited = await responseError(problem(429, 'rate_limited', { 'retry-after': '3600' }));
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfter: 3600 });
    const busy = await responseError(problem(503, 'export_busy', { 'retry-after': '2' }));
    expect(busy).toMatchObject({ code: 'busy', retryAfter: 2 });
  });

  it('reads a non-JSON error page by its status', async () => {
    expect((await responseError(new Response('<html>bad gateway</html>', { status: 502 }))).code).toBe('server_error');
    const overloaded = new Response('', { status: 503, headers: { 'retry-after': '30' } });
    expect(await responseError(overloaded)).toMatchObject({ code: 'busy', retryAfter: 30 });
    expect((await responseError(new Response('', { status: 429 }))).code).toBe('rate_limited');
  });
});

describe('retryAfterOf', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 26, 9, 0, 0);
    const at = (value: string) => retryAfterOf(new Response('', { headers: { 'retry-after': value } }), now);
    expect(at('120')).toBe(120);
    expect(at(new Date(now + 90_000).toUTCString())).toBe(90);
    expect(at('soon')).toBeUndefined();
    expect(retryAfterOf(new Response(''))).toBeUndefined();
  });
});

describe('send and readText', () => {
  it('turns an unreachable platform into a network error', async () => {
    const unreachable = async () => {
      throw new TypeError('fetch failed');
    };
    const error = await send(unreachable, new URL('https://healthbank.example/x'), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe('network');
  });

  it('reports progress up to the announced length', async () => {
    const chunks = ['eyJhbGciOi', 'JFQ0RILUVT', 'In0..x.y.z'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });
    const progress: { loaded: number; total?: number }[] = [];
    const text = await readText(new Response(body, { headers: { 'content-length': '30' } }), (p) => progress.push(p));
    expect(text).toBe(chunks.join(''));
    expect(progress).toEqual([
      { loaded: 0, total: 30 },
      { loaded: 10, total: 30 },
      { loaded: 20, total: 30 },
      { loaded: 30, total: 30 },
    ]);
  });
});
