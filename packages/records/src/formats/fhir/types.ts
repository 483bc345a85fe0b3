/**
 * Minimal FHIR R4 (4.0.1) types for exactly what the `fhir` content format emits. The records
 * package carries no FHIR library at run time; these shapes follow the R4 specification, and the
 * tests check the output against the full R4 definitions.
 */

export interface Extension {
  url: string;
  valueString?: string;
  valueCanonical?: string;
  extension?: Extension[];
}

export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  /** Extensions on the primitive `code` (FHIR JSON puts them under `_code`). */
  _code?: { extension: Extension[] };
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Reference {
  reference?: string;
  type?: string;
  display?: string;
}

export interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface Identifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  type?: CodeableConcept;
  system?: string;
  value?: string;
}

export interface Meta {
  profile?: string[];
}

export interface Annotation {
  text: string;
}

export interface Attachment {
  contentType?: string;
  language?: string;
  data?: string;
  title?: string;
}

export interface ContactPoint {
  system?: 'phone' | 'fax' | 'email' | 'pager' | 'url' | 'sms' | 'other';
  value?: string;
  use?: 'home' | 'work' | 'temp' | 'old' | 'mobile';
}

export interface HumanName {
  use?: 'usual' | 'official' | 'temp' | 'nickname' | 'anonymous' | 'old' | 'maiden';
  text?: string;
}

/**
 * A human-readable summary (FHIR R4 §2.4 Narrative): `div` is an XHTML fragment in the XHTML
 * namespace, limited to the basic formatting elements (no scripts, forms or event attributes).
 */
export interface Narrative {
  status: 'generated' | 'extensions' | 'additional' | 'empty';
  div: string;
}

interface ResourceBase {
  id?: string;
  meta?: Meta;
}

/** DomainResource: every resource here but Bundle, which carries no narrative. */
interface DomainResourceBase extends ResourceBase {
  text?: Narrative;
}

export interface Patient extends DomainResourceBase {
  resourceType: 'Patient';
  identifier: Identifier[];
  name?: HumanName[];
  gender: 'male' | 'female' | 'other' | 'unknown';
  birthDate: string;
}

export interface Organization extends DomainResourceBase {
  resourceType: 'Organization';
  identifier: Identifier[];
  active?: boolean;
  type?: CodeableConcept[];
  name: string;
  telecom?: ContactPoint[];
}

export interface EncounterDiagnosis {
  condition: Reference;
  use?: CodeableConcept;
  rank?: number;
}

export interface Encounter extends DomainResourceBase {
  resourceType: 'Encounter';
  status: 'planned' | 'arrived' | 'triaged' | 'in-progress' | 'onleave' | 'finished' | 'cancelled';
  class: Coding;
  serviceType?: CodeableConcept;
  subject: Reference;
  period: Period;
  diagnosis?: EncounterDiagnosis[];
  serviceProvider: Reference;
}

export interface Condition extends DomainResourceBase {
  resourceType: 'Condition';
  clinicalStatus: CodeableConcept;
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  encounter?: Reference;
  recordedDate?: string;
}

export interface ProcedurePerformer {
  actor: Reference;
}

export interface Procedure extends DomainResourceBase {
  resourceType: 'Procedure';
  status: 'completed';
  code: CodeableConcept;
  subject: Reference;
  encounter?: Reference;
  performedDateTime?: string;
  performedPeriod?: Period;
  performer?: ProcedurePerformer[];
}

export interface Timing {
  repeat?: { boundsDuration?: Quantity; boundsPeriod?: Period };
}

export interface Dosage {
  text?: string;
  timing?: Timing;
}

export interface MedicationRequest extends DomainResourceBase {
  resourceType: 'MedicationRequest';
  status: 'completed';
  intent: 'order';
  category?: CodeableConcept[];
  medicationCodeableConcept: CodeableConcept;
  subject: Reference;
  encounter?: Reference;
  authoredOn?: string;
  requester?: Reference;
  dosageInstruction?: Dosage[];
  dispenseRequest?: { quantity?: Quantity; expectedSupplyDuration?: Quantity };
}

export interface ObservationReferenceRange {
  low?: Quantity;
  high?: Quantity;
  text?: string;
}

export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity?: Quantity;
}

export interface Observation extends DomainResourceBase {
  resourceType: 'Observation';
  status: 'final';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  effectiveDateTime: string;
  issued?: string;
  performer?: Reference[];
  valueQuantity?: Quantity;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  valueBoolean?: boolean;
  interpretation?: CodeableConcept[];
  note?: Annotation[];
  referenceRange?: ObservationReferenceRange[];
  component?: ObservationComponent[];
}

export interface DiagnosticReport extends DomainResourceBase {
  resourceType: 'DiagnosticReport';
  status: 'final';
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  encounter?: Reference;
  effectiveDateTime?: string;
  effectivePeriod?: Period;
  issued?: string;
  performer?: Reference[];
  result?: Reference[];
  conclusion?: string;
  conclusionCode?: CodeableConcept[];
  presentedForm?: Attachment[];
}

export interface AllergyReaction {
  manifestation: CodeableConcept[];
  severity?: 'mild' | 'moderate' | 'severe';
}

export interface AllergyIntolerance extends DomainResourceBase {
  resourceType: 'AllergyIntolerance';
  clinicalStatus: CodeableConcept;
  verificationStatus: CodeableConcept;
  type?: 'allergy' | 'intolerance';
  category?: ('food' | 'medication' | 'environment' | 'biologic')[];
  code: CodeableConcept;
  patient: Reference;
  recordedDate?: string;
  asserter?: Reference;
  note?: Annotation[];
  reaction?: AllergyReaction[];
}

export interface Immunization extends DomainResourceBase {
  resourceType: 'Immunization';
  status: 'completed';
  vaccineCode: CodeableConcept;
  patient: Reference;
  occurrenceDateTime: string;
  primarySource?: boolean;
  lotNumber?: string;
  performer?: { actor: Reference }[];
  protocolApplied?: { doseNumberPositiveInt: number }[];
}

export interface Consent extends DomainResourceBase {
  resourceType: 'Consent';
  status: 'active' | 'inactive';
  scope: CodeableConcept;
  category: CodeableConcept[];
  patient: Reference;
  dateTime?: string;
  sourceAttachment?: Attachment;
  policyRule?: CodeableConcept;
}

/** Every resource the `fhir` content format emits. */
export type Resource =
  | Patient
  | Organization
  | Encounter
  | Condition
  | Procedure
  | MedicationRequest
  | Observation
  | DiagnosticReport
  | AllergyIntolerance
  | Immunization
  | Consent;

export interface BundleEntry<R extends Resource = Resource> {
  fullUrl: string;
  resource: R;
}

export interface Bundle extends ResourceBase {
  resourceType: 'Bundle';
  identifier?: Identifier;
  type: 'collection';
  timestamp: string;
  entry: BundleEntry[];
}
