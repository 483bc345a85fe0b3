/**
 * NHI's `myhealthbank` JSON → typed readings (`MhbRecordsByCategory`), the inverse of `toMhb`.
 * It accepts any file in NHI's layout (SPEC appendix A): a field left empty or missing is absent
 * from the reading, never an error. Fields the layout does not have are derived from the curated
 * code lists where they can be (order kinds, ATC codes, LOINC codes and units, report kinds) and
 * left out where they cannot; record ids, which the file has none of, come from each row's content.
 */
import { CATEGORIES, type CategoryId } from '../../categories.js';
import { DRUGS, NHI_DRUG_CODE_PATTERN } from '../../codes/drugs.js';
import { HERBS } from '../../codes/herbs.js';
import { LAB_PANELS, PREVENTIVE_MEASUREMENT_CODES } from '../../codes/lab-items.js';
import { isKnownNhiOrder, nhiOrder } from '../../codes/nhi-orders.js';
import { type OrderKind, PREVENTIVE_MEASUREMENTS, type Quantity } from '../../record.js';
import { ContentFormatError } from '../errors.js';
import { deterministicUuid } from '../uuid.js';
import {
  ALLERGY_SOURCE,
  ASSESSMENT,
  CARE_WISH,
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
  MhbCoding,
  MhbInpatientOrder,
  MhbInstitution,
  MhbOrder,
  MhbRecord,
  MhbRecordsByCategory,
} from './reading.js';
import { boundsOfRangeText, instantOfTaipeiMinute, isoOfYmd, parseNumber } from './values.js';

/**
 * Record fields NHI's layout (SPEC appendix A) has no place for, so `fromMhb(toMhb(x))` cannot
 * return them, as paths within a record. Everything else comes back equal, read from the file or
 * derived from the curated code lists (docs/formats-mhb.md); the `records` and `fhir` formats
 * carry all of it.
 */
export const MHB_UNCARRIED_FIELDS = {
  everyRecord: ['id'],
  everyCoding: ['displayEn'],
  byCategory: {
    outpatient: [],
    tcm: ['institution.code'],
    dental: ['institution.code'],
    inpatient: ['institution.code'],
    allergy: ['allergenKind', 'allergen.code', 'institution'],
    care_wishes: ['status'],
    immunization: ['vaccine.code', 'doseNumber', 'institution.code'],
    lab: ['interpretation'],
    imaging_pathology: ['institution.code'],
    adult_preventive: ['institution.code'],
    cancer_screening: ['institution.code', 'note'],
  },
} as const satisfies {
  everyRecord: readonly string[];
  everyCoding: readonly string[];
  byCategory: Record<CategoryId, readonly string[]>;
};

/**
 * Reading fields a record does not have: what NHI writes that a record derives (業務組 from the
 * institution code, 是/否 of hepatitis screening from having a result).
 */
export const MHB_READING_ONLY_FIELDS = ['institution.branch', 'hepatitisBScreened', 'hepatitisCScreened'] as const;

type Row = Record<string, unknown>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Draft = DistributiveOmit<MhbRecord, 'id'>;

const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `[{"r7": "無資料"}]`: NHI's empty list (the key in any case). */
function isNoData(list: readonly unknown[], key: string): boolean {
  const first = list[0];
  if (list.length !== 1 || !isRow(first)) return false;
  const entries = Object.entries(first);
  return entries.length === 1 && entries[0]?.[0].toLowerCase() === key && entries[0][1] === NO_DATA;
}

/** The object without its undefined fields, so that absent means absent. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

let herbCodes: ReadonlySet<string> | undefined;
let atcOfDrug: ReadonlyMap<string, string> | undefined;

/** What kind of order a code is: by the curated herb, NHI order and drug lists, else a fee. */
function orderKind(code: string): OrderKind {
  herbCodes ??= new Set(HERBS.map((h) => h.code));
  if (herbCodes.has(code)) return 'herb';
  if (isKnownNhiOrder(code)) return nhiOrder(code).kind;
  return NHI_DRUG_CODE_PATTERN.test(code) ? 'drug' : 'fee';
}

function atcOf(code: string): string | undefined {
  atcOfDrug ??= new Map(DRUGS.map((d) => [d.code, d.atc]));
  return atcOfDrug.get(code);
}

const dayNumber = (iso: string): number =>
  Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;

/**
 * Reads one row. Every getter gives undefined for a field that is missing or empty; a value that
 * is there but unreadable (not a string, not a date, a word outside the vocabulary) is recorded
 * with its place in the file, and reading goes on to report them all.
 */
class RowReader {
  constructor(
    private readonly row: Row,
    private readonly path: string,
    private readonly issues: string[],
  ) {}

