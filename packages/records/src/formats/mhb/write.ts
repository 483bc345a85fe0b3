/** Typed records → NHI's `{"myhealthbank":{"bdata":{…}}}` file. */
import { getCategory } from '../../categories.js';
import { maskNationalId } from '../../identifiers/national-id.js';
import type {
  AdultPreventiveRecord,
  AllergyRecord,
  CancerScreeningRecord,
  CareWishesRecord,
  Coding,
  HealthRecord,
  ImagingPathologyRecord,
  ImmunizationRecord,
  InpatientRecord,
  LabRecord,
  VisitRecord,
} from '../../record.js';
import { type ContentInput, checkInstant, coveredCategories, recordsOf } from '../input.js';
import {
  ALLERGEN_KIND,
  ALLERGY_SOURCE,
  ASSESSMENT,
  CARE_WISH,
  DEFAULT_DECLARATION,
  NO_DATA,
  QUALITATIVE,
  R1,
  R2,
  R3,
  R4,
  R5,
  R6,
  R7,
  R8,
  R9,
  R10,
  R11,
  SCREENING_KIND,
  SCREENING_RESULT,
  SEVERITY,
  SYMPTOM_SEPARATOR,
  VISIT_TYPE,
  type VisitLayout,
  WISH_STATUS,
  YES_NO,
} from './layout.js';
import { branchName, num, taipeiDate, taipeiMinute, ymd } from './values.js';

/** One row of a section; nested order or result lists are arrays of rows. */
export interface MhbRow {
  [field: string]: string | MhbRow[];
}

/** The whole file: b1.1, b1.2 and r0 are strings, every r-section an array of rows. */
export interface MhbFile {
  myhealthbank: { bdata: { [key: string]: string | MhbRow[] } };
}

/**
 * What b1.1 holds. NHI's own files carry the national ID, often masked (`A12****789`); an export
 * to an app should carry the masked form or the app's pairwise subject.
 */
export type MhbSubject =
  | { kind: 'national-id'; value: string }
  /** The full national ID, written masked (first three and last three characters kept). */
  | { kind: 'masked-national-id'; value: string }
  | { kind: 'pairwise'; value: string };

export interface MhbInput extends ContentInput {
  subject: MhbSubject;
  /** r0; default a zh-TW statement of where the data comes from and what it is for. */
  declaration?: string;
}

const subjectValue = (s: MhbSubject): string => (s.kind === 'masked-national-id' ? maskNationalId(s.value) : s.value);

function visitRow(layout: VisitLayout, r: VisitRecord): MhbRow {
  const row: MhbRow = {};
  if (layout.type) row[layout.type] = r.category === 'outpatient' ? VISIT_TYPE.word(r.visitType) : '';
  row[layout.branch] = branchName(r.institution.code);
  row[layout.code] = r.institution.code;
  row[layout.name] = r.institution.name;
  row[layout.date] = ymd(r.date);
  row[layout.serial] = r.serial;
  codingPairs(row, layout.diagnoses.slice(0, 1), r.diagnoses.slice(0, 1));
  codingPairs(row, layout.procedures.slice(0, 1), r.procedures.slice(0, 1));
  row[layout.copay] = num(r.copay);
  row[layout.points] = num(r.points);
  codingPairs(row, layout.diagnoses.slice(1), r.diagnoses.slice(1));
  codingPairs(row, layout.procedures.slice(1), r.procedures.slice(1));
  const o = layout.order;
  row[layout.orders] = r.orders.map((order) => ({
    [o.code]: order.code,
    [o.name]: order.name,
    [o.quantity]: num(order.quantity),
    [o.days]: order.days === undefined ? '' : num(order.days),
  }));
  return row;
}

/** Writes code/name pairs; pairs past the record's codings are written empty, as NHI does. */
function codingPairs(row: MhbRow, fields: readonly (readonly [string, string])[], codings: readonly Coding[]): void {
  for (let i = 0; i < fields.length; i++) {
    const [codeKey, nameKey] = fields[i] as readonly [string, string];
    const c = codings[i];
    row[codeKey] = c ? c.code : '';
    row[nameKey] = c ? c.display : '';
  }
}

