/**
 * Typed records → NHI's `{"myhealthbank":{"bdata":{…}}}` file, with only the fields SPEC
 * appendix A lists: the `records` and `fhir` formats carry the rest.
 */
import { type CategoryId, getCategory } from '../../categories.js';
import { type ContentInput, checkInstant, coveredCategories } from '../input.js';
import {
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
  type Vocabulary,
  YES_NO,
} from './layout.js';
import type {
  MhbAdultPreventiveRecord,
  MhbAllergyRecord,
  MhbCancerScreeningRecord,
  MhbCareWishesRecord,
  MhbCoding,
  MhbImagingPathologyRecord,
  MhbImmunizationRecord,
  MhbInpatientRecord,
  MhbInstitution,
  MhbLabRecord,
  MhbRecord,
  MhbRecordOf,
  MhbRecordsByCategory,
} from './reading.js';
import { branchName, maskNationalIdAsNhi, num, taipeiDate, taipeiMinute, ymd } from './values.js';

/** One row of a section; nested order or result lists are arrays of rows. */
export interface MhbRow {
  [field: string]: string | MhbRow[];
}

/** The whole file: b1.1 and b1.2 are strings, r0 and every r-section arrays of rows. */
export interface MhbFile {
  myhealthbank: { bdata: { [key: string]: string | MhbRow[] } };
}

/**
 * What b1.1 holds. NHI's own files carry the national ID, often masked (`A12345****`); an export
 * to an app should carry the masked form or the app's pairwise subject.
 */
export type MhbSubject =
  | { kind: 'national-id'; value: string }
  /** The national ID, written masked as NHI masks it: first six characters kept (`A12345****`). */
  | { kind: 'masked-national-id'; value: string }
  | { kind: 'pairwise'; value: string };

export interface MhbInput extends Omit<ContentInput, 'records'> {
  /** The platform's records, or what `fromMhb` read (every record is a reading of itself). */
  records: MhbRecordsByCategory;
  subject: MhbSubject;
  /** r0, one row per paragraph; default a zh-TW statement of where the data comes from and what it is for. */
  declaration?: string | readonly string[];
}

const subjectValue = (s: MhbSubject): string =>
  s.kind === 'masked-national-id' ? maskNationalIdAsNhi(s.value) : s.value;

// An absent value is an empty string: every field of a row's layout is written (SPEC appendix A).
const text = (v: string | undefined): string => v ?? '';
const number = (v: number | undefined): string => (v === undefined ? '' : num(v));
const date = (iso: string | undefined): string => (iso ? ymd(iso) : '');
const minute = (instant: string | undefined): string => (instant ? taipeiMinute(instant) : '');
const word = <V extends string>(vocabulary: Vocabulary<V>, v: V | undefined): string =>
  v === undefined ? '' : vocabulary.word(v);

/** 業務組 as read from a file, else from the institution code's county digits. */
const branch = (i: MhbInstitution | undefined): string => i?.branch ?? (i?.code ? branchName(i.code) : '');

/** Writes code/name pairs; pairs past the record's codings are written empty, as NHI does. */
function codingPairs(row: MhbRow, fields: readonly (readonly [string, string])[], codings: readonly MhbCoding[]): void {
  for (let i = 0; i < fields.length; i++) {
    const [codeKey, nameKey] = fields[i] as readonly [string, string];
    row[codeKey] = text(codings[i]?.code);
    row[nameKey] = text(codings[i]?.display);
  }
}

function visitRow(layout: VisitLayout, r: MhbRecordOf<'outpatient' | 'tcm' | 'dental'>): MhbRow {
  const row: MhbRow = {};
  if (layout.type) row[layout.type] = r.category === 'outpatient' ? word(VISIT_TYPE, r.visitType) : '';
  row[layout.branch] = branch(r.institution);
  if (layout.code) row[layout.code] = text(r.institution?.code);
  row[layout.name] = text(r.institution?.name);
  row[layout.date] = date(r.date);
  row[layout.serial] = text(r.serial);
  codingPairs(row, layout.diagnoses.slice(0, 1), r.diagnoses.slice(0, 1));
  codingPairs(row, layout.procedures.slice(0, 1), r.procedures.slice(0, 1));
  row[layout.copay] = number(r.copay);
  row[layout.points] = number(r.points);
  codingPairs(row, layout.diagnoses.slice(1), r.diagnoses.slice(1));
  codingPairs(row, layout.procedures.slice(1), r.procedures.slice(1));
  const o = layout.order;
  row[layout.orders] = r.orders.map((order) => ({
    [o.code]: text(order.code),
    [o.name]: text(order.name),
    [o.quantity]: number(order.quantity),
    [o.days]: number(order.days),
  }));
  return row;
}

