import { describe, expect, it } from 'vitest';
import { defineMessages, negotiateLocale, translator } from './i18n.js';

describe('negotiateLocale', () => {
  it('defaults to Traditional Chinese', () => {
    expect(negotiateLocale(undefined, undefined, undefined)).toBe('zh-TW');
    expect(negotiateLocale(undefined, undefined, 'fr-FR,de;q=0.8')).toBe('zh-TW');
  });

  it('prefers ?lang, then the cookie, then Accept-Language', () => {
    expect(negotiateLocale('en', 'zh-TW', 'zh-TW')).toBe('en');
    expect(negotiateLocale('xx', 'en', 'zh-TW')).toBe('en');
    expect(negotiateLocale(undefined, undefined, 'en-GB,en;q=0.9,zh-TW;q=0.8')).toBe('en');
    expect(negotiateLocale(undefined, undefined, 'zh-Hant-TW,en;q=0.5')).toBe('zh-TW');
  });

  it('has every message in both languages', () => {
    const zh = translator('zh-TW');
    const en = translator('en');
    expect(zh('home.title')).toBe('健康存摺 SDK 沙盒');
    expect(en('home.title')).toBe('My Health Bank SDK sandbox');
  });

  it('fills placeholders in feature catalogues', () => {
    const t = defineMessages({ greet: '{name} 您好，共 {n} 筆' }, { greet: 'Hello {name}, {n} records' });
    expect(t('zh-TW')('greet', { name: 'A小姐', n: 3 })).toBe('A小姐 您好，共 3 筆');
    expect(t('en')('greet', { name: 'Ms. A', n: 3 })).toBe('Hello Ms. A, 3 records');
    expect(t('en')('greet')).toBe('Hello {name}, {n} records');
  });
});
