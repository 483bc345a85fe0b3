/**
 * Registrations: allergies (r4) as AllergyIntolerance-twcore, vaccinations (r6) as
 * Immunization-twcore (CVX), and care wishes (r5) as FHIR Consent.
 */
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { AllergyRecord, CareWish, CareWishesRecord, ImmunizationRecord } from '../../record.js';
import type { BuildContext } from './context.js';
import { aside, narrative } from './narrative.js';
import { coding, fixedConcept, frozen, HL7, PROFILES } from './terminology.js';
import type { AllergyIntolerance, CodeableConcept, Consent, Immunization } from './types.js';
import { nonEmpty } from './values.js';

const ALLERGY_ACTIVE = fixedConcept(HL7.allergyClinical, 'active', 'Active');
/** Registered by a clinician at an institution: confirmed; reported by the citizen: unconfirmed. */
export const ALLERGY_VERIFICATION = {
  institution: fixedConcept(HL7.allergyVerification, 'confirmed', 'Confirmed'),
  self_reported: fixedConcept(HL7.allergyVerification, 'unconfirmed', 'Unconfirmed'),
} as const;
export const ALLERGY_CATEGORY = { drug: 'medication', food: 'food', environment: 'environment' } as const;
const ALLERGEN_LABEL = { drug: '藥物', food: '食物', environment: '環境' } as const;
const SEVERITY_LABEL = { mild: '輕度', moderate: '中度', severe: '重度' } as const;

export function addAllergy(ctx: BuildContext, record: AllergyRecord): void {
  // Drug allergens carry their ATC code; food and environmental allergens only a local code, so text.
  const code: CodeableConcept =
    record.allergenKind === 'drug'
      ? {
          coding: [coding(CODE_SYSTEMS.atc, record.allergen.code, record.allergen.displayEn)],
          text: record.allergen.display,
        }
      : { text: record.allergen.display };
  const allergy: AllergyIntolerance = {
    resourceType: 'AllergyIntolerance',
    id: ctx.idFor(record.id, 'allergy'),
    meta: { profile: [PROFILES.allergyIntolerance] },
    text: narrative(
      `過敏：${record.allergen.display}${aside(ALLERGEN_LABEL[record.allergenKind])}；症狀：${record.symptoms.join('、')}${aside(SEVERITY_LABEL[record.severity])}`,
      `${record.date} ${record.source === 'institution' ? '醫療院所登錄' : '民眾自述'}`,
      nonEmpty(record.note) ? `備註：${record.note}` : undefined,
    ),
    clinicalStatus: ALLERGY_ACTIVE,
    verificationStatus: ALLERGY_VERIFICATION[record.source],
    type: 'allergy',
    category: [ALLERGY_CATEGORY[record.allergenKind]],
    code,
    patient: ctx.patient,
    recordedDate: record.date,
    ...(record.source === 'self_reported' ? { asserter: ctx.patient } : {}),
    ...(nonEmpty(record.note) ? { note: [{ text: record.note }] } : {}),
    reaction: [{ manifestation: record.symptoms.map((s) => ({ text: s })), severity: record.severity }],
  };
  ctx.add(allergy);
}

export function addImmunization(ctx: BuildContext, record: ImmunizationRecord): void {
  const immunization: Immunization = {
    resourceType: 'Immunization',
    id: ctx.idFor(record.id, 'immunization'),
    meta: { profile: [PROFILES.immunization] },
    text: narrative(
      `${record.date} 預防接種：${record.vaccine.display}${aside(
        record.doseNumber ? `第 ${record.doseNumber} 劑` : undefined,
        record.lot ? `批號 ${record.lot}` : undefined,
      )}，${record.institution.name}`,
    ),
    status: 'completed',
    vaccineCode: {
      coding: [coding(CODE_SYSTEMS.cvx, record.vaccine.code, record.vaccine.displayEn)],
      text: record.vaccine.display,
    },
    patient: ctx.patient,
    occurrenceDateTime: record.date,
    // The record is the administering institution's own report to the national registry.
    primarySource: true,
    ...(record.lot ? { lotNumber: record.lot } : {}),
    performer: [{ actor: ctx.organization(record.institution) }],
    ...(record.doseNumber ? { protocolApplied: [{ doseNumberPositiveInt: record.doseNumber }] } : {}),
  };
  ctx.add(immunization);
}

/** Every care wish is an advance directive in R4's sense ("actions to be taken if they are no longer able to decide"). */
const ADR_SCOPE = fixedConcept(HL7.consentScope, 'adr', 'Advanced Care Directive');
const PATIENT_CONSENT = fixedConcept(CODE_SYSTEMS.loinc, '59284-0', 'Patient Consent');
const ADVANCE_DIRECTIVE = fixedConcept(HL7.consentCategory, 'acd', 'Advance Directive');
const DNR = fixedConcept(HL7.consentCategory, 'dnr', 'Do Not Resuscitate');

interface WishMapping {
  readonly categories: readonly CodeableConcept[];
  /** The Taiwanese act the registration is made under (R4 Consent requires a policy or policyRule). */
  readonly act: CodeableConcept;
}

export const WISHES: Readonly<Record<CareWish, WishMapping>> = {
  organ_donation: {
    categories: [PATIENT_CONSENT],
    act: frozen({ text: '人體器官移植條例 (Human Organ Transplantation Act)' }),
  },
  hospice_palliative: {
    categories: [PATIENT_CONSENT, ADVANCE_DIRECTIVE],
    act: frozen({ text: '安寧緩和醫療條例 (Hospice Palliative Care Act)' }),
  },
  life_sustaining_refusal: {
    categories: [PATIENT_CONSENT, DNR],
    act: frozen({ text: '安寧緩和醫療條例 (Hospice Palliative Care Act)' }),
  },
  advance_decision: {
    categories: [PATIENT_CONSENT, ADVANCE_DIRECTIVE],
    act: frozen({ text: '病人自主權利法 (Patient Right to Autonomy Act)' }),
  },
};

export const CARE_WISH_TITLES: Readonly<Record<CareWish, string>> = {
  organ_donation: '器官捐贈意願',
  hospice_palliative: '安寧緩和醫療意願',
  life_sustaining_refusal: '不施行維生醫療意願',
  advance_decision: '預立醫療決定',
};

export function addCareWish(ctx: BuildContext, record: CareWishesRecord): void {
  const wish = WISHES[record.wish];
  const consent: Consent = {
    resourceType: 'Consent',
    id: ctx.idFor(record.id, 'consent'),
    // TW Core 0.3.2 has no Consent profile, so this resource claims none (base R4 Consent).
    text: narrative(
      `${record.date} ${CARE_WISH_TITLES[record.wish]}：${record.status === 'registered' ? '已註記' : '已撤回'}`,
      `依據：${wish.act.text}`,
      nonEmpty(record.note) ? `簽署文件：${record.note}` : undefined,
    ),
    status: record.status === 'registered' ? 'active' : 'inactive',
    scope: ADR_SCOPE,
    category: [...wish.categories],
    patient: ctx.patient,
    dateTime: record.date,
    sourceAttachment: { title: nonEmpty(record.note) ? record.note : CARE_WISH_TITLES[record.wish] },
    policyRule: wish.act,
  };
  ctx.add(consent);
}
