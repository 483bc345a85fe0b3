/**
 * Cancer screening results (r11) as Observation-clinical-result-twcore: the NHI preventive-service
 * code of the screening (IG CodeSystem medical-service-payment-tw) and, where LOINC has one, the
 * LOINC code HEDIS-style measures use for it; the examiner's wording is the value, the NHI result
 * (negative / positive / inadequate) the interpretation.
 */
import { nhiOrder } from '../../codes/nhi-orders.js';
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { CancerScreeningRecord, ScreeningKind } from '../../record.js';
import type { BuildContext } from './context.js';
import { coding, INTERPRETATION, OBSERVATION_CATEGORY, PROFILES } from './terminology.js';
import type { CodeableConcept, Coding, Observation } from './types.js';
import { nonEmpty } from './values.js';

interface ScreeningCoding {
  /** NHI preventive-service code (子宮頸細胞病理檢驗 33, 乳房X光攝影 91, 定量免疫法糞便潛血檢查 85, 口腔黏膜檢查 95). */
  readonly nhi: string;
  readonly loinc?: string;
  readonly category: CodeableConcept;
}

export const SCREENING_CODINGS: Readonly<Record<ScreeningKind, ScreeningCoding>> = {
  // 10524-7 Microscopic observation [Identifier] in Cervix by Cyto stain (Pap smear result).
  cervical: { nhi: '33', loinc: '10524-7', category: OBSERVATION_CATEGORY.laboratory },
  // 24606-6 MG Breast Screening.
  breast: { nhi: '91', loinc: '24606-6', category: OBSERVATION_CATEGORY.imaging },
  // 29771-3 Hemoglobin.gastrointestinal [Presence] in Stool by Immunoassay (FIT).
  colorectal: { nhi: '85', loinc: '29771-3', category: OBSERVATION_CATEGORY.laboratory },
  // Oral mucosa inspection has no LOINC code; the NHI service code alone identifies it.
  oral: { nhi: '95', category: OBSERVATION_CATEGORY.exam },
};

const INTERPRETATION_OF = {
  negative: INTERPRETATION.negative,
  positive: INTERPRETATION.positive,
  inadequate: INTERPRETATION.indeterminate,
} as const;

export function addScreening(ctx: BuildContext, record: CancerScreeningRecord): void {
  const spec = SCREENING_CODINGS[record.kind];
  const codings: Coding[] = [];
  if (spec.loinc) codings.push(coding(CODE_SYSTEMS.loinc, spec.loinc));
  codings.push(coding(CODE_SYSTEMS.nhiMedicalService, spec.nhi, nhiOrder(spec.nhi).zh));
  const observation: Observation = {
    resourceType: 'Observation',
    id: ctx.idFor(record.id, 'observation'),
    meta: { profile: [PROFILES.clinicalResult] },
    status: 'final',
    category: [spec.category],
    code: { coding: codings, text: record.item },
    subject: ctx.patient,
    effectiveDateTime: record.date,
    performer: [ctx.organization(record.institution)],
    valueString: record.resultText,
    interpretation: [INTERPRETATION_OF[record.result]],
    ...(nonEmpty(record.note) ? { note: [{ text: record.note }] } : {}),
  };
  ctx.add(observation);
}
