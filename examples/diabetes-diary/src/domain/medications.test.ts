import { describe, expect, it } from 'vitest';
import { addDays } from './dates.js';
import { currentMedications, RECENT_DAYS, strengthOf } from './medications.js';
import { AS_OF, missA, visit } from './testing.js';
import type { Order } from './types.js';

const drug = (code: string, name: string, quantity: number, days: number): Order => ({
  code,
  name,
  kind: 'drug',
  quantity,
  days,
});

describe('strengthOf', () => {
  it.each([
    ['Sitagliptin 100毫克膜衣錠', '100 毫克'],
    ['庫魯化膜衣錠1000毫克', '1000 毫克'],
    ['Metformin 500mg', '500 mg'],
    ['Glimepiride 2 mg tablet', '2 mg'],
    ['Insulin glargine 300單位/3mL', '300 單位'],
    ['Levothyroxine 0.1 mg', '0.1 mg'],
  ])('%s → %s', (name, strength) => {
    expect(strengthOf(name)).toBe(strength);
  });

  it('is absent when the name has no strength', () => {
    expect(strengthOf('綜合感冒糖漿')).toBeUndefined();
  });
});

describe('currentMedications', () => {
  it("lists A小姐's chronic prescriptions: the drugs of her last visits within 90 days, one line each", () => {
    const { outpatient } = missA();
    const since = addDays(AS_OF, -(RECENT_DAYS - 1));
    const recent = outpatient.filter((v) => v.date >= since && v.date <= AS_OF);
    const drugCodes = new Set(recent.flatMap((v) => v.orders.filter((o) => o.kind === 'drug').map((o) => o.code)));
    expect(drugCodes.size).toBeGreaterThan(0);

    const list = currentMedications(outpatient, AS_OF);
    expect(new Set(list.map((m) => m.code))).toEqual(drugCodes);
    expect(list).toHaveLength(drugCodes.size);
    // Her metformin (two 1,000 mg tablets a day, a refill prescription dispensed 28 days at a time) is current.
    const metformin = list.find((m) => m.code === 'BC241891G0');
    expect(metformin).toMatchObject({ strength: '1000 毫克', dailyUnits: 2, days: 28, current: true });
    // Nothing from an older visit leaks in.
    const older = outpatient.filter((v) => v.date < since).flatMap((v) => v.orders.map((o) => o.code));
    for (const m of list) expect(m.lastPrescribed >= since || !older.includes(m.code)).toBe(true);
  });

  it('counts visits within the window, inclusive of its first day and of today, and none after today', () => {
    const asOf = '2025-06-30';
    const first = addDays(asOf, -(RECENT_DAYS - 1));
    const list = currentMedications(
      [
        visit({ id: 'before', date: addDays(first, -1), orders: [drug('D000000001', 'Old 5mg', 28, 28)] }),
        visit({ id: 'first', date: first, orders: [drug('D000000002', 'First 10mg', 28, 28)] }),
        visit({ id: 'today', date: asOf, orders: [drug('D000000003', 'Today 20mg', 7, 7)] }),
        visit({ id: 'later', date: addDays(asOf, 1), orders: [drug('D000000004', 'Later 1mg', 7, 7)] }),
      ],
      asOf,
    );
    expect(list.map((m) => m.code).sort()).toEqual(['D000000002', 'D000000003']);
  });

  it('keeps the latest prescription of a drug and counts its prescriptions', () => {
    const list = currentMedications(
      [
        visit({ id: 'v2', date: '2025-05-01', orders: [drug('BC24862100', 'Sitagliptin 100毫克膜衣錠', 56, 28)] }),
        visit({ id: 'v1', date: '2025-04-03', orders: [drug('BC24862100', 'Sitagliptin 100毫克膜衣錠', 28, 28)] }),
      ],
      '2025-05-10',
    );
    expect(list).toEqual([
      {
        code: 'BC24862100',
        name: 'Sitagliptin 100毫克膜衣錠',
        strength: '100 毫克',
        quantity: 56,
        days: 28,
        dailyUnits: 2,
        lastPrescribed: '2025-05-01',
        suppliedUntil: '2025-05-28',
        current: true,
        prescriptions: 2,
        institution: '臺北測試醫院',
      },
    ]);
  });

  it('puts drugs still lasting first, then those run out, most recent first', () => {
    const list = currentMedications(
      [
        visit({ id: 'cold', date: '2025-06-20', orders: [drug('AC38550100', 'Acetaminophen 500毫克錠', 9, 3)] }),
        visit({
          id: 'chronic',
          date: '2025-04-26',
          orders: [
            drug('BC26325100', 'Empagliflozin 10毫克膜衣錠', 84, 84),
            { code: '09006C', name: '醣化血紅素', kind: 'lab', quantity: 1 },
          ],
        }),
        visit({ id: 'gi', date: '2025-05-15', orders: [drug('AC37890100', 'Loperamide 2毫克膠囊', 6, 3)] }),
      ],
      '2025-06-30',
    );
    expect(list.map((m) => [m.code, m.current, m.suppliedUntil])).toEqual([
      ['BC26325100', true, '2025-07-18'],
      ['AC38550100', false, '2025-06-22'],
      ['AC37890100', false, '2025-05-17'],
    ]);
  });

  it('leaves days and daily units out when the order has no days', () => {
    const [line] = currentMedications(
      [visit({ id: 'v', date: '2025-06-01', orders: [{ code: 'X1', name: 'Cream', kind: 'drug', quantity: 1 }] })],
      '2025-06-30',
    );
    expect(line).toMatchObject({ code: 'X1', current: false });
    expect(line?.days).toBeUndefined();
    expect(line?.dailyUnits).toBeUndefined();
  });
});
