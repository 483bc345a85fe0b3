/**
 * Talking to the platform: fetch failures become `network` errors, the platform's problem details
 * (RFC 9457) become `SdkError`s with the SDK's stable codes, and downloads report progress.
 */
import { SdkError, type SdkErrorCode } from '../errors.js';
import type { FetchFunction, Progress } from './types.js';

/** Platform problem codes (docs/errors.md) and what they mean to an app. */
const PROBLEM_CODES: Readonly<Record<string, SdkErrorCode>> = {
  ticket_expired: 'ticket_expired',
  ticket_not_found: 'ticket_invalid',
  consent_revoked: 'revoked',
  rate_limited: 'rate_limited',
  export_busy: 'busy',
  invalid_token: 'authorization_failed',
  invalid_dpop_proof: 'authorization_failed',
  export_key_mismatch: 'authorization_failed',
  export_key_required: 'authorization_failed',
};

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date), when present. */
export function retryAfterOf(response: Response, now = Date.now()): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The error an unsuccessful response stands for. Reads the body. */
export async function responseError(response: Response): Promise<SdkError> {
  let problem: { code?: unknown; detail?: unknown; title?: unknown } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // Not problem+json (a proxy's error page, say): the status decides.
  }
  const retryAfter = retryAfterOf(response);
  const code =
    (typeof problem.code === 'string' ? PROBLEM_CODES[problem.code] : undefined) ??
    (response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'server_error' : 'protocol_error');
  const detail =
    typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : '';
  return new SdkError(
    code === 'server_error' && response.status === 503 && retryAfter !== undefined ? 'busy' : code,
    `the platform answered ${response.status}${typeof problem.code === 'string' ? ` ${problem.code}` : ''}${detail ? `: ${detail}` : ''}`,
    retryAfter === undefined ? {} : { retryAfter },
  );
}

/** `fetch`, with a failure to reach the platform as `SdkError('network')`. */
export async function send(fetchImpl: FetchFunction, url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url.href, init);
  } catch (error) {
    if ((error as { name?: string })?.name === 'AbortError') throw error;
    throw new SdkError('network', `could not reach ${url.origin}`, { cause: error });
  }
}

/** The body as text, reporting progress as it arrives. */
export async function readText(response: Response, onProgress?: (progress: Progress) => void): Promise<string> {
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const report = (loaded: number) => onProgress?.(total === undefined ? { loaded } : { loaded, total });
  if (!response.body) {
    const text = await response.text();
    report(text.length);
    return text;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  report(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      report(loaded);
    }
  } catch (error) {
    throw new SdkError('network', 'the download was interrupted', { cause: error });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // An export file is ASCII (compact JWE); anything else fails its format check later.
  return new TextDecoder().decode(bytes);
}
