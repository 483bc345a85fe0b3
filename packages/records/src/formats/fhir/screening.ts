/**
 * Cancer screening results (r11) as Observation-clinical-result-twcore: the NHI preventive-service
 * code of the screening (IG CodeSystem medical-service-payment-tw) and the LOINC code of what was
 * observed; the examiner's wording is the value, the NHI result (negative / positive /
 * inadequate) the interpretation.
 */
import { nhiOrder } from '../../codes/nhi-orders.js';
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { CancerScreeningRecord, ScreeningKind } from '../../record.js';
import type { BuildContext } from './context.js';
import { aside, INTERPRETATION_ZH, narrative } from './narrative.js';
import { coding, INTERPRETATION, OBSERVATION_CATEGORY, PROFILES } from './terminology.js';
import type { CodeableConcept, Coding, Observation } from './types.js';
import { nonEmpty } from './values.js';

interface ScreeningCoding {
  /** NHI preventive-service code (子宮頸細胞病理檢驗 33, 乳房X光攝影 91, 定量免疫法糞便潛血檢查 85, 口腔黏膜檢查 95). */
  readonly nhi: string;
  readonly loinc: string;
  readonly category: CodeableConcept;
}

export const SCREENING_CODINGS: Readonly<Record<ScreeningKind, ScreeningCoding>> = {
  // 10524-7 Microscopic observation [Identifier] in Cervix by Cyto stain (Pap smear result).
  cervical: { nhi: '33', loinc: '10524-7', category: OBSERVATION_CATEGORY.laboratory },
  // 24606-6 MG Breast Screening.
  breast: { nhi: '91', loinc: '24606-6', category: OBSERVATION_CATEGORY.imaging },
  // 29771-3 Hemoglobin.gastrointestinal [Presence] in Stool by Immunoassay (FIT).
  colorectal: { nhi: '85', loinc: '29771-3', category: OBSERVATION_CATEGORY.laboratory },
  // 10201-2 Physical findings of Mouth and Throat and Teeth Narrative: LOINC has no code for the
  // screening itself; 口腔黏膜檢查 is a physical examination of the mouth whose finding the
  // examiner writes down (our valueString), which is what this code names (scale Nar, the
  // physical-exam section codes C-CDA uses). The NHI service code says it was the screening.
  oral: { nhi: '95', loinc: '10201-2', category: OBSERVATION_CATEGORY.exam },
};

export const SCREENING_INTERPRETATION = {
  negative: INTERPRETATION.negative,
  positive: INTERPRETATION.positive,
  inadequate: INTERPRETATION.indeterminate,
} as const;

export function addScreening(ctx: BuildContext, record: CancerScreeningRecord): void {
  const spec = SCREENING_CODINGS[record.kind];
  const interpretation = SCREENING_INTERPRETATION[record.result];
  const codings: Coding[] = [
    coding(CODE_SYSTEMS.loinc, spec.loinc),
    coding(CODE_SYSTEMS.nhiMedicalService, spec.nhi, nhiOrder(spec.nhi).zh),
  ];
  const observation: Observation = {
    resourceType: 'Observation',
    id: ctx.idFor(record.id, 'observation'),
    meta: { profile: [PROFILES.clinicalResult] },
    text: narrative(
      `${record.date} 癌症篩檢 ${record.item}：${record.resultText}${aside(
        INTERPRETATION_ZH[interpretation.coding?.[0]?.code as string],
      )}，${record.institution.name}`,
      nonEmpty(record.note) ? `說明：${record.note}` : undefined,
    ),
    status: 'final',
    category: [spec.category],
    code: { coding: codings, text: record.item },
    subject: ctx.patient,
    effectiveDateTime: record.date,
    performer: [ctx.organization(record.institution)],
    valueString: record.resultText,
    interpretation: [interpretation],
    ...(nonEmpty(record.note) ? { note: [{ text: record.note }] } : {}),
  };
  ctx.add(observation);
}
