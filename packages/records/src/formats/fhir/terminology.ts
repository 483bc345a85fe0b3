/**
 * Canonical URLs the `fhir` content format uses besides the code systems of `codes/systems.ts`:
 * the TW Core IG 0.3.2 profiles each resource claims, its identifier systems, and the HL7
 * terminology the profiles bind.
 */
import type { CodeableConcept, Coding } from './types.js';

const TWCORE = 'https://twcore.mohw.gov.tw/ig/twcore';
const sd = (name: string) => `${TWCORE}/StructureDefinition/${name}` as const;

/** TW Core profile canonical URLs (StructureDefinition.url in the IG package). */
export const PROFILES = {
  bundle: sd('Bundle-twcore'),
  patient: sd('Patient-twcore'),
  /** 醫事機構: an Organization identified by its 醫事機構代碼. */
  organization: sd('Organization-hosp-twcore'),
  encounter: sd('Encounter-twcore'),
  condition: sd('Condition-twcore'),
  procedure: sd('Procedure-twcore'),
  medicationRequest: sd('MedicationRequest-twcore'),
  laboratoryResult: sd('Observation-laboratoryResult-twcore'),
  clinicalResult: sd('Observation-clinical-result-twcore'),
  bodyHeight: sd('Observation-body-height-twcore'),
  bodyWeight: sd('Observation-body-weight-twcore'),
  bmi: sd('Observation-bmi-twcore'),
  bloodPressure: sd('Observation-bloodPressure-twcore'),
  diagnosticReport: sd('DiagnosticReport-twcore'),
  allergyIntolerance: sd('AllergyIntolerance-twcore'),
  immunization: sd('Immunization-twcore'),
} as const;

/** Identifier and code systems of the TW Core IG (besides the code lists in `CODE_SYSTEMS`). */
export const TWCORE_SYSTEMS = {
  /** 醫事機構代碼, the identifier system of Organization-hosp-twcore. */
  organizationIdentifier: `${TWCORE}/CodeSystem/organization-identifier-tw`,
  /** 健保署就醫科別 (medical consultation departments). */
  consultationDepartment: `${TWCORE}/CodeSystem/medical-consultation-department-nhi-tw`,
  /** 身分證字號: Patient-twcore's idCardNumber slice fixes this system. */
  nationalId: 'http://www.moi.gov.tw',
} as const;

/** HL7 terminology systems bound by the R4 and TW Core profiles. */
export const HL7 = {
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  diagnosisRole: 'http://terminology.hl7.org/CodeSystem/diagnosis-role',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  diagnosticServiceSection: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  consentCategory: 'http://terminology.hl7.org/CodeSystem/consentcategorycodes',
  snomed: 'http://snomed.info/sct',
} as const;

/** Deep-freezes a constant shared by many resources, so no consumer can change one for all. */
export function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

export const coding = (system: string, code: string, display?: string): Coding =>
  display === undefined ? { system, code } : { system, code, display };

/** A frozen single-coding CodeableConcept, for the fixed codes most resources repeat. */
export const fixedConcept = (system: string, code: string, display: string): CodeableConcept =>
  frozen({ coding: [{ system, code, display }] });

export const OBSERVATION_CATEGORY = {
  laboratory: fixedConcept(HL7.observationCategory, 'laboratory', 'Laboratory'),
  vitalSigns: fixedConcept(HL7.observationCategory, 'vital-signs', 'Vital Signs'),
  exam: fixedConcept(HL7.observationCategory, 'exam', 'Exam'),
  imaging: fixedConcept(HL7.observationCategory, 'imaging', 'Imaging'),
} as const;

export const INTERPRETATION = {
  normal: fixedConcept(HL7.interpretation, 'N', 'Normal'),
  high: fixedConcept(HL7.interpretation, 'H', 'High'),
  low: fixedConcept(HL7.interpretation, 'L', 'Low'),
  abnormal: fixedConcept(HL7.interpretation, 'A', 'Abnormal'),
  negative: fixedConcept(HL7.interpretation, 'NEG', 'Negative'),
  positive: fixedConcept(HL7.interpretation, 'POS', 'Positive'),
  indeterminate: fixedConcept(HL7.interpretation, 'IND', 'Indeterminate'),
} as const;
