/**
 * NHI's `myhealthbank` JSON → typed records, the inverse of `toMhb`. Fields the file does not
 * carry are derived from the curated code lists where they can be (order kinds, ATC codes, LOINC
 * codes and units, report kinds) and left out where they cannot (English displays, lab flags);
 * record ids, which the file has none of, are derived from each row's content.
 */
import { CATEGORIES, type CategoryId } from '../../categories.js';
import { DRUGS, NHI_DRUG_CODE_PATTERN } from '../../codes/drugs.js';
import { HERBS } from '../../codes/herbs.js';
import { LAB_PANELS, PREVENTIVE_MEASUREMENT_CODES } from '../../codes/lab-items.js';
import { isKnownNhiOrder, nhiOrder } from '../../codes/nhi-orders.js';
import {
  type Coding,
  type HealthRecord,
  type Institution,
  type OrderKind,
  PREVENTIVE_MEASUREMENTS,
  type RecordsByCategory,
  recordSchema,
} from '../../record.js';
import { ContentFormatError } from '../errors.js';
import { deterministicUuid } from '../uuid.js';
import {
  ALLERGEN_KIND,
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
  WISH_STATUS,
  YES_NO,
} from './layout.js';
import { boundsOfRangeText, instantOfTaipeiMinute, isoOfYmd, parseNumber } from './values.js';

/**
 * Record fields the `mhb` layout has no place for, so `fromMhb(toMhb(x))` cannot return them:
 * record ids (rebuilt from each row's content), English displays of codings, and the lab's
 * high/low flag. Everything else comes back equal, either read from the file or derived from the
 * curated code lists (see docs/formats-mhb.md).
 */
export const MHB_UNCARRIED_FIELDS = {
  everyRecord: ['id'],
  everyCoding: ['displayEn'],
  lab: ['interpretation'],
} as const;

type Row = Record<string, unknown>;

const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** Reads one row, collecting every problem with its place in the file instead of stopping at the first. */
class RowReader {
  constructor(
    private readonly row: Row,
    private readonly path: string,
    private readonly issues: string[],
  ) {}

  private problem(key: string, message: string): void {
    this.issues.push(`${this.path}["${key}"]: ${message}`);
  }

  /** A field that must be present (it may be an empty string). */
  text(key: string): string {
    const v = this.row[key];
    if (typeof v === 'string') return v;
    this.problem(key, v === undefined ? 'missing' : 'not a string');
    return '';
  }

  /** A field whose empty value means "absent". */
  optional(key: string): string | undefined {
    const v = this.row[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'string') return v;
    this.problem(key, 'not a string');
    return undefined;
  }

  date(key: string): string {
    const v = this.text(key);
    const iso = isoOfYmd(v);
    if (iso === undefined) {
      this.problem(key, `not a date YYYYMMDD: "${v}"`);
      return '';
    }
    return iso;
  }

  instant(key: string): string {
    const v = this.text(key);
    const iso = instantOfTaipeiMinute(v);
    if (iso === undefined) {
      this.problem(key, `not a time YYYYMMDDHHmm: "${v}"`);
      return '';
    }
    return iso;
  }

  number(key: string): number {
    const v = this.text(key);
    const n = parseNumber(v);
    if (n === undefined) {
      this.problem(key, `not a number: "${v}"`);
      return Number.NaN;
    }
    return n;
  }

  optionalNumber(key: string): number | undefined {
    const v = this.optional(key);
    if (v === undefined) return undefined;
    const n = parseNumber(v);
    if (n === undefined) this.problem(key, `not a number: "${v}"`);
    return n;
  }

  word<V extends string>(key: string, vocabulary: Vocabulary<V>): V {
    const v = this.text(key);
    const value = vocabulary.value(v);
    if (value === undefined) this.problem(key, `unknown ${vocabulary.name} "${v}"`);
    return value as V;
  }

  codings(fields: readonly (readonly [string, string])[]): Coding[] {
    const out: Coding[] = [];
    for (const [codeKey, nameKey] of fields) {
      const code = this.optional(codeKey);
      if (code !== undefined) out.push({ code, display: this.text(nameKey) });
    }
    return out;
  }

