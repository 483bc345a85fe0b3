import { defineMessages } from '../../pages/i18n.js';

/** Texts of the pages the authorization server itself shows (errors before any app is reached). */
export const providerMessages = defineMessages(
  {
    'error.title': '無法繼續授權',
    'error.link': '這個授權連結已經失效、已經使用過，或是內容有誤。請回到原本的 App，重新開始一次。',
    'error.client': '我們無法確認是哪一個 App 帶您來到這裡。請回到原本的 App，重新開始一次。',
    'error.server': '系統暫時發生問題，請稍後再回到原本的 App 重新開始。',
    'error.details': '技術資訊（客服人員可能會需要）',
    'error.code': '錯誤代碼',
    'error.description': '說明',
  },
  {
    'error.title': 'We could not continue',
    'error.link':
      'This authorization link has expired, was already used, or is not valid. Please go back to the app and start again.',
    'error.client': 'We could not tell which app sent you here. Please go back to the app and start again.',
    'error.server': 'Something went wrong on our side. Please go back to the app and try again later.',
    'error.details': 'Technical details (customer service may ask for them)',
    'error.code': 'Error code',
    'error.description': 'Description',
  },
);
