/**
 * The adult preventive health check (r10): body measurements as TW Core vital-signs profiles
 * (height, weight, BMI, blood-pressure panel; waist as an exam Observation, TW Core having no
 * waist profile), lab values as Observation-laboratoryResult-twcore with LOINC and the NHI order
 * code SPEC appendix A gives each (r10.14 09001C …), and one DiagnosticReport that groups the lab
 * results and carries the physician's assessments (評估) as its conclusion.
 */
import { PREVENTIVE_MEASUREMENT_CODES, PREVENTIVE_QUALITATIVE_CODES } from '../../codes/lab-items.js';
import { nhiOrder } from '../../codes/nhi-orders.js';
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { AdultPreventiveRecord, Assessment, PreventiveMeasurement } from '../../record.js';
import type { BuildContext } from './context.js';
import { nhiLabCoding, valueQuantityOf } from './labs.js';
import { amount, narrative, narrativeOfLines } from './narrative.js';
import { coding, fixedConcept, frozen, HL7, OBSERVATION_CATEGORY, PROFILES } from './terminology.js';
import type { CodeableConcept, Coding, DiagnosticReport, Observation, Reference } from './types.js';
import { nonEmpty } from './values.js';

/** The NHI order code of each lab value of the check (SPEC appendix A, r10). */
export const PREVENTIVE_NHI_ORDERS: Partial<
  Record<PreventiveMeasurement | 'urineProtein' | 'hbsag' | 'antiHcv', string>
> = {
  totalCholesterol: '09001C',
  triglycerides: '09004C',
  hdl: '09043C',
  ldl: '09044C',
  fastingGlucose: '09005C',
  bun: '09002C',
  creatinine: '09015C',
  ast: '09025C',
  alt: '09026C',
  hbsag: '14032C',
  antiHcv: '14051C',
};

const LAB_MEASUREMENTS = [
  'totalCholesterol',
  'triglycerides',
  'hdl',
  'ldl',
  'fastingGlucose',
  'bun',
  'creatinine',
  'egfr',
  'ast',
  'alt',
] as const satisfies readonly PreventiveMeasurement[];

/** SNOMED CT qualifier values for the strip and serology results. */
export const QUALITATIVE = {
  negative: frozen({ coding: [coding(HL7.snomed, '260385009', 'Negative')], text: '陰性' }),
  trace: frozen({ coding: [coding(HL7.snomed, '260405006', 'Trace')], text: '微量' }),
  positive: frozen({ coding: [coding(HL7.snomed, '10828004', 'Positive')], text: '陽性' }),
} as const;

export const ASSESSMENT_LABEL: Record<Assessment['status'], string> = {
  normal: '正常',
  abnormal: '異常',
  follow_up: '需追蹤',
};

export const GROUP_LABEL = {
  bloodPressure: '血壓',
  lipids: '血脂',
  glucose: '血糖',
  kidney: '腎功能',
  liver: '肝功能',
  hepatitisB: 'B型肝炎',
  hepatitisC: 'C型肝炎',
} as const;

const METABOLIC_SYNDROME = fixedConcept(HL7.snomed, '237602007', 'Metabolic syndrome X');
const LAB_SECTION = fixedConcept(HL7.diagnosticServiceSection, 'LAB', 'Laboratory');
export const CHECK_CODE = frozen({ text: '成人預防保健服務 (Adult preventive health check)' });

const loincConcept = (loinc: string, text: string): CodeableConcept => ({
  coding: [coding(CODE_SYSTEMS.loinc, loinc)],
  text,
});