  institution(codeKey: string, nameKey: string): Institution {
    return { code: this.text(codeKey), name: this.text(nameKey) };
  }

  rows(key: string): { reader: RowReader; row: Row }[] {
    const v = this.row[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.problem(key, 'not an array');
      return [];
    }
    const out: { reader: RowReader; row: Row }[] = [];
    v.forEach((item, i) => {
      if (isRow(item))
        out.push({ reader: new RowReader(item, `${this.path}["${key}"][${i}]`, this.issues), row: item });
      else this.issues.push(`${this.path}["${key}"][${i}]: not an object`);
    });
    return out;
  }
}

type Draft = Record<string, unknown>;

function visit(layout: VisitLayout, category: 'outpatient' | 'dental' | 'tcm', r: RowReader): Draft {
  const o = layout.order;
  return {
    date: r.date(layout.date),
    category,
    ...(layout.type ? { visitType: r.word(layout.type, VISIT_TYPE) } : {}),
    institution: r.institution(layout.code, layout.name),
    serial: r.text(layout.serial),
    diagnoses: r.codings(layout.diagnoses),
    procedures: r.codings(layout.procedures),
    copay: r.number(layout.copay),
    points: r.number(layout.points),
    orders: r.rows(layout.orders).map(({ reader }) => {
      const code = reader.text(o.code);
      const days = reader.optionalNumber(o.days);
      const atc = atcOf(code);
      return {
        code,
        name: reader.text(o.name),
        kind: orderKind(code),
        quantity: reader.number(o.quantity),
        ...(days === undefined ? {} : { days }),
        ...(atc === undefined ? {} : { atc }),
      };
    }),
  };
}

function inpatient(r: RowReader): Draft {
  const admission = r.date(R2.admission);
  const o = R2.order;
  return {
    date: admission,
    category: 'inpatient',
    institution: r.institution(R2.code, R2.name),
    admissionDate: admission,
    dischargeDate: r.date(R2.discharge),
    serial: r.text(R2.serial),
    diagnoses: r.codings(R2.diagnoses),
    procedures: r.codings(R2.procedures),
    copay: r.number(R2.copay),
    points: r.number(R2.points),
    orders: r.rows(R2.orders).map(({ reader }) => {
      const code = reader.text(o.code);
      const start = reader.date(o.start);
      const end = reader.date(o.end);
      const kind = orderKind(code);
      const atc = atcOf(code);
      // r2_1 has no days field: a drug given from start to end is given for those days.
      const supplied = (kind === 'drug' || kind === 'herb') && start && end;
      return {
        code,
        name: reader.text(o.name),
        kind,
        quantity: reader.number(o.quantity),
        ...(supplied ? { days: dayNumber(end) - dayNumber(start) + 1 } : {}),
        ...(atc === undefined ? {} : { atc }),
        start,
        end,
      };
    }),
  };
}

function allergy(r: RowReader): Draft {
  const code = r.optional(R4.institutionCode);
  const note = r.optional(R4.note);
  return {
    date: r.date(R4.date),
    category: 'allergy',
    allergenKind: r.word(R4.kind, ALLERGEN_KIND),
    allergen: { code: r.text(R4.allergenCode), display: r.text(R4.allergen) },
    severity: r.word(R4.severity, SEVERITY),
    symptoms: r.text(R4.symptoms).split(SYMPTOM_SEPARATOR),
    ...(note === undefined ? {} : { note }),
    source: r.word(R4.source, ALLERGY_SOURCE),
    ...(code === undefined ? {} : { institution: { code, name: r.text(R4.institutionName) } }),
  };
}

function careWish(r: RowReader): Draft {
  const note = r.optional(R5.note);
  return {
    date: r.date(R5.date),
    category: 'care_wishes',
    wish: r.word(R5.wish, CARE_WISH),
    status: r.word(R5.status, WISH_STATUS),
    ...(note === undefined ? {} : { note }),
  };
}