function inpatientRow(r: InpatientRecord): MhbRow {
  const row: MhbRow = {
    [R2.branch]: branchName(r.institution.code),
    [R2.code]: r.institution.code,
    [R2.name]: r.institution.name,
    [R2.admission]: ymd(r.admissionDate),
    [R2.discharge]: ymd(r.dischargeDate),
    [R2.serial]: r.serial,
  };
  codingPairs(row, R2.diagnoses.slice(0, 1), r.diagnoses.slice(0, 1));
  codingPairs(row, R2.procedures.slice(0, 1), r.procedures.slice(0, 1));
  row[R2.copay] = num(r.copay);
  row[R2.points] = num(r.points);
  codingPairs(row, R2.diagnoses.slice(1), r.diagnoses.slice(1));
  codingPairs(row, R2.procedures.slice(1), r.procedures.slice(1));
  const o = R2.order;
  row[R2.orders] = r.orders.map((order, i) => ({
    [o.line]: num(i + 1),
    [o.start]: ymd(order.start),
    [o.end]: ymd(order.end),
    [o.code]: order.code,
    [o.name]: order.name,
    [o.quantity]: num(order.quantity),
  }));
  return row;
}

const allergyRow = (r: AllergyRecord): MhbRow => ({
  [R4.date]: ymd(r.date),
  [R4.allergen]: r.allergen.display,
  [R4.allergenCode]: r.allergen.code,
  [R4.institutionCode]: r.institution?.code ?? '',
  [R4.institutionName]: r.institution?.name ?? '',
  [R4.kind]: ALLERGEN_KIND.word(r.allergenKind),
  [R4.severity]: SEVERITY.word(r.severity),
  [R4.symptoms]: r.symptoms.join(SYMPTOM_SEPARATOR),
  [R4.note]: r.note ?? '',
  [R4.source]: ALLERGY_SOURCE.word(r.source),
});

const careWishRow = (r: CareWishesRecord): MhbRow => ({
  [R5.wish]: CARE_WISH.word(r.wish),
  [R5.date]: ymd(r.date),
  [R5.note]: r.note ?? '',
  [R5.status]: WISH_STATUS.word(r.status),
});

const immunizationRow = (r: ImmunizationRecord): MhbRow => ({
  [R6.date]: ymd(r.date),
  [R6.cvx]: r.vaccine.code,
  [R6.vaccine]: r.lot ? `${r.vaccine.display}(批號:${r.lot})` : r.vaccine.display,
  [R6.institutionCode]: r.institution.code,
  [R6.institutionName]: r.institution.name,
  [R6.dose]: r.doseNumber === undefined ? '' : num(r.doseNumber),
});

const labRow = (r: LabRecord): MhbRow => ({
  [R7.branch]: branchName(r.institution.code),
  [R7.code]: r.institution.code,
  [R7.name]: r.institution.name,
  [R7.date]: ymd(r.date),
  [R7.reportDate]: ymd(r.reportDate),
  [R7.reportedAt]: taipeiMinute(r.reportedAt),
  [R7.orderCode]: r.order.code,
  [R7.orderName]: r.order.display,
  [R7.item]: r.item,
  [R7.value]: r.value,
  [R7.range]: r.referenceRange?.text ?? '',
});

const reportRow = (r: ImagingPathologyRecord): MhbRow => ({
  [R8.branch]: branchName(r.institution.code),
  [R8.code]: r.institution.code,
  [R8.name]: r.institution.name,
  [R8.date]: ymd(r.date),
  [R8.reportDate]: ymd(r.reportDate),
  [R8.reportedAt]: taipeiMinute(r.reportedAt),
  [R8.orderCode]: r.order.code,
  [R8.orderName]: r.order.display,
  [R8.text]: r.reportText,
});

