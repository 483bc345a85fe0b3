import { describe, expect, it } from 'vitest';
import { ANALYTES, DEFAULT_HBA1C_TARGET, extractSeries, rangeStatus, targetStatus, trendOf } from './series.js';
import { FIVE_YEARS, labResult, missA } from './testing.js';

describe('extractSeries', () => {
  const { lab } = missA(FIVE_YEARS);

  it.each([
    ['hba1c', '09006C', '%'],
    ['fasting_glucose', '09005C', 'mg/dL'],
  ] as const)("plots every %s result of A小姐's, oldest first", (id, code, unit) => {
    const expected = lab
      .filter((l) => l.order.code === code)
      .map((l) => ({ date: l.date, value: l.quantity?.value }))
      .sort((a, b) => a.date.localeCompare(b.date));
    expect(expected.length).toBeGreaterThanOrEqual(15);
    const series = extractSeries(lab, ANALYTES[id]);
    expect(series.points.map((p) => ({ date: p.date, value: p.value }))).toEqual(expected);
    expect(series.skipped).toBe(0);
    expect(lab.filter((l) => l.order.code === code).every((l) => l.quantity?.unit === unit)).toBe(true);
  });

  it("takes the reference range of A小姐's latest HbA1c", () => {
    const series = extractSeries(lab, ANALYTES.hba1c);
    const latest = lab
      .filter((l) => l.order.code === '09006C')
      .sort((a, b) => a.date.localeCompare(b.date))
      .at(-1);
    expect(series.referenceRange).toEqual({ low: latest?.referenceRange?.low, high: latest?.referenceRange?.high });
  });

  it('matches by LOINC when the order code differs, and leaves other tests out', () => {
    const series = extractSeries(
      [
        labResult({ id: 'a', date: '2024-01-02', order: { code: '09139C', display: '其他' } }),
        labResult({ id: 'b', date: '2024-01-01', loinc: '1558-6', order: { code: '09005C', display: '血糖' } }),
        labResult({ id: 'c', date: '2024-01-03', loinc: '2093-3', order: { code: '09001C', display: '總膽固醇' } }),
      ],
      ANALYTES.hba1c,
    );
    expect(series.points.map((p) => p.id)).toEqual(['a']);
  });

  it('skips results in another unit or not numeric, and counts them', () => {
    const series = extractSeries(
      [
        labResult({ id: 'mmol', date: '2024-01-01', quantity: { value: 53, unit: 'mmol/mol' } }),
        labResult({ id: 'text', date: '2024-02-01', value: '>14', quantity: undefined }),
        labResult({ id: 'bare', date: '2024-03-01', value: ' 6.8 ', quantity: undefined }),
        labResult({ id: 'ok', date: '2024-04-01', value: '7.1', quantity: { value: 7.1, unit: '%' } }),
      ],
      ANALYTES.hba1c,
    );
    expect(series.points.map((p) => [p.id, p.value, p.text])).toEqual([
      ['bare', 6.8, '6.8'],
      ['ok', 7.1, '7.1'],
    ]);
    expect(series.skipped).toBe(2);
  });

  it('orders results of the same day by record id', () => {
    const series = extractSeries(
      [labResult({ id: 'z', date: '2024-01-01' }), labResult({ id: 'a', date: '2024-01-01' })],
      ANALYTES.hba1c,
    );
    expect(series.points.map((p) => p.id)).toEqual(['a', 'z']);
  });
});

describe('rangeStatus', () => {
  it.each([
    [{ value: 7.5, low: 4, high: 5.6 }, 'high'],
    [{ value: 5.6, low: 4, high: 5.6 }, 'in_range'],
    [{ value: 3.9, low: 4, high: 5.6 }, 'low'],
    [{ value: 200, high: 99 }, 'high'],
    [{ value: 7 }, 'unknown'],
  ] as const)('%o is %s', (point, status) => {
    expect(rangeStatus(point)).toBe(status);
  });
});

describe('trendOf', () => {
  const series = (values: [string, number][]) =>
    extractSeries(
      values.map(([date, v], i) =>
        labResult({ id: `r${i}`, date, value: String(v), quantity: { value: v, unit: '%' } }),
      ),
      ANALYTES.hba1c,
    );

  it('is empty without results', () => {
    expect(trendOf(series([]))).toEqual({});
  });

  it('compares the latest with the previous result and with the one closest to a year before', () => {
    const trend = trendOf(
      series([
        ['2023-03-01', 8.4],
        ['2023-06-01', 8.1],
        ['2023-09-01', 7.9],
        ['2024-03-20', 7.6],
        ['2024-06-03', 7.5],
      ]),
    );
    expect(trend.latest?.value).toBe(7.5);
    expect(trend.sincePrevious).toMatchObject({ delta: -0.1, direction: 'steady' });
    expect(trend.sincePrevious?.from.date).toBe('2024-03-20');
    // 2023-06-01 is two days from 2023-06-04, one year before the latest.
    expect(trend.sinceYearAgo?.from.date).toBe('2023-06-01');
    expect(trend.sinceYearAgo).toMatchObject({ delta: -0.6, direction: 'down' });
  });

  it('reports a rise beyond the steady threshold', () => {
    expect(
      trendOf(
        series([
          ['2024-01-01', 6.9],
          ['2024-04-01', 7.3],
        ]),
      ).sincePrevious,
    ).toMatchObject({
      delta: 0.4,
      direction: 'up',
    });
  });

  it('has no year-ago comparison when nothing lies within three months of that day', () => {
    const trend = trendOf(
      series([
        ['2022-01-01', 8],
        ['2024-06-01', 7],
      ]),
    );
    expect(trend.sinceYearAgo).toBeUndefined();
    expect(trend.sincePrevious?.delta).toBe(-1);
  });

  it("describes A小姐's last year", () => {
    const hba1c = extractSeries(missA(FIVE_YEARS).lab, ANALYTES.hba1c);
    const trend = trendOf(hba1c);
    const latest = hba1c.points.at(-1);
    expect(trend.latest).toBe(latest);
    expect(trend.sinceYearAgo).toBeDefined();
    const ago = trend.sinceYearAgo;
    if (latest && ago) expect(ago.delta).toBeCloseTo(latest.value - ago.from.value, 10);
  });
});

describe('targetStatus', () => {
  it('meets a "below" target only below it', () => {
    expect(targetStatus(6.9, DEFAULT_HBA1C_TARGET)).toBe('at_target');
    expect(targetStatus(7, DEFAULT_HBA1C_TARGET)).toBe('above_target');
    expect(targetStatus(7.5, 8)).toBe('at_target');
  });
});
