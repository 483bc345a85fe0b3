import { SDK_ERROR_CODES, SdkError } from '@healthbank/sdk';
import { describe, expect, it } from 'vitest';
import { errorMessage } from './errors.js';
import { translate } from './messages.js';

describe('errorMessage', () => {
  it.each([
    ['declined', 'error.declined'],
    ['ticket_expired', 'error.ticket_expired'],
    ['revoked', 'error.revoked'],
    ['network', 'error.network'],
    ['consent_expired', 'error.consent_expired'],
    ['not_connected', 'error.not_connected'],
    ['authorization_failed', 'error.authorization_failed'],
    ['ticket_invalid', 'error.authorization_failed'],
    ['server_error', 'error.server'],
    ['protocol_error', 'error.server'],
    ['signature_invalid', 'error.file'],
    ['decryption_failed', 'error.file'],
    ['format_invalid', 'error.file'],
    ['header_not_allowed', 'error.file'],
    ['claims_mismatch', 'error.file'],
    ['file_expired', 'error.file'],
    ['file_not_yet_valid', 'error.clock'],
  ] as const)('%s → %s', (code, key) => {
    expect(errorMessage(new SdkError(code, 'x'))).toEqual({ key });
  });

  it('tells her when to retry when the platform is busy', () => {
    const busy = errorMessage(new SdkError('busy', 'x', { retryAfter: 4.2 }));
    expect(busy).toEqual({ key: 'error.busyIn', params: { seconds: 5 } });
    expect(translate('zh-TW', busy.key, busy.params)).toBe('健康存摺目前忙碌中，請在 5 秒後再試一次。');
    expect(errorMessage(new SdkError('rate_limited', 'x'))).toEqual({ key: 'error.busy' });
  });

  it('has words for every code the SDK can throw', () => {
    for (const code of SDK_ERROR_CODES) {
      const message = errorMessage(new SdkError(code, 'x', { retryAfter: 1 }));
      expect(translate('en', message.key, message.params)).not.toMatch(/[{}]/);
      expect(message.key).not.toBe('error.unknown');
    }
  });

  it('shows a generic message for anything that is not an SDK error', () => {
    expect(errorMessage(new TypeError('boom'))).toEqual({ key: 'error.unknown' });
  });
});