function inpatientRow(r: MhbInpatientRecord): MhbRow {
  const row: MhbRow = {
    [R2.branch]: branch(r.institution),
    [R2.name]: text(r.institution?.name),
    [R2.admission]: date(r.admissionDate),
    [R2.discharge]: date(r.dischargeDate),
    [R2.serial]: text(r.serial),
  };
  codingPairs(row, R2.diagnoses.slice(0, 1), r.diagnoses.slice(0, 1));
  codingPairs(row, R2.procedures.slice(0, 1), r.procedures.slice(0, 1));
  row[R2.copay] = number(r.copay);
  row[R2.points] = number(r.points);
  codingPairs(row, R2.diagnoses.slice(1), r.diagnoses.slice(1));
  codingPairs(row, R2.procedures.slice(1), r.procedures.slice(1));
  const o = R2.order;
  row[R2.orders] = r.orders.map((order) => ({
    [o.start]: date(order.start),
    [o.end]: date(order.end),
    [o.code]: text(order.code),
    [o.name]: text(order.name),
    [o.quantity]: number(order.quantity),
  }));
  return row;
}

const allergyRow = (r: MhbAllergyRecord): MhbRow => ({
  [R4.date]: date(r.date),
  [R4.allergen]: text(r.allergen?.display),
  [R4.severity]: word(SEVERITY, r.severity),
  [R4.symptoms]: r.symptoms ? r.symptoms.join(SYMPTOM_SEPARATOR) : '',
  [R4.note]: text(r.note),
  [R4.source]: word(ALLERGY_SOURCE, r.source),
});

/**
 * r5.3 of a registration. r5 has no status field (appendix A), and a withdrawal is a row of its
 * own: its note must say so, or a parser reads a DNR or hospice wish as still registered.
 */
function careWishNote(r: MhbCareWishesRecord): string {
  if (r.status !== 'withdrawn' || r.note?.includes('撤回')) return text(r.note);
  return r.note ? `已撤回：${r.note}` : '已撤回';
}

const careWishRow = (r: MhbCareWishesRecord): MhbRow => ({
  [R5.wish]: word(CARE_WISH, r.wish),
  [R5.date]: date(r.date),
  [R5.note]: careWishNote(r),
});

/** r6.3: the vaccine's name, then the lot as NHI writes it, `流感疫苗(批號:AB1234)` (appendix A). */
const vaccineText = (r: MhbImmunizationRecord): string =>
  r.lot ? `${text(r.vaccine?.display)}(批號:${r.lot})` : text(r.vaccine?.display);

const immunizationRow = (r: MhbImmunizationRecord): MhbRow => ({
  [R6.date]: date(r.date),
  [R6.vaccine]: vaccineText(r),
  [R6.institutionName]: text(r.institution?.name),
});

const labRow = (r: MhbLabRecord): MhbRow => ({
  [R7.code]: text(r.institution?.code),
  [R7.name]: text(r.institution?.name),
  [R7.date]: date(r.date),
  [R7.reportDate]: date(r.reportDate),
  [R7.reportedAt]: minute(r.reportedAt),
  [R7.orderCode]: text(r.order?.code),
  [R7.orderName]: text(r.order?.display),
  [R7.item]: text(r.item),
  [R7.value]: text(r.value),
  [R7.range]: text(r.referenceRange?.text),
});

const reportRow = (r: MhbImagingPathologyRecord): MhbRow => ({
  [R8.name]: text(r.institution?.name),
  [R8.date]: date(r.date),
  [R8.reportDate]: date(r.reportDate),
  [R8.reportedAt]: minute(r.reportedAt),
  [R8.orderCode]: text(r.order?.code),
  [R8.orderName]: text(r.order?.display),
  [R8.text]: text(r.reportText),
});

const yesNo = (v: boolean | undefined): string => (v === undefined ? '' : YES_NO.word(v ? 'yes' : 'no'));

function preventiveRow(r: MhbAdultPreventiveRecord): MhbRow {
  const row: MhbRow = {
    [R10.name]: text(r.institution?.name),
    [R10.phone]: text(r.phone),
    [R10.date]: date(r.date),
  };
  for (const [key, field] of Object.entries(R10.measurements)) {
    row[field] = number(r.measurements[key as keyof typeof R10.measurements]?.value);
  }
  for (const [group, [statusKey, textKey]] of Object.entries(R10.assessments)) {
    const a = r.assessments[group as keyof typeof R10.assessments];
    row[statusKey] = word(ASSESSMENT, a?.status);
    row[textKey] = text(a?.text);
  }
  row[R10.urineProtein] = word(QUALITATIVE, r.urineProtein);
  row[R10.metabolicSyndrome] = yesNo(r.metabolicSyndrome);
  // A record says "screened" by having a result; a reading says what r10.35/r10.39 said.
  row[R10.hbvScreened] = yesNo(r.hepatitisBScreened ?? r.hbsag !== undefined);
  row[R10.hbsag] = word(QUALITATIVE, r.hbsag);
  row[R10.hcvScreened] = yesNo(r.hepatitisCScreened ?? r.antiHcv !== undefined);
  row[R10.antiHcv] = word(QUALITATIVE, r.antiHcv);
  // Numbered order, as the other sections are written.
  return Object.fromEntries(Object.entries(row).sort(([a], [b]) => Number(a.slice(4)) - Number(b.slice(4))));
}

