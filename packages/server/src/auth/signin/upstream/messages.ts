/**
 * The upstream sign-in's messages, in the sign-in pages' voice (`../messages.ts`): short sentences,
 * everyday words, what to do next. `{name}` is the provider's name as citizens know it.
 */
import { defineMessages } from '../../../pages/i18n.js';

const zh = {
  'upstream.heading': '使用{name}',
  'upstream.intro': '您會先前往{name}確認身分，完成後會自動回到這裡。',
  'upstream.button': '以{name}登入',
  'upstream.back.signin': '回到登入頁面',
  'upstream.back.home': '回到首頁',
  'upstream.unreachable.title': '暫時連不上{name}',
  'upstream.unreachable.body': '現在無法連線到{name}。請稍後再試，或改用其他方式登入。',
  'upstream.declined.title': '沒有完成登入',
  'upstream.declined.body': '您在{name}取消了登入，或沒有同意提供身分資料。您可以再試一次，或改用其他方式登入。',
  'upstream.failed.title': '無法確認您的身分',
  'upstream.failed.body': '{name}沒有成功確認您的身分。請再試一次，或改用其他方式登入。',
  'upstream.claim.title': '無法確認您的身分',
  'upstream.claim.body': '{name}沒有提供可以使用的身分證字號，所以無法用這個方式登入。請改用其他方式登入。',
  'upstream.unknown.title': '找不到您的資料',
  'upstream.unknown.body':
    '{name}已經確認您的身分，但健康存摺裡沒有這個身分證字號的資料。請確認您有參加全民健保，或改用其他方式登入。',
  'upstream.expired.title': '登入已經逾時',
  'upstream.expired.body': '這次登入已經過期或已經用過了。請回到登入頁面重新開始。',
  'upstream.browser.title': '請用同一個瀏覽器登入',
  'upstream.browser.body':
    '這次登入不是從這個瀏覽器開始的。為了保護您的資料，請回到您使用的 App，在同一個瀏覽器重新開始。',
  'upstream.invalid.title': '登入沒有完成',
  'upstream.invalid.body': '這個登入連結不完整或不正確。請回到您使用的 App 重新開始。',
} as const;

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  'upstream.heading': 'Use {name}',
  'upstream.intro': 'You will go to {name} to confirm who you are, then come back here automatically.',
  'upstream.button': 'Sign in with {name}',
  'upstream.back.signin': 'Back to the sign-in page',
  'upstream.back.home': 'Back to the home page',
  'upstream.unreachable.title': 'We cannot reach {name} right now',
  'upstream.unreachable.body':
    'We cannot connect to {name} at the moment. Please try again later, or sign in another way.',
  'upstream.declined.title': 'You did not finish signing in',
  'upstream.declined.body':
    'You cancelled at {name}, or did not agree to share who you are. You can try again, or sign in another way.',
  'upstream.failed.title': 'We could not confirm who you are',
  'upstream.failed.body': '{name} did not confirm who you are. Please try again, or sign in another way.',
  'upstream.claim.title': 'We could not confirm who you are',
  'upstream.claim.body':
    '{name} did not give us a national ID number we can use, so you cannot sign in this way. Please sign in another way.',
  'upstream.unknown.title': 'We could not find your records',
  'upstream.unknown.body':
    '{name} confirmed who you are, but My Health Bank has nothing for this national ID number. Please check that you are in National Health Insurance, or sign in another way.',
  'upstream.expired.title': 'This sign-in has timed out',
  'upstream.expired.body':
    'This sign-in has expired or was already used. Please go back to the sign-in page and start again.',
  'upstream.browser.title': 'Please sign in in the same browser',
  'upstream.browser.body':
    'This sign-in did not start in this browser. To protect your records, go back to the app you are using and start again in the same browser.',
  'upstream.invalid.title': 'The sign-in did not finish',
  'upstream.invalid.body':
    'This sign-in link is incomplete or not valid. Please go back to the app you are using and start again.',
};

export const upstreamMessages = defineMessages<Key>(zh, en);
