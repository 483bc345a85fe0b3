/**
 * Visits (outpatient r1, TCM r9, dental r3, inpatient r2) as an Encounter with its Conditions
 * (ICD-10-CM), Procedures (ICD-10-PCS, and NHI procedure orders) and MedicationRequests (drug and
 * herb orders). Fee and lab order lines are claim items, not clinical statements: lab results
 * arrive as their own Observations (r7), and fees stay in the `records` and `mhb` formats.
 * An NHI procedure order the IG does not allow in Procedure.code is coded where the IG does allow
 * it (see `NHI_PROCEDURE_ORDERS_AS_REPORTS`).
 */
import { CODE_SYSTEMS } from '../../codes/systems.js';
import type { InpatientOrder, InpatientRecord, Order, VisitRecord } from '../../record.js';
import type { BuildContext } from './context.js';
import { aside, narrative, span } from './narrative.js';
import { coding, fixedConcept, HL7, PROFILES, TWCORE_SYSTEMS } from './terminology.js';
import type {
  CodeableConcept,
  Coding,
  Condition,
  DiagnosticReport,
  Encounter,
  EncounterDiagnosis,
  MedicationRequest,
  Period,
  Procedure,
  Reference,
} from './types.js';
import { ucum } from './values.js';

const CLASS = {
  ambulatory: Object.freeze(coding(HL7.actCode, 'AMB', 'ambulatory')),
  emergency: Object.freeze(coding(HL7.actCode, 'EMER', 'emergency')),
  inpatient: Object.freeze(coding(HL7.actCode, 'IMP', 'inpatient encounter')),
} as const;

/**
 * 就醫科別 where the category tells it: TCM by the NHI consultation-department code 60 (in the
 * IG's value set); dentistry and emergency medicine by the SNOMED CT codes the IG's ConceptMap
 * gives for NHI departments 40 and 22 (those NHI codes are not in the IG's value set).
 */
export const SERVICE_TYPE = {
  tcm: fixedConcept(TWCORE_SYSTEMS.consultationDepartment, '60', '中醫科'),
  dental: fixedConcept(HL7.snomed, '722163006', 'Dentistry'),
  emergency: fixedConcept(HL7.snomed, '773568002', 'Emergency medicine'),
} as const;

const ACTIVE = fixedConcept(HL7.conditionClinical, 'active', 'Active');
const ENCOUNTER_DIAGNOSIS = fixedConcept(HL7.conditionCategory, 'encounter-diagnosis', 'Encounter Diagnosis');
/** NHI diagnoses come from claims: "billing" is the role that says so; rank 1 is the principal one. */
const BILLING = fixedConcept(HL7.diagnosisRole, 'billing', 'Billing');
const MED_CATEGORY = {
  outpatient: fixedConcept(HL7.medicationRequestCategory, 'outpatient', 'Outpatient'),
  inpatient: fixedConcept(HL7.medicationRequestCategory, 'inpatient', 'Inpatient'),
} as const;

/**
 * NHI procedure orders that the IG's value set procedure-tw (bound, required, to the
 * `medical-service-payment` slice of Procedure-twcore's code) does not list; the tests recompute
 * both sets from the IG package.
 *
 * Those the IG's laboratory-category-tw lists are laboratory examinations billed as procedures:
 * they become a DiagnosticReport-twcore, whose code binds that value set for NHI codes
 * (slice `TWLaboratoryCategory`), in the diagnostic service section given here. 15021C
 * 薄片細胞學檢查 (thin-layer cytology, the liquid-based Pap test of a cervical work-up) is v2-0074
 * `CP` Cytopathology. The claim names the examination, not its findings, which NHI reports as a
 * pathology report (r8) or a screening result (r11) when it has them.
 */
export const NHI_PROCEDURE_ORDERS_AS_REPORTS: ReadonlyMap<string, CodeableConcept> = new Map([
  ['15021C', fixedConcept(HL7.diagnosticServiceSection, 'CP', 'Cytopathology')],
]);

/**
 * NHI procedure orders in no value set the IG binds for NHI codes (B71 脈診儀檢查費, a TCM pulse
 * diagnosis device): a Procedure coded by text alone, so that no slice holds a code outside its
 * value set. `fromFhirBundle` finds the code again by the name.
 */
export const NHI_PROCEDURE_ORDERS_AS_TEXT: ReadonlySet<string> = new Set(['B71']);

type AnyVisit = VisitRecord | InpatientRecord;

const VISIT_LABEL = {
  outpatient: '門診',
  emergency: '急診',
  tcm: '中醫門診',
  dental: '牙醫門診',
  inpatient: '住院',
} as const;

