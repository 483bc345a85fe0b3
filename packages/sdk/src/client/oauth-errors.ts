/** oauth4webapi's failures in the SDK's terms. */
import * as oauth from 'oauth4webapi';
import { SdkError, type SdkErrorCode } from '../errors.js';
import { retryAfterOf } from './http.js';

/**
 * The `SdkError` for an error thrown by an oauth4webapi call. `fallback` is the code for a
 * refusal by the authorization server that means nothing more specific.
 */
export function oauthFailure(error: unknown, fallback: SdkErrorCode, what: string): SdkError {
  if (error instanceof SdkError) return error;
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError) {
    const retryAfter = retryAfterOf(error.response);
    const options = { cause: error, ...(retryAfter === undefined ? {} : { retryAfter }) };
    if (error.status === 429) return new SdkError('rate_limited', `${what}: too many requests`, options);
    if (error.status >= 500) return new SdkError('server_error', `${what}: the platform failed`, options);
    const code = error instanceof oauth.ResponseBodyError ? error.error : error.cause[0]?.parameters.error;
    return new SdkError(fallback, `${what}: ${code ?? error.status}`, options);
  }
  if (error instanceof TypeError && !(error instanceof oauth.UnsupportedOperationError)) {
    // fetch rejects with a TypeError when the platform cannot be reached.
    const code = (error as { code?: unknown }).code;
    if (code === undefined)
      return new SdkError('network', `${what}: the platform could not be reached`, { cause: error });
  }
  return new SdkError(fallback, `${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/** Runs an oauth4webapi exchange, once more when the server asks for a fresh DPoP nonce (RFC 9449 §8). */
export async function withDpopNonce<T>(exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return exchange();
  }
}
