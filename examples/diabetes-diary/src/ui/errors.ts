/** Which message an SDK failure shows her. Every `SdkError` code maps to words she can act on. */
import { isSdkError } from '@healthbank/sdk';
import type { MessageKey, Params } from './messages.js';

export interface ErrorMessage {
  key: MessageKey;
  params?: Params;
}

/** The message for a failure of connecting, importing or disconnecting. */
export function errorMessage(error: unknown): ErrorMessage {
  if (!isSdkError(error)) return { key: 'error.unknown' };
  switch (error.code) {
    case 'declined':
    case 'ticket_expired':
    case 'revoked':
    case 'network':
    case 'consent_expired':
    case 'not_connected':
    case 'authorization_failed':
      return { key: `error.${error.code}` };
    case 'ticket_invalid':
      return { key: 'error.authorization_failed' };
    case 'server_error':
    case 'protocol_error':
      return { key: 'error.server' };
    case 'busy':
    case 'rate_limited':
      return error.retryAfter === undefined
        ? { key: 'error.busy' }
        : { key: 'error.busyIn', params: { seconds: Math.ceil(error.retryAfter) } };
    case 'file_not_yet_valid':
      return { key: 'error.clock' };
    default:
      // Every export-file rejection (signature, decryption, format, headers, claims, expiry, size):
      // the file is not to be trusted, whatever the detail.
      return { key: 'error.file' };
  }
}