/** `流感疫苗(批號:WH3680)` → name and lot; full-width brackets and colon are accepted too. */
const LOT = /^(.*?)[(（]批號[:：]([^()（）]*)[)）]$/;

function immunization(r: RowReader): Draft {
  const written = r.text(R6.vaccine);
  const m = LOT.exec(written);
  const dose = r.optionalNumber(R6.dose);
  return {
    date: r.date(R6.date),
    category: 'immunization',
    vaccine: { code: r.text(R6.cvx), display: m ? (m[1] as string) : written },
    ...(m?.[2] ? { lot: m[2] } : {}),
    ...(dose === undefined ? {} : { doseNumber: dose }),
    institution: r.institution(R6.institutionCode, R6.institutionName),
  };
}

function lab(r: RowReader, issues: string[], path: string): Draft {
  const orderCode = r.text(R7.orderCode);
  const item = r.text(R7.item);
  const value = r.text(R7.value);
  const rangeText = r.optional(R7.range);
  const analyte = LAB_PANELS[orderCode]?.find((a) => a.item === item);
  if (!analyte) issues.push(`${path}: no LOINC code known for order ${orderCode} item "${item}"`);
  const numeric = parseNumber(value);
  return {
    date: r.date(R7.date),
    category: 'lab',
    institution: r.institution(R7.code, R7.name),
    reportDate: r.date(R7.reportDate),
    reportedAt: r.instant(R7.reportedAt),
    order: { code: orderCode, display: r.text(R7.orderName) },
    item,
    loinc: analyte?.loinc ?? '',
    value,
    ...(analyte?.unit !== undefined && numeric !== undefined
      ? { quantity: { value: numeric, unit: analyte.unit } }
      : {}),
    ...(rangeText === undefined ? {} : { referenceRange: { ...boundsOfRangeText(rangeText), text: rangeText } }),
  };
}

function report(r: RowReader): Draft {
  const code = r.text(R8.orderCode);
  return {
    date: r.date(R8.date),
    category: 'imaging_pathology',
    kind: isKnownNhiOrder(code) && nhiOrder(code).group === 'pathology' ? 'pathology' : 'imaging',
    institution: r.institution(R8.code, R8.name),
    reportDate: r.date(R8.reportDate),
    reportedAt: r.instant(R8.reportedAt),
    order: { code, display: r.text(R8.orderName) },
    reportText: r.text(R8.text),
  };
}

function preventive(r: RowReader): Draft {
  const measurements: Record<string, { value: number; unit: string }> = {};
  for (const key of PREVENTIVE_MEASUREMENTS) {
    measurements[key] = { value: r.number(R10.measurements[key]), unit: PREVENTIVE_MEASUREMENT_CODES[key].unit };
  }
  const assessments: Record<string, { status: string; text: string }> = {};
  for (const [group, [statusKey, textKey]] of Object.entries(R10.assessments)) {
    if (r.optional(statusKey) === undefined) continue;
    assessments[group] = { status: r.word(statusKey, ASSESSMENT), text: r.text(textKey) };
  }
  const hbsag = r.optional(R10.hbsag);
  const antiHcv = r.optional(R10.antiHcv);
  return {
    date: r.date(R10.date),
    category: 'adult_preventive',
    institution: r.institution(R10.code, R10.name),
    phone: r.text(R10.phone),
    measurements,
    urineProtein: r.word(R10.urineProtein, QUALITATIVE),
    metabolicSyndrome: r.word(R10.metabolicSyndrome, YES_NO) === 'yes',
    ...(hbsag === undefined ? {} : { hbsag: r.word(R10.hbsag, QUALITATIVE) }),
    ...(antiHcv === undefined ? {} : { antiHcv: r.word(R10.antiHcv, QUALITATIVE) }),
    assessments,
  };
}

