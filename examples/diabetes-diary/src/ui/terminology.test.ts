import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translate } from './messages.js';

/**
 * One name for HbA1c in everything a citizen reads, matching the platform's portal and consent
 * pages: 糖化血色素 in Chinese, HbA1c in English. Variants (糖化血紅素, 醣化血色素, 醣化血紅素) read
 * as different tests to a patient comparing the diary with the portal. NHI's own order name for
 * 09006C (醣化血紅素) stays in the records: it is data from the payment code list, not our wording.
 */
const VARIANTS = /糖化血紅素|醣化血色素|醣化血紅素|糖化血红素/;

describe('terminology', () => {
  it('calls HbA1c 糖化血色素 on every page of the diary', () => {
    const dir = fileURLToPath(new URL('../../public/', import.meta.url));
    const pages = readdirSync(dir).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) expect(readFileSync(dir + page, 'utf8'), page).not.toMatch(VARIANTS);
  });

  it('calls HbA1c 糖化血色素 in the diary’s messages', () => {
    expect(translate('zh-TW', 'analyte.hba1c')).toContain('糖化血色素');
    const source = readFileSync(fileURLToPath(new URL('./messages.ts', import.meta.url)), 'utf8');
    expect(source).not.toMatch(VARIANTS);
  });
});