  private problem(key: string, message: string): void {
    this.issues.push(`${this.path}["${key}"]: ${message}`);
  }

  text(key: string): string | undefined {
    const v = this.row[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'string') return v;
    this.problem(key, 'not a string');
    return undefined;
  }

  date(key: string): string | undefined {
    const v = this.text(key);
    if (v === undefined) return undefined;
    const iso = isoOfYmd(v);
    if (iso === undefined) this.problem(key, `not a date YYYYMMDD: "${v}"`);
    return iso;
  }

  instant(key: string): string | undefined {
    const v = this.text(key);
    if (v === undefined) return undefined;
    const iso = instantOfTaipeiMinute(v);
    if (iso === undefined) this.problem(key, `not a time YYYYMMDDHHmm: "${v}"`);
    return iso;
  }

  number(key: string): number | undefined {
    const v = this.text(key);
    if (v === undefined) return undefined;
    const n = parseNumber(v);
    if (n === undefined) this.problem(key, `not a number: "${v}"`);
    return n;
  }

  word<V extends string>(key: string, vocabulary: Vocabulary<V>): V | undefined {
    const v = this.text(key);
    if (v === undefined) return undefined;
    const value = vocabulary.value(v);
    if (value === undefined) this.problem(key, `unknown ${vocabulary.name} "${v}"`);
    return value;
  }

  yesNo(key: string): boolean | undefined {
    const v = this.word(key, YES_NO);
    return v === undefined ? undefined : v === 'yes';
  }

  coding(codeKey: string | undefined, nameKey: string): MhbCoding | undefined {
    const code = codeKey === undefined ? undefined : this.text(codeKey);
    const display = this.text(nameKey);
    return code === undefined && display === undefined ? undefined : compact({ code, display });
  }

  /** Code/name pairs in order; a pair with neither is skipped. */
  codings(fields: readonly (readonly [string, string])[]): MhbCoding[] {
    return fields.flatMap(([codeKey, nameKey]) => this.coding(codeKey, nameKey) ?? []);
  }

  institution(nameKey: string, codeKey?: string, branchKey?: string): MhbInstitution | undefined {
    const i = compact({
      code: codeKey === undefined ? undefined : this.text(codeKey),
      name: this.text(nameKey),
      branch: branchKey === undefined ? undefined : this.text(branchKey),
    });
    return Object.keys(i).length === 0 ? undefined : i;
  }

  /** A nested list (`r1_1` …); missing or `[{"r1_1":"無資料"}]` is empty. */
  rows(key: string): RowReader[] {
    const v = this.row[key];
    if (v === undefined || v === '') return [];
    if (!Array.isArray(v)) {
      this.problem(key, 'not an array');
      return [];
    }
    if (isNoData(v, key)) return [];
    return v.flatMap((item, i) => {
      const path = `${this.path}["${key}"][${i}]`;
      if (isRow(item)) return [new RowReader(item, path, this.issues)];
      this.issues.push(`${path}: not an object`);
      return [];
    });
  }
}

function order(r: RowReader, keys: { code: string; name: string; quantity: string; days?: string }): MhbOrder {
  const code = r.text(keys.code);
  return compact({
    code,
    name: r.text(keys.name),
    kind: code === undefined ? undefined : orderKind(code),
    quantity: r.number(keys.quantity),
    days: keys.days === undefined ? undefined : r.number(keys.days),
    atc: code === undefined ? undefined : atcOf(code),
  });
}

/** The fields r1, r3 and r9 share, after the date and category. */
function visitFields(layout: VisitLayout, r: RowReader) {
  return {
    institution: r.institution(layout.name, layout.code, layout.branch),
    serial: r.text(layout.serial),
    diagnoses: r.codings(layout.diagnoses),
    procedures: r.codings(layout.procedures),
    copay: r.number(layout.copay),
    points: r.number(layout.points),
    orders: r.rows(layout.orders).map((o) => order(o, layout.order)),
  };
}

function inpatient(r: RowReader): Draft {
  const admission = r.date(R2.admission);
  const k = R2.order;
  return {
    date: admission,
    category: 'inpatient',
    institution: r.institution(R2.name, undefined, R2.branch),
    admissionDate: admission,
    dischargeDate: r.date(R2.discharge),
    serial: r.text(R2.serial),
    diagnoses: r.codings(R2.diagnoses),
    procedures: r.codings(R2.procedures),
    copay: r.number(R2.copay),
    points: r.number(R2.points),
    orders: r.rows(R2.orders).map((o): MhbInpatientOrder => {
      const { kind, atc, ...rest } = order(o, k);
      const start = o.date(k.start);
      const end = o.date(k.end);
      // r2_1 has no days field: a drug given from start to end is given for those days.
      const supplied = (kind === 'drug' || kind === 'herb') && start && end;
      return compact({
        ...rest,
        kind,
        days: supplied ? dayNumber(end) - dayNumber(start) + 1 : undefined,
        atc,
        start,
        end,
      });
    }),
  };
}

