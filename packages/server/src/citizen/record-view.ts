/**
 * One record as a row a citizen can read: when, what, the details that matter, and where. Codes
 * stay beside their names (a doctor asks for them), English names where the code lists have them.
 */
import type { Coding, HealthRecord } from '@healthbank/records';
import { type Html, html } from '../pages/html.js';
import type { Locale } from '../pages/i18n.js';
import type { PortalTranslate } from './messages.js';

export interface RecordRow {
  date: string;
  what: string;
  details: Html | string;
  institution: string;
}

const name = (locale: Locale, c: Coding) => (locale === 'en' && c.displayEn ? c.displayEn : c.display);
const coded = (locale: Locale, c: Coding) => `${name(locale, c)} (${c.code})`;
const list = (locale: Locale, items: string[]) => items.join(locale === 'zh-TW' ? '、' : ', ');

/**
 * @example
 * ```ts
 * const row = recordRow(record, 'zh-TW', portalMessages('zh-TW'));
 * row.what; // '第二型糖尿病 (E11.9)'
 * ```
 */
export function recordRow(r: HealthRecord, locale: Locale, t: PortalTranslate): RecordRow {
  switch (r.category) {
    case 'outpatient':
    case 'tcm':
    case 'dental': {
      const drugs = r.orders.filter((o) => o.kind === 'drug' || o.kind === 'herb').map((o) => o.name);
      const more = r.diagnoses.slice(1).map((d) => coded(locale, d));
      return {
        date: r.date,
        what: coded(locale, r.diagnoses[0] ?? { code: '-', display: '-' }),
        details: html`${more.length ? html`<span>${list(locale, more)}</span><br>` : ''}${
          drugs.length ? list(locale, drugs.slice(0, 6)) : t('record.visit.orders', { count: r.orders.length })
        }`,
        institution: r.institution.name,
      };
    }
    case 'inpatient':
      return {
        date: r.date,
        what: coded(locale, r.diagnoses[0] ?? { code: '-', display: '-' }),
        details: t('record.inpatient.stay', { from: r.admissionDate, to: r.dischargeDate }),
        institution: r.institution.name,
      };
    case 'allergy':
      return {
        date: r.date,
        what: name(locale, r.allergen),
        details: `${t(`record.allergy.severity.${r.severity}`)}: ${list(locale, r.symptoms)}`,
        institution: r.institution?.name ?? '',
      };
    case 'imaging_pathology':
      return {
        date: r.date,
        what: coded(locale, r.order),
        details: html`<details><summary>${t('record.report.full')}</summary><p class="report">${r.reportText}</p></details>`,
        institution: r.institution.name,
      };
    case 'adult_preventive': {
      const m = r.measurements;
      return {
        date: r.date,
        what: '',
        details: t('record.preventive', {
          bp: `${m.systolic.value}/${m.diastolic.value}`,
          bmi: m.bmi.value,
          glucose: m.fastingGlucose.value,
          ldl: m.ldl.value,
        }),
        institution: r.institution.name,
      };
    }
    case 'cancer_screening':
      return {
        date: r.date,
        what: r.item,
        details: `${t(`record.screening.${r.result}`)}: ${r.resultText}`,
        institution: r.institution.name,
      };
    case 'care_wishes':
      return {
        date: r.date,
        what: t(`record.wish.${r.wish}`),
        details: t(`record.wish.${r.status}`),
        institution: '',
      };
    case 'immunization':
      return {
        date: r.date,
        what: name(locale, r.vaccine),
        details: r.doseNumber ? t('record.immunization.dose', { dose: r.doseNumber }) : (r.lot ?? ''),
        institution: r.institution.name,
      };
    case 'lab': {
      const flag = r.interpretation && r.interpretation !== 'normal' ? ` (${t(`record.lab.${r.interpretation}`)})` : '';
      const unit = r.quantity ? ` ${r.quantity.unit}` : '';
      const range = r.referenceRange?.text ? ` · ${t('record.lab.range', { range: r.referenceRange.text })}` : '';
      return {
        date: r.date,
        what: `${name(locale, r.order)} · ${r.item}`,
        details: html`<strong>${r.value}${unit}${flag}</strong>${range}`,
        institution: r.institution.name,
      };
    }
  }
}