function visitLabel(record: AnyVisit): string {
  if (record.category === 'outpatient') return VISIT_LABEL[record.visitType];
  return VISIT_LABEL[record.category];
}

function classAndService(record: AnyVisit): { cls: Coding; service?: CodeableConcept } {
  switch (record.category) {
    case 'inpatient':
      return { cls: CLASS.inpatient };
    case 'tcm':
      return { cls: CLASS.ambulatory, service: SERVICE_TYPE.tcm };
    case 'dental':
      return { cls: CLASS.ambulatory, service: SERVICE_TYPE.dental };
    default:
      return record.visitType === 'emergency'
        ? { cls: CLASS.emergency, service: SERVICE_TYPE.emergency }
        : { cls: CLASS.ambulatory };
  }
}

const isInpatientOrder = (o: Order | InpatientOrder): o is InpatientOrder => 'start' in o;

/** When an order was given: the visit day, or the order's own dates during a stay. */
function orderTime(record: AnyVisit, order: Order | InpatientOrder): { at: string; period?: Period } {
  if (!isInpatientOrder(order)) return { at: record.date };
  return order.start === order.end
    ? { at: order.start }
    : { at: order.start, period: { start: order.start, end: order.end } };
}

export function addVisit(ctx: BuildContext, record: AnyVisit): void {
  const org = ctx.organization(record.institution);
  const encounterId = ctx.idFor(record.id, 'encounter');
  const encounterRef: Reference = { reference: `urn:uuid:${encounterId}` };
  const stay: Period | undefined =
    record.category === 'inpatient' ? { start: record.admissionDate, end: record.dischargeDate } : undefined;
  const when = stay ? span(stay.start as string, stay.end) : record.date;

  const diagnosis: EncounterDiagnosis[] = [];
  const conditions: Condition[] = [];
  record.diagnoses.forEach((dx, i) => {
    const id = ctx.idFor(record.id, `dx:${i}`);
    conditions.push({
      resourceType: 'Condition',
      id,
      meta: { profile: [PROFILES.condition] },
      text: narrative(
        `${i === 0 ? '主診斷' : '次診斷'}：${dx.code} ${dx.display}${aside(`${when} ${visitLabel(record)}`)}`,
      ),
      // Claims carry no later status; "active" states the condition as recorded at this visit.
      clinicalStatus: ACTIVE,
      category: [ENCOUNTER_DIAGNOSIS],
      code: { coding: [coding(CODE_SYSTEMS.icd10cm, dx.code, dx.display)], text: dx.display },
      subject: ctx.patient,
      encounter: encounterRef,
      recordedDate: record.date,
    });
    diagnosis.push({ condition: { reference: `urn:uuid:${id}` }, use: BILLING, rank: i + 1 });
  });

  const { cls, service } = classAndService(record);
  const [principal] = record.diagnoses;
  const encounter: Encounter = {
    resourceType: 'Encounter',
    id: encounterId,
    meta: { profile: [PROFILES.encounter] },
    text: narrative(
      `${visitLabel(record)}：${when}，${record.institution.name}`,
      principal &&
        `主診斷：${principal.code} ${principal.display}${record.diagnoses.length > 1 ? `（另有 ${record.diagnoses.length - 1} 項診斷）` : ''}`,
    ),
    status: 'finished',
    class: cls,
    ...(service ? { serviceType: service } : {}),
    subject: ctx.patient,
    period: stay ?? { start: record.date, end: record.date },
    diagnosis,
    serviceProvider: org,
  };
  ctx.add(encounter);
  for (const c of conditions) ctx.add(c);

  const performed = stay ? { performedPeriod: stay } : { performedDateTime: record.date };
  record.procedures.forEach((px, i) => {
    const procedure: Procedure = {
      resourceType: 'Procedure',
      id: ctx.idFor(record.id, `px:${i}`),
      meta: { profile: [PROFILES.procedure] },
      text: narrative(`處置：${px.code} ${px.display}${aside(when)}`),
      status: 'completed',
      code: { coding: [coding(CODE_SYSTEMS.icd10pcs, px.code, px.display)], text: px.display },
      subject: ctx.patient,
      encounter: encounterRef,
      // ICD-10-PCS codes on an NHI inpatient claim are not dated: "during the stay".
      ...performed,
      performer: [{ actor: org }],
    };
    ctx.add(procedure);
  });

  const orders: readonly (Order | InpatientOrder)[] = record.orders;
  orders.forEach((order, i) => {
    if (order.kind === 'procedure') {
      ctx.add(
        NHI_PROCEDURE_ORDERS_AS_REPORTS.has(order.code)
          ? orderReport(ctx, record, order, i, encounterRef, org)
          : orderProcedure(ctx, record, order, i, encounterRef, org),
      );
    } else if (order.kind === 'drug' || order.kind === 'herb') {
      ctx.add(medicationRequest(ctx, record, order, i, encounterRef, org));
    }
  });
}