function allergy(r: RowReader): Draft {
  return {
    date: r.date(R4.date),
    category: 'allergy',
    allergen: r.coding(undefined, R4.allergen),
    severity: r.word(R4.severity, SEVERITY),
    symptoms: r.text(R4.symptoms)?.split(SYMPTOM_SEPARATOR),
    note: r.text(R4.note),
    source: r.word(R4.source, ALLERGY_SOURCE),
  };
}

function careWish(r: RowReader): Draft {
  return { date: r.date(R5.date), category: 'care_wishes', wish: r.word(R5.wish, CARE_WISH), note: r.text(R5.note) };
}

/** `流感疫苗(批號:WH3680)` → name and lot; full-width brackets and colon are read too. */
const LOT = /^(.*?)[(（]批號[:：]([^()（）]+)[)）]$/;

function immunization(r: RowReader): Draft {
  const written = r.text(R6.vaccine);
  const m = written === undefined ? null : LOT.exec(written);
  const name = m ? m[1] : written;
  return {
    date: r.date(R6.date),
    category: 'immunization',
    vaccine: name ? { display: name } : undefined,
    lot: m?.[2],
    institution: r.institution(R6.institutionName),
  };
}

function lab(r: RowReader): Draft {
  const orderCode = r.text(R7.orderCode);
  const item = r.text(R7.item);
  const value = r.text(R7.value);
  const rangeText = r.text(R7.range);
  const panel = orderCode !== undefined && Object.hasOwn(LAB_PANELS, orderCode) ? LAB_PANELS[orderCode] : undefined;
  // An analyte the curated lists do not know keeps its order and item, without LOINC code or unit.
  const analyte = panel?.find((a) => a.item === item);
  const numeric = value === undefined ? undefined : parseNumber(value);
  return {
    date: r.date(R7.date),
    category: 'lab',
    institution: r.institution(R7.name, R7.code),
    reportDate: r.date(R7.reportDate),
    reportedAt: r.instant(R7.reportedAt),
    order: r.coding(R7.orderCode, R7.orderName),
    item,
    loinc: analyte?.loinc,
    value,
    quantity: analyte?.unit !== undefined && numeric !== undefined ? { value: numeric, unit: analyte.unit } : undefined,
    referenceRange: rangeText === undefined ? undefined : { ...boundsOfRangeText(rangeText), text: rangeText },
  };
}

function report(r: RowReader): Draft {
  const code = r.text(R8.orderCode);
  const pathology = code !== undefined && isKnownNhiOrder(code) && nhiOrder(code).group === 'pathology';
  return {
    date: r.date(R8.date),
    category: 'imaging_pathology',
    kind: code === undefined ? undefined : pathology ? 'pathology' : 'imaging',
    institution: r.institution(R8.name),
    reportDate: r.date(R8.reportDate),
    reportedAt: r.instant(R8.reportedAt),
    order: r.coding(R8.orderCode, R8.orderName),
    reportText: r.text(R8.text),
  };
}

function preventive(r: RowReader): Draft {
  const measurements: Partial<Record<(typeof PREVENTIVE_MEASUREMENTS)[number], Quantity>> = {};
  for (const key of PREVENTIVE_MEASUREMENTS) {
    const value = r.number(R10.measurements[key]);
    if (value !== undefined) measurements[key] = { value, unit: PREVENTIVE_MEASUREMENT_CODES[key].unit };
  }
  const assessments: MhbAdultPreventiveRecord['assessments'] = {};
  for (const [group, [statusKey, textKey]] of Object.entries(R10.assessments)) {
    const a = compact({ status: r.word(statusKey, ASSESSMENT), text: r.text(textKey) });
    if (Object.keys(a).length > 0) assessments[group as keyof typeof R10.assessments] = a;
  }
  return {
    date: r.date(R10.date),
    category: 'adult_preventive',
    institution: r.institution(R10.name),
    phone: r.text(R10.phone),
    measurements,
    urineProtein: r.word(R10.urineProtein, QUALITATIVE),
    metabolicSyndrome: r.yesNo(R10.metabolicSyndrome),
    hepatitisBScreened: r.yesNo(R10.hbvScreened),
    hbsag: r.word(R10.hbsag, QUALITATIVE),
    hepatitisCScreened: r.yesNo(R10.hcvScreened),
    antiHcv: r.word(R10.antiHcv, QUALITATIVE),
    assessments,
  };
}