export function addPreventive(ctx: BuildContext, record: AdultPreventiveRecord): void {
  const performer = [ctx.organization(record.institution, nonEmpty(record.phone) ? record.phone : undefined)];
  const m = record.measurements;
  /** The parts every Observation of the check shares, in FHIR's element order; `summary` is what it says. */
  const base = (
    role: string,
    profile: string,
    category: CodeableConcept,
    code: CodeableConcept,
    summary: string,
  ): Pick<
    Observation,
    | 'resourceType'
    | 'id'
    | 'meta'
    | 'text'
    | 'status'
    | 'category'
    | 'code'
    | 'subject'
    | 'effectiveDateTime'
    | 'performer'
  > => ({
    resourceType: 'Observation',
    id: ctx.idFor(record.id, role),
    meta: { profile: [profile] },
    text: narrative(`${record.date} 成人預防保健 ${summary}`),
    status: 'final',
    category: [category],
    code,
    subject: ctx.patient,
    effectiveDateTime: record.date,
    performer,
  });

  const said = (key: PreventiveMeasurement) =>
    `${PREVENTIVE_MEASUREMENT_CODES[key].zh}：${amount(m[key].value, m[key].unit)}`;
  const vital = (key: 'height' | 'weight' | 'bmi', profile: string): Observation => ({
    ...base(
      key,
      profile,
      OBSERVATION_CATEGORY.vitalSigns,
      loincConcept(PREVENTIVE_MEASUREMENT_CODES[key].loinc, PREVENTIVE_MEASUREMENT_CODES[key].zh),
      said(key),
    ),
    valueQuantity: valueQuantityOf(m[key]),
  });
  ctx.add(vital('height', PROFILES.bodyHeight));
  ctx.add(vital('weight', PROFILES.bodyWeight));
  ctx.add(vital('bmi', PROFILES.bmi));
  ctx.add({
    ...base(
      'bp',
      PROFILES.bloodPressure,
      OBSERVATION_CATEGORY.vitalSigns,
      loincConcept('85354-9', '血壓'),
      `血壓：${m.systolic.value}/${amount(m.diastolic.value, m.diastolic.unit)}`,
    ),
    component: [
      {
        code: loincConcept(PREVENTIVE_MEASUREMENT_CODES.systolic.loinc, '收縮壓'),
        valueQuantity: valueQuantityOf(m.systolic),
      },
      {
        code: loincConcept(PREVENTIVE_MEASUREMENT_CODES.diastolic.loinc, '舒張壓'),
        valueQuantity: valueQuantityOf(m.diastolic),
      },
    ],
  });
  ctx.add({
    ...base(
      'waist',
      PROFILES.clinicalResult,
      OBSERVATION_CATEGORY.exam,
      loincConcept(PREVENTIVE_MEASUREMENT_CODES.waist.loinc, PREVENTIVE_MEASUREMENT_CODES.waist.zh),
      said('waist'),
    ),
    valueQuantity: valueQuantityOf(m.waist),
  });

  const labCode = (key: keyof typeof PREVENTIVE_NHI_ORDERS, loinc: string, zh: string): CodeableConcept => {
    const codings: Coding[] = [coding(CODE_SYSTEMS.loinc, loinc)];
    const order = PREVENTIVE_NHI_ORDERS[key];
    const nhi = order ? nhiLabCoding(order, nhiOrder(order).zh) : undefined;
    if (nhi) codings.push(nhi);
    return { coding: codings, text: zh };
  };
  const results: Reference[] = [];
  for (const key of LAB_MEASUREMENTS) {
    const spec = PREVENTIVE_MEASUREMENT_CODES[key];
    results.push(
      ctx.add({
        ...base(
          key,
          PROFILES.laboratoryResult,
          OBSERVATION_CATEGORY.laboratory,
          labCode(key, spec.loinc, spec.zh),
          said(key),
        ),
        valueQuantity: valueQuantityOf(m[key]),
      }),
    );
  }
  const qualitative = (key: 'urineProtein' | 'hbsag' | 'antiHcv', value: keyof typeof QUALITATIVE) => {
    const spec = PREVENTIVE_QUALITATIVE_CODES[key];
    results.push(
      ctx.add({
        ...base(
          key,
          PROFILES.laboratoryResult,
          OBSERVATION_CATEGORY.laboratory,
          labCode(key, spec.loinc, spec.zh),
          `${spec.zh}：${QUALITATIVE[value].text}`,
        ),
        valueCodeableConcept: QUALITATIVE[value],
      }),
    );
  };
  qualitative('urineProtein', record.urineProtein);
  if (record.hbsag) qualitative('hbsag', record.hbsag);
  if (record.antiHcv) qualitative('antiHcv', record.antiHcv);

  const conclusion = conclusionOf(record);
  const report: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    id: ctx.idFor(record.id, 'report'),
    meta: { profile: [PROFILES.diagnosticReport] },
    text: narrativeOfLines([`${record.date} 成人預防保健服務，${record.institution.name}`, ...conclusion.split('\n')]),
    status: 'final',
    category: [LAB_SECTION],
    code: CHECK_CODE,
    subject: ctx.patient,
    effectiveDateTime: record.date,
    performer,
    result: results,
    conclusion,
    ...(record.metabolicSyndrome ? { conclusionCode: [METABOLIC_SYNDROME] } : {}),
  };
  ctx.add(report);
}

function conclusionOf(record: AdultPreventiveRecord): string {
  const lines: string[] = [];
  for (const [group, label] of Object.entries(GROUP_LABEL) as [keyof typeof GROUP_LABEL, string][]) {
    const a = record.assessments[group];
    if (!a) continue;
    const status = ASSESSMENT_LABEL[a.status];
    lines.push(nonEmpty(a.text) ? `${label}：${status}－${a.text}` : `${label}：${status}`);
  }
  lines.push(`代謝症候群：${record.metabolicSyndrome ? '是' : '否'}`);
  return lines.join('\n');
}