function preventiveRow(r: AdultPreventiveRecord): MhbRow {
  const row: MhbRow = {
    [R10.code]: r.institution.code,
    [R10.name]: r.institution.name,
    [R10.phone]: r.phone,
    [R10.date]: ymd(r.date),
  };
  for (const [key, field] of Object.entries(R10.measurements)) {
    row[field] = num(r.measurements[key as keyof typeof R10.measurements].value);
  }
  for (const [group, [statusKey, textKey]] of Object.entries(R10.assessments)) {
    const a = r.assessments[group as keyof typeof R10.assessments];
    row[statusKey] = a ? ASSESSMENT.word(a.status) : '';
    row[textKey] = a ? a.text : '';
  }
  row[R10.urineProtein] = QUALITATIVE.word(r.urineProtein);
  row[R10.metabolicSyndrome] = YES_NO.word(r.metabolicSyndrome ? 'yes' : 'no');
  row[R10.hbvScreened] = YES_NO.word(r.hbsag ? 'yes' : 'no');
  row[R10.hbsag] = r.hbsag ? QUALITATIVE.word(r.hbsag) : '';
  row[R10.hcvScreened] = YES_NO.word(r.antiHcv ? 'yes' : 'no');
  row[R10.antiHcv] = r.antiHcv ? QUALITATIVE.word(r.antiHcv) : '';
  // Numbered order reads best for people opening the file.
  return Object.fromEntries(Object.entries(row).sort(([a], [b]) => Number(a.slice(4)) - Number(b.slice(4))));
}

/** r11 groups screenings by kind and item, each group's results nested in r11_1 (file order kept). */
function screeningRows(records: readonly CancerScreeningRecord[]): MhbRow[] {
  const groups = new Map<string, { row: MhbRow; results: MhbRow[] }>();
  for (const r of records) {
    const key = `${r.kind}\u001f${r.item}`;
    let group = groups.get(key);
    if (!group) {
      const results: MhbRow[] = [];
      group = { row: { [R11.kind]: SCREENING_KIND.word(r.kind), [R11.item]: r.item, [R11.results]: results }, results };
      groups.set(key, group);
    }
    group.results.push({
      [R11.date]: ymd(r.date),
      [R11.institutionName]: r.institution.name,
      [R11.result]: SCREENING_RESULT.word(r.result),
      [R11.resultText]: r.resultText,
      [R11.note]: r.note ?? '',
      [R11.institutionCode]: r.institution.code,
    });
  }
  return [...groups.values()].map((g) => g.row);
}

function sectionRows(records: readonly HealthRecord[]): MhbRow[] {
  const first = records[0];
  if (!first) return [];
  switch (first.category) {
    case 'outpatient':
      return records.map((r) => visitRow(R1, r as VisitRecord));
    case 'dental':
      return records.map((r) => visitRow(R3, r as VisitRecord));
    case 'tcm':
      return records.map((r) => visitRow(R9, r as VisitRecord));
    case 'inpatient':
      return records.map((r) => inpatientRow(r as InpatientRecord));
    case 'allergy':
      return records.map((r) => allergyRow(r as AllergyRecord));
    case 'care_wishes':
      return records.map((r) => careWishRow(r as CareWishesRecord));
    case 'immunization':
      return records.map((r) => immunizationRow(r as ImmunizationRecord));
    case 'lab':
      return records.map((r) => labRow(r as LabRecord));
    case 'imaging_pathology':
      return records.map((r) => reportRow(r as ImagingPathologyRecord));
    case 'adult_preventive':
      return records.map((r) => preventiveRow(r as AdultPreventiveRecord));
    case 'cancer_screening':
      return screeningRows(records as CancerScreeningRecord[]);
  }
}

/**
 * Builds NHI's `myhealthbank` JSON for one person: b1.1 (the subject), b1.2 (the data date, in
 * Taiwan), r0 (the declaration), then one section per covered category in section order, each
 * `[{"<key>":"無資料"}]` when empty. Categories not covered are left out entirely.
 * @example toMhb({ subject: { kind: 'pairwise', value: sub }, records: { lab: labs }, generatedAt }).myhealthbank.bdata.r7
 */
export function toMhb(input: MhbInput): MhbFile {
  const categories = coveredCategories(input);
  const generatedAt = checkInstant(input.generatedAt, 'generatedAt');
  const sections = categories
    .map((id) => ({ id, key: getCategory(id).mhbKey }))
    .sort((a, b) => Number(a.key.slice(1)) - Number(b.key.slice(1)));
  const bdata: MhbFile['myhealthbank']['bdata'] = {
    'b1.1': subjectValue(input.subject),
    'b1.2': taipeiDate(generatedAt),
    r0: input.declaration ?? DEFAULT_DECLARATION,
  };
  for (const { id, key } of sections) {
    const records: readonly HealthRecord[] = recordsOf(input.records, id);
    bdata[key] = records.length === 0 ? [{ [key]: NO_DATA }] : sectionRows(records);
  }
  return { myhealthbank: { bdata } };
}