function screenings(group: RowReader): Draft[] {
  const kind = group.word(R11.kind, SCREENING_KIND);
  const item = group.text(R11.item);
  return group.rows(R11.results).map((r) => ({
    date: r.date(R11.date),
    category: 'cancer_screening',
    kind,
    institution: r.institution(R11.institutionName),
    item,
    result: r.word(R11.result, SCREENING_RESULT),
    resultText: r.text(R11.resultText),
  }));
}

const CATEGORY_OF_SECTION = new Map<string, CategoryId>(CATEGORIES.map((c) => [c.mhbKey, c.id]));

/** The rows of a section as drafts of readings (several per row for r11). */
function drafts(category: CategoryId, r: RowReader): Draft[] {
  switch (category) {
    case 'outpatient':
      return [
        { date: r.date(R1.date), category, visitType: r.word(R1.type as string, VISIT_TYPE), ...visitFields(R1, r) },
      ];
    case 'dental':
      return [{ date: r.date(R3.date), category, ...visitFields(R3, r) }];
    case 'tcm':
      return [{ date: r.date(R9.date), category, ...visitFields(R9, r) }];
    case 'inpatient':
      return [inpatient(r)];
    case 'allergy':
      return [allergy(r)];
    case 'care_wishes':
      return [careWish(r)];
    case 'immunization':
      return [immunization(r)];
    case 'lab':
      return [lab(r)];
    case 'imaging_pathology':
      return [report(r)];
    case 'adult_preventive':
      return [preventive(r)];
    case 'cancer_screening':
      return screenings(r);
  }
}

function bdataOf(json: unknown): Row {
  const root = isRow(json) ? json.myhealthbank : undefined;
  const bdata = isRow(root) ? root.bdata : undefined;
  if (!isRow(bdata)) throw new ContentFormatError('mhb', ['(root): expected {"myhealthbank":{"bdata":{…}}}']);
  return bdata;
}

/**
 * Reads NHI's `myhealthbank` JSON into typed readings: what the layout holds, with every field
 * the file leaves empty absent. Sections are matched case-insensitively (NHI writes some
 * upper-case); sections this platform does not define (r12–r14) are ignored, and so are fields
 * the layout does not list; `[{"<key>":"無資料"}]` gives an empty list.
 * @throws ContentFormatError listing every value that is there but cannot be read.
 * @example const { lab = [] } = fromMhb(JSON.parse(text)); lab.map((r) => [r.date, r.item, r.value]);
 */
export function fromMhb(json: unknown): MhbRecordsByCategory {
  const bdata = bdataOf(json);
  const issues: string[] = [];
  const out: Partial<Record<CategoryId, MhbRecord[]>> = {};
  for (const [rawKey, section] of Object.entries(bdata)) {
    const key = rawKey.toLowerCase();
    const category = CATEGORY_OF_SECTION.get(key);
    if (!category) continue;
    const list: MhbRecord[] = [];
    out[category] = list;
    if (!Array.isArray(section)) {
      issues.push(`${rawKey}: not an array`);
      continue;
    }
    if (isNoData(section, key)) continue;
    const seen = new Map<string, number>();
    section.forEach((row, i) => {
      const path = `${rawKey}[${i}]`;
      if (!isRow(row)) {
        issues.push(`${path}: not an object`);
        return;
      }
      for (const draft of drafts(category, new RowReader(row, path, issues))) {
        const reading = compact(draft);
        // No ids in the file: derive one from the reading's content, numbering identical twins.
        const content = JSON.stringify(reading);
        const twin = seen.get(content) ?? 0;
        seen.set(content, twin + 1);
        list.push({ id: `mhb-${deterministicUuid(key, content, String(twin))}`, ...reading } as MhbRecord);
      }
    });
  }
  if (issues.length > 0) throw new ContentFormatError('mhb', issues);
  return out as MhbRecordsByCategory;
}

/**
 * The header of an `mhb` file: b1.1 (subject, possibly masked), b1.2 (data date) and r0 (the
 * declaration, one string per `{"r0": …}` row; a bare string, as earlier versions wrote, is one row).
 */
export function readMhbHeader(json: unknown): { subject?: string; dataDate?: string; declaration?: string[] } {
  const bdata = bdataOf(json);
  const text = (k: string) => (typeof bdata[k] === 'string' && bdata[k] !== '' ? (bdata[k] as string) : undefined);
  const date = text('b1.2');
  const iso = date === undefined ? undefined : isoOfYmd(date);
  const r0 = bdata.r0;
  const declaration = Array.isArray(r0)
    ? r0.flatMap((row) => (isRow(row) && typeof row.r0 === 'string' ? [row.r0] : []))
    : typeof r0 === 'string'
      ? [r0]
      : undefined;
  return compact({ subject: text('b1.1'), dataDate: iso, declaration });
}