function screenings(group: RowReader): Draft[] {
  const kind = group.word(R11.kind, SCREENING_KIND);
  const item = group.text(R11.item);
  return group.rows(R11.results).map(({ reader: r }) => {
    const note = r.optional(R11.note);
    return {
      date: r.date(R11.date),
      category: 'cancer_screening',
      kind,
      institution: r.institution(R11.institutionCode, R11.institutionName),
      item,
      result: r.word(R11.result, SCREENING_RESULT),
      resultText: r.text(R11.resultText),
      ...(note === undefined ? {} : { note }),
    };
  });
}

const CATEGORY_OF_SECTION = new Map<string, CategoryId>(CATEGORIES.map((c) => [c.mhbKey, c.id]));

/** The rows of a section as drafts of records (several per row for r11). */
function drafts(category: CategoryId, r: RowReader, issues: string[], path: string): Draft[] {
  switch (category) {
    case 'outpatient':
      return [visit(R1, 'outpatient', r)];
    case 'dental':
      return [visit(R3, 'dental', r)];
    case 'tcm':
      return [visit(R9, 'tcm', r)];
    case 'inpatient':
      return [inpatient(r)];
    case 'allergy':
      return [allergy(r)];
    case 'care_wishes':
      return [careWish(r)];
    case 'immunization':
      return [immunization(r)];
    case 'lab':
      return [lab(r, issues, path)];
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
 * Reads NHI's `myhealthbank` JSON into typed records, validated against the record schemas.
 * Sections are matched case-insensitively (NHI writes some upper-case); sections this platform
 * does not define (e.g. r12–r14) are ignored; `[{"<key>":"無資料"}]` gives an empty list.
 * @throws ContentFormatError listing every row and field that cannot be read.
 */
export function fromMhb(json: unknown): RecordsByCategory {
  const bdata = bdataOf(json);
  const issues: string[] = [];
  const out: Partial<Record<CategoryId, HealthRecord[]>> = {};
  for (const [rawKey, section] of Object.entries(bdata)) {
    const key = rawKey.toLowerCase();
    const category = CATEGORY_OF_SECTION.get(key);
    if (!category) continue;
    const list: HealthRecord[] = [];
    out[category] = list;
    if (!Array.isArray(section)) {
      issues.push(`${rawKey}: not an array`);
      continue;
    }
    const first = section[0];
    if (section.length === 1 && isRow(first) && Object.keys(first).length === 1) {
      const only = Object.entries(first)[0] as [string, unknown];
      if (only[0].toLowerCase() === key && only[1] === NO_DATA) continue;
    }
    const seen = new Map<string, number>();
    section.forEach((row, i) => {
      const path = `${rawKey}[${i}]`;
      if (!isRow(row)) {
        issues.push(`${path}: not an object`);
        return;
      }
      for (const draft of drafts(category, new RowReader(row, path, issues), issues, path)) {
        // No ids in the file: derive one from the record's content, numbering identical twins.
        const content = JSON.stringify(draft);
        const twin = seen.get(content) ?? 0;
        seen.set(content, twin + 1);
        const candidate = { id: `mhb-${deterministicUuid(key, content, String(twin))}`, ...draft };
        const result = recordSchema.safeParse(candidate);
        if (result.success) list.push(result.data);
        else for (const issue of result.error.issues) issues.push(`${path}: ${issue.path.join('.')}: ${issue.message}`);
      }
    });
  }
  if (issues.length > 0) throw new ContentFormatError('mhb', issues);
  return out as RecordsByCategory;
}

/** The header of an `mhb` file: b1.1 (subject, possibly masked), b1.2 (data date) and r0. */
export function readMhbHeader(json: unknown): { subject?: string; dataDate?: string; declaration?: string } {
  const bdata = bdataOf(json);
  const text = (k: string) => (typeof bdata[k] === 'string' && bdata[k] !== '' ? (bdata[k] as string) : undefined);
  const date = text('b1.2');
  const iso = date === undefined ? undefined : isoOfYmd(date);
  return {
    ...(text('b1.1') === undefined ? {} : { subject: text('b1.1') }),
    ...(iso === undefined ? {} : { dataDate: iso }),
    ...(text('r0') === undefined ? {} : { declaration: text('r0') }),
  };
}