function orderProcedure(
  ctx: BuildContext,
  record: AnyVisit,
  order: Order | InpatientOrder,
  index: number,
  encounter: Reference,
  org: Reference,
): Procedure {
  const { at, period } = orderTime(record, order);
  const coded = !NHI_PROCEDURE_ORDERS_AS_TEXT.has(order.code);
  return {
    resourceType: 'Procedure',
    id: ctx.idFor(record.id, `order:${index}`),
    meta: { profile: [PROFILES.procedure] },
    // A text-only order's code stays out of the narrative too: `generated` says nothing more than the elements.
    text: narrative(`處置：${order.name}${aside(coded ? `健保醫令 ${order.code}` : undefined, span(at, period?.end))}`),
    status: 'completed',
    code: coded
      ? { coding: [coding(CODE_SYSTEMS.nhiMedicalService, order.code, order.name)], text: order.name }
      : { text: order.name },
    subject: ctx.patient,
    encounter,
    ...(period ? { performedPeriod: period } : { performedDateTime: at }),
    performer: [{ actor: org }],
  };
}

/** A laboratory examination billed as a procedure order (see `NHI_PROCEDURE_ORDERS_AS_REPORTS`). */
function orderReport(
  ctx: BuildContext,
  record: AnyVisit,
  order: Order | InpatientOrder,
  index: number,
  encounter: Reference,
  org: Reference,
): DiagnosticReport {
  const { at, period } = orderTime(record, order);
  return {
    resourceType: 'DiagnosticReport',
    id: ctx.idFor(record.id, `order:${index}`),
    meta: { profile: [PROFILES.diagnosticReport] },
    text: narrative(
      `檢查：${order.name}${aside(`健保醫令 ${order.code}`, span(at, period?.end))}`,
      '此為就醫申報的檢查項目，不含檢查結果',
    ),
    // The order line is the claim for an examination that was done: its report was final at the
    // institution; the findings are not in the claim (see above).
    status: 'final',
    category: [NHI_PROCEDURE_ORDERS_AS_REPORTS.get(order.code) as CodeableConcept],
    code: { coding: [coding(CODE_SYSTEMS.nhiMedicalService, order.code, order.name)], text: order.name },
    subject: ctx.patient,
    encounter,
    ...(period ? { effectivePeriod: period } : { effectiveDateTime: at }),
    performer: [org],
  };
}

function medicationRequest(
  ctx: BuildContext,
  record: AnyVisit,
  order: Order | InpatientOrder,
  index: number,
  encounter: Reference,
  org: Reference,
): MedicationRequest {
  const { at, period } = orderTime(record, order);
  const herb = order.kind === 'herb';
  const codings: Coding[] = [
    coding(herb ? CODE_SYSTEMS.nhiHerbMedication : CODE_SYSTEMS.nhiMedication, order.code, order.name),
  ];
  if (order.atc) codings.push(coding(CODE_SYSTEMS.atc, order.atc));
  const supply = `總量 ${order.quantity}${herb ? ' 公克' : ''}${order.days === undefined ? '' : `，${order.days} 日份`}`;
  return {
    resourceType: 'MedicationRequest',
    id: ctx.idFor(record.id, `order:${index}`),
    meta: { profile: [PROFILES.medicationRequest] },
    text: narrative(`處方：${order.name}，${supply}${aside(span(at, period?.end))}`),
    // An NHI order line records a prescription that was issued, not one still to be filled.
    status: 'completed',
    intent: 'order',
    category: [record.category === 'inpatient' ? MED_CATEGORY.inpatient : MED_CATEGORY.outpatient],
    medicationCodeableConcept: { coding: codings, text: order.name },
    subject: ctx.patient,
    encounter,
    authoredOn: at,
    requester: org,
    ...(period ? { dosageInstruction: [{ timing: { repeat: { boundsPeriod: period } } }] } : {}),
    dispenseRequest: {
      // Herbal preparations are dispensed by weight; drugs by units of their dosage form.
      quantity: herb ? ucum(order.quantity, 'g') : { value: order.quantity },
      ...(order.days === undefined ? {} : { expectedSupplyDuration: ucum(order.days, 'd') }),
    },
  };
}
