/** How a medication line reads, shared by the diary's table and the printed summary. */
import type { Medication } from '../domain/medications.js';
import { formatDate, formatUnits } from '../ui/format.js';
import type { ViewContext } from './context.js';

/** "每日 2 顆" / "2 a day", or a dash when the prescription has no days. */
export function dailyText({ t }: Pick<ViewContext, 't'>, m: Medication): string {
  return m.dailyUnits === undefined ? t('meds.unknown') : t('meds.dailyUnits', { units: formatUnits(m.dailyUnits) });
}

/** "用藥中（可用到 2025/07/18）" / "Finished (22 Jun 2025)", or a dash without days. */
export function statusText({ t, locale }: Pick<ViewContext, 't' | 'locale'>, m: Medication): string {
  if (!m.suppliedUntil) return t('meds.unknown');
  return t(m.current ? 'meds.current' : 'meds.ended', { date: formatDate(locale, m.suppliedUntil) });
}
