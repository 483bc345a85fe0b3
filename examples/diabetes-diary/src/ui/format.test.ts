import { describe, expect, it } from 'vitest';
import { ANALYTES, extractSeries, trendOf } from '../domain/series.js';
import { labResult } from '../domain/testing.js';
import { formatDate, formatRange, formatStrength, formatUnits, formatValue, trendText } from './format.js';
import { translate, translator } from './messages.js';

describe('formatting', () => {
  it('writes dates as Taiwan does in Chinese and spelled out in English', () => {
    expect(formatDate('zh-TW', '2025-04-26')).toBe('2025/04/26');
    expect(formatDate('en', '2025-04-06')).toBe('6 Apr 2025');
  });

  it('writes values and ranges with their units', () => {
    expect(formatValue(ANALYTES.hba1c, 7.5)).toBe('7.5%');
    expect(formatValue(ANALYTES.fasting_glucose, '147')).toBe('147 mg/dL');
    expect(formatRange(ANALYTES.hba1c, { low: 4, high: 5.6 })).toBe('4–5.6%');
    expect(formatRange(ANALYTES.fasting_glucose, { high: 99 })).toBe('≤ 99 mg/dL');
    expect(formatRange(ANALYTES.fasting_glucose, { low: 70 })).toBe('≥ 70 mg/dL');
    expect(formatRange(ANALYTES.hba1c, {})).toBe('');
    expect(formatRange(ANALYTES.hba1c, undefined)).toBe('');
    expect(formatUnits(2)).toBe('2');
    expect(formatUnits(4 / 3)).toBe('1.33');
  });

  const trend = (values: [string, number][], analyte = ANALYTES.hba1c) =>
    trendOf(
      extractSeries(
        values.map(([date, v], i) =>
          labResult({
            id: `r${i}`,
            date,
            value: String(v),
            quantity: { value: v, unit: analyte.unit },
            order: { code: analyte.orderCode, display: '' },
          }),
        ),
        analyte,
      ),
    );

  it('says how HbA1c moved since a year ago, in both languages', () => {
    const t = trend([
      ['2024-05-01', 8.1],
      ['2025-04-26', 7.5],
    ]);
    expect(trendText(translator('zh-TW'), 'zh-TW', ANALYTES.hba1c, t)).toBe(
      '比一年前（2024/05/01，8.1%）下降 0.6 個百分點',
    );
    expect(trendText(translator('en'), 'en', ANALYTES.hba1c, t)).toBe(
      '0.6 percentage points lower than a year ago (8.1% on 1 May 2024)',
    );
  });

  it('falls back to the previous result, and says "about the same" within the steady band', () => {
    const t = trend(
      [
        ['2025-01-01', 140],
        ['2025-04-01', 146],
      ],
      ANALYTES.fasting_glucose,
    );
    expect(trendText(translator('zh-TW'), 'zh-TW', ANALYTES.fasting_glucose, t)).toBe(
      '與上次（2025/01/01，140 mg/dL）差不多',
    );
    const up = trend(
      [
        ['2025-01-01', 120],
        ['2025-04-01', 146],
      ],
      ANALYTES.fasting_glucose,
    );
    expect(trendText(translator('en'), 'en', ANALYTES.fasting_glucose, up)).toBe(
      '26 mg/dL higher than last time (120 mg/dL on 1 Jan 2025)',
    );
  });

  it('has no trend with a single result', () => {
    expect(trendText(translator('en'), 'en', ANALYTES.hba1c, trend([['2025-01-01', 7]]))).toBeUndefined();
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'import.downloaded', { kb: 12 })).toBe('12 KB downloaded');
    expect(translate('en', 'import.downloaded')).toBe('{kb} KB downloaded');
  });

  it('writes dose units in English on English pages, and as printed in Chinese', () => {
    expect(formatStrength('en', '500 毫克')).toBe('500 mg');
    expect(formatStrength('en', '0.25 毫克')).toBe('0.25 mg');
    expect(formatStrength('en', '100 單位')).toBe('100 units');
    expect(formatStrength('en', '5 mg')).toBe('5 mg');
    expect(formatStrength('zh-TW', '500 毫克')).toBe('500 毫克');
  });
});