/** r11 groups screenings by kind and item, each group's results nested in r11_1 (file order kept). */
function screeningRows(records: readonly MhbCancerScreeningRecord[]): MhbRow[] {
  const groups = new Map<string, MhbRow[]>();
  const rows: MhbRow[] = [];
  for (const r of records) {
    const key = `${r.kind ?? ''}\u001f${r.item ?? ''}`;
    let results = groups.get(key);
    if (!results) {
      results = [];
      groups.set(key, results);
      rows.push({ [R11.kind]: word(SCREENING_KIND, r.kind), [R11.item]: text(r.item), [R11.results]: results });
    }
    results.push({
      [R11.date]: date(r.date),
      [R11.institutionName]: text(r.institution?.name),
      [R11.result]: word(SCREENING_RESULT, r.result),
      [R11.resultText]: text(r.resultText),
    });
  }
  return rows;
}

/** The readings of one category, checking that each really is of that category. */
function readingsOf<C extends CategoryId>(records: MhbRecordsByCategory, id: C): readonly MhbRecordOf<C>[] {
  const list = (records[id] ?? []) as readonly MhbRecord[];
  for (const r of list) {
    if (r.category !== id) throw new RangeError(`a record of category "${r.category}" is in the ${id} list`);
  }
  return list as readonly MhbRecordOf<C>[];
}

function sectionRows(records: MhbRecordsByCategory, id: CategoryId): MhbRow[] {
  switch (id) {
    case 'outpatient':
      return readingsOf(records, id).map((r) => visitRow(R1, r));
    case 'dental':
      return readingsOf(records, id).map((r) => visitRow(R3, r));
    case 'tcm':
      return readingsOf(records, id).map((r) => visitRow(R9, r));
    case 'inpatient':
      return readingsOf(records, id).map(inpatientRow);
    case 'allergy':
      return readingsOf(records, id).map(allergyRow);
    case 'care_wishes':
      return readingsOf(records, id).map(careWishRow);
    case 'immunization':
      return readingsOf(records, id).map(immunizationRow);
    case 'lab':
      return readingsOf(records, id).map(labRow);
    case 'imaging_pathology':
      return readingsOf(records, id).map(reportRow);
    case 'adult_preventive':
      return readingsOf(records, id).map(preventiveRow);
    case 'cancer_screening':
      return screeningRows(readingsOf(records, id));
  }
}

/**
 * Builds NHI's `myhealthbank` JSON for one person: b1.1 (the subject), b1.2 (the data date, in
 * Taiwan), r0 (the declaration, a list of `{"r0": …}` rows), then one section per covered
 * category in section order, each `[{"<key>":"無資料"}]` when empty. Categories not covered are
 * left out entirely. Only fields SPEC appendix A lists are written.
 * @example toMhb({ subject: { kind: 'pairwise', value: sub }, records: { lab: labs }, generatedAt }).myhealthbank.bdata.r7
 */
export function toMhb(input: MhbInput): MhbFile {
  const categories = coveredCategories(input);
  const generatedAt = checkInstant(input.generatedAt, 'generatedAt');
  const sections = categories
    .map((id) => ({ id, key: getCategory(id).mhbKey }))
    .sort((a, b) => Number(a.key.slice(1)) - Number(b.key.slice(1)));
  const declaration = input.declaration ?? DEFAULT_DECLARATION;
  const bdata: MhbFile['myhealthbank']['bdata'] = {
    'b1.1': subjectValue(input.subject),
    'b1.2': taipeiDate(generatedAt),
    // A list of rows, as in NHI's files: parsers treat a bare string as a missing declaration.
    r0: (typeof declaration === 'string' ? [declaration] : declaration).map((paragraph) => ({ r0: paragraph })),
  };
  for (const { id, key } of sections) {
    const rows = sectionRows(input.records, id);
    bdata[key] = rows.length === 0 ? [{ [key]: NO_DATA }] : rows;
  }
  return { myhealthbank: { bdata } };
}
