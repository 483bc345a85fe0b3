/**
 * A Bundle of the `fhir` format → the records it carries, the inverse of `toFhirBundle`: for an
 * app that keeps what it received as FHIR and needs the platform's record shapes back.
 *
 * It reads this format's own mapping (docs/formats-fhir.md), not FHIR at large: resources are
 * recognised by the TW Core profile they claim (Consent, which has none, by its scope) and read
 * element by element as `toFhirBundle` writes them. Resources of other types or profiles (an
 * app's own additions) are left alone; narratives are never read. References resolve by
 * `fullUrl` and by `Type/id` (FHIR R4 §2.36.4.1), so a Bundle reassembled from a FHIR server
 * reads too, as long as each visit's orders keep their order in it.
 */
import { CATEGORY_IDS, type CategoryId } from '../../categories.js';
import { LAB_PANELS, PREVENTIVE_MEASUREMENT_CODES, PREVENTIVE_QUALITATIVE_CODES } from '../../codes/lab-items.js';
import { isKnownNhiOrder, nhiOrder } from '../../codes/nhi-orders.js';
import { CODE_SYSTEMS } from '../../codes/systems.js';
import {
  type Assessment,
  type CareWish,
  type Institution,
  PREVENTIVE_MEASUREMENTS,
  type PreventiveMeasurement,
} from '../../record.js';
import { ContentFormatError } from '../errors.js';
import { NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET } from './labs.js';
import { ASSESSMENT_LABEL, CHECK_CODE, GROUP_LABEL, QUALITATIVE } from './preventive.js';
import { type FhirRecord, type FhirRecordsByCategory, fhirRecordSchema } from './reading.js';
import { ALLERGY_CATEGORY, ALLERGY_VERIFICATION, CARE_WISH_TITLES, WISHES } from './registrations.js';
import { REPORT_SECTION } from './reports.js';
import { SCREENING_CODINGS, SCREENING_INTERPRETATION } from './screening.js';
import { HL7, PROFILES, TWCORE_SYSTEMS } from './terminology.js';
import type { CodeableConcept } from './types.js';
import { textOfUtf8Base64 } from './values.js';
import { NHI_PROCEDURE_ORDERS_AS_REPORTS, NHI_PROCEDURE_ORDERS_AS_TEXT, SERVICE_TYPE } from './visits.js';

type Obj = Record<string, unknown>;
type Path = readonly (string | number)[];
/** A record as read, before its schema checks it. */
type Draft = Record<string, unknown> & { category: CategoryId };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One entry of the Bundle: its resource and where it is, for messages (`entry[3].resource`). */
interface Entry {
  readonly index: number;
  readonly type: string;
  readonly profile: string | undefined;
  readonly resource: Obj;
  readonly where: string;
}

/** `['code', 'coding', 0, 'code']` as `code.coding[0].code`. */
const pathText = (path: Path): string =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads the elements of one resource. A getter gives undefined for an element that is absent;
 * an element that is required and absent, or present but unreadable, is recorded with its place
 * (`entry[3].resource.code.coding[0].code: missing`), and reading goes on to report them all.
 */
class Reader {
  constructor(
    readonly entry: Entry,
    private readonly issues: string[],
  ) {}

  problem(path: string, message: string): void {
    this.issues.push(`${this.entry.where}${path ? `.${path}` : ''}: ${message}`);
  }

  /** The value at a path of keys and list indices, e.g. `['code', 'coding', 0, 'code']`. */
  get(path: Path): unknown {
    let at: unknown = this.entry.resource;
    for (const key of path) {
      if (typeof key === 'number') at = Array.isArray(at) ? at[key] : undefined;
      else at = isObj(at) ? at[key] : undefined;
      if (at === undefined) return undefined;
    }
    return at;
  }

  text(path: Path, required = true): string | undefined {
    const v = this.get(path);
    if (typeof v === 'string' && v.length > 0) return v;
    if (v !== undefined || required) this.problem(pathText(path), v === undefined ? 'missing' : 'not a string');
    return undefined;
  }

  number(path: Path, required = true): number | undefined {
    const v = this.get(path);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (v !== undefined || required) this.problem(pathText(path), v === undefined ? 'missing' : 'not a number');
    return undefined;
  }

  date(path: Path, required = true): string | undefined {
    const v = this.text(path, required);
    if (v === undefined || DATE.test(v)) return v;
    this.problem(pathText(path), `not a date YYYY-MM-DD: "${v}"`);
    return undefined;
  }

  instant(path: Path): string | undefined {
    const v = this.text(path);
    if (v === undefined || (INSTANT.test(v) && !Number.isNaN(Date.parse(v)))) return v;
    this.problem(pathText(path), `not an instant: "${v}"`);
    return undefined;
  }

  /** The list at a path (absent: empty); a non-list is a problem. */
  list(path: Path): unknown[] {
    const v = this.get(path);
    if (v === undefined) return [];
    if (Array.isArray(v)) return v;
    this.problem(pathText(path), 'not a list');
    return [];
  }

  /** The index and value of the first coding of a CodeableConcept with the given system. */
  coding(concept: Path, system: string): { path: Path; coding: Obj } | undefined {
    const codings = this.list([...concept, 'coding']);
    const i = codings.findIndex((c) => isObj(c) && c.system === system);
    return i < 0 ? undefined : { path: [...concept, 'coding', i], coding: codings[i] as Obj };
  }

  /** The code (required) and display (optional) of the first coding with the given system. */
  code(concept: Path, system: string): { code?: string; display?: string } | undefined {
    const found = this.coding(concept, system);
    if (!found) return undefined;
    return compact({
      code: this.text([...found.path, 'code']),
      display: this.text([...found.path, 'display'], false),
    });
  }

  /** A word of a closed vocabulary, e.g. a status code. */
  word<V>(path: Path, words: Readonly<Record<string, V>>, what: string): V | undefined {
    const v = this.text(path);
    if (v === undefined) return undefined;
    if (Object.hasOwn(words, v)) return words[v];
    this.problem(pathText(path), `unknown ${what} "${v}"`);
    return undefined;
  }
}

/** The object without its undefined fields, so that absent means absent. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `compact` all the way down: a draft's nested objects (orders, codings) too. */
function compactDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compactDeep);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = compactDeep(x);
  return out;
}

/** The list a map holds for a key, made on first use. */
function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  const list = map.get(key) ?? [];
  if (list.length === 0) map.set(key, list);
  return list;
}

/** The keys of a table of single-coding concepts, by their code. */
function byCode<K extends string>(table: Readonly<Record<K, CodeableConcept>>): Readonly<Record<string, K>> {
  return Object.fromEntries(Object.entries<CodeableConcept>(table).map(([k, v]) => [v.coding?.[0]?.code, k]));
}

const INTERPRETATION_OF_CODE = { N: 'normal', H: 'high', L: 'low', A: 'abnormal' } as const;
const SCREENING_RESULT_OF_CODE = byCode(SCREENING_INTERPRETATION);
const QUALITATIVE_OF_CODE = byCode(QUALITATIVE);
const REPORT_KIND_OF_CODE = byCode(REPORT_SECTION);
const VERIFICATION_OF_CODE = byCode(ALLERGY_VERIFICATION);
const ALLERGEN_KIND_OF_CATEGORY = Object.fromEntries(
  Object.entries(ALLERGY_CATEGORY).map(([k, v]) => [v, k]),
) as Record<string, keyof typeof ALLERGY_CATEGORY>;
const SEVERITY = { mild: 'mild', moderate: 'moderate', severe: 'severe' } as const;
const SCREENING_KIND_OF_NHI = Object.fromEntries(
  Object.entries(SCREENING_CODINGS).map(([kind, spec]) => [spec.nhi, kind]),
) as Record<string, keyof typeof SCREENING_CODINGS>;
const MEASUREMENT_OF_LOINC = new Map<string, PreventiveMeasurement>(
  Object.entries(PREVENTIVE_MEASUREMENT_CODES).map(([k, v]) => [v.loinc, k as PreventiveMeasurement]),
);
const QUALITATIVE_KEY_OF_LOINC = new Map<string, 'urineProtein' | 'hbsag' | 'antiHcv'>(
  Object.entries(PREVENTIVE_QUALITATIVE_CODES).map(([k, v]) => [v.loinc, k as 'urineProtein' | 'hbsag' | 'antiHcv']),
);
const GROUP_OF_LABEL = new Map<string, keyof typeof GROUP_LABEL>(
  Object.entries(GROUP_LABEL).map(([k, v]) => [v, k as keyof typeof GROUP_LABEL]),
);
const BODY_PROFILES: ReadonlySet<string> = new Set([
  PROFILES.bodyHeight,
  PROFILES.bodyWeight,
  PROFILES.bmi,
  PROFILES.bloodPressure,
]);
const OUR_PROFILES: ReadonlySet<string> = new Set(Object.values(PROFILES));

/** The wish a Consent's categories and act say, as `WISHES` maps them. */
function wishOf(categories: readonly string[], act: string | undefined): CareWish | undefined {
  const key = categories.join('|');
  for (const [wish, m] of Object.entries(WISHES)) {
    if (m.act.text === act && m.categories.map((c) => c.coding?.[0]?.code).join('|') === key) return wish as CareWish;
  }
  return undefined;
}

/** The NHI code of an order written as text only (`NHI_PROCEDURE_ORDERS_AS_TEXT`), by its name. */
function textOnlyOrderCode(name: string): string | undefined {
  for (const code of NHI_PROCEDURE_ORDERS_AS_TEXT) if (isKnownNhiOrder(code) && nhiOrder(code).zh === name) return code;
  return undefined;
}

/** The NHI lab order left out of `code.coding` (`NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET`), by its name or analyte. */
function outsideLabOrderCode(display: string, loinc: string | undefined): string | undefined {
  for (const code of NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET) {
    if (isKnownNhiOrder(code) && nhiOrder(code).zh === display) return code;
  }
  for (const code of NHI_LAB_CODES_OUTSIDE_IG_VALUE_SET) {
    if (LAB_PANELS[code]?.some((a) => a.loinc === loinc)) return code;
  }
  return undefined;
}

/** The result as the lab reported it: the value with the analyte's decimal places when the lists know it. */
function reportedValue(value: number, orderCode: string | undefined, item: string | undefined): string {
  const panel = orderCode !== undefined && Object.hasOwn(LAB_PANELS, orderCode) ? LAB_PANELS[orderCode] : undefined;
  const analyte = panel?.find((a) => a.item === item);
  return analyte ? value.toFixed(analyte.decimals) : String(value);
}

class BundleReader {
  readonly issues: string[] = [];
  private readonly byFullUrl = new Map<string, Entry>();
  private readonly byTypeAndId = new Map<string, Entry>();
  private readonly institutions = new Map<Entry, { institution?: Institution; phone?: string }>();
  /** Resources read as part of a record, so that the ones no record took can be reported. */
  private readonly used = new Set<Entry>();

  constructor(readonly entries: readonly Entry[]) {
    for (const e of entries) {
      const id = e.resource.id;
      if (typeof id === 'string') this.byTypeAndId.set(`${e.type}/${id}`, e);
    }
  }

  addFullUrl(fullUrl: string, entry: Entry): void {
    if (this.byFullUrl.has(fullUrl)) this.issues.push(`entry[${entry.index}].fullUrl: duplicate "${fullUrl}"`);
    else this.byFullUrl.set(fullUrl, entry);
  }

  reader(entry: Entry): Reader {
    this.used.add(entry);
    return new Reader(entry, this.issues);
  }

  /** The entry a reference points to: by fullUrl, by `Type/id`, or by an absolute URL ending in `Type/id`. */
  resolve(r: Reader, path: Path, types: readonly string[]): Entry | undefined {
    const ref = r.text([...path, 'reference']);
    if (ref === undefined) return undefined;
    const m = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(ref);
    const target = this.byFullUrl.get(ref) ?? (m ? this.byTypeAndId.get(m[1] as string) : undefined);
    if (!target || !types.includes(target.type)) {
      r.problem(pathText([...path, 'reference']), `"${ref}" is not ${types.join(' or ')} in this Bundle`);
      return undefined;
    }
    return target;
  }

  /** The 醫事機構 of an Organization-hosp-twcore, and its phone. */
  organization(entry: Entry): { institution?: Institution; phone?: string } {
    const known = this.institutions.get(entry);
    if (known) return known;
    const r = this.reader(entry);
    const ids = r.list(['identifier']);
    const i = ids.findIndex((id) => isObj(id) && id.system === TWCORE_SYSTEMS.organizationIdentifier);
    const code = i < 0 ? undefined : r.text(['identifier', i, 'value']);
    if (i < 0) r.problem('identifier', `no identifier of system ${TWCORE_SYSTEMS.organizationIdentifier}`);
    const name = r.text(['name']);
    const telecom = r.list(['telecom']);
    const t = telecom.findIndex((c) => isObj(c) && c.system === 'phone');
    const found = {
      institution: code !== undefined && name !== undefined ? { code, name } : undefined,
      phone: t < 0 ? undefined : r.text(['telecom', t, 'value']),
    };
    this.institutions.set(entry, found);
    return found;
  }

  institutionAt(r: Reader, path: Path): Institution | undefined {
    const org = this.resolve(r, path, ['Organization']);
    return org ? this.organization(org).institution : undefined;
  }

  /** Every resource of this format that no record took, reported once each. */
  leftovers(): void {
    for (const e of this.entries) {
      if (this.used.has(e) || e.type === 'Patient' || e.type === 'Organization') continue;
      if (e.profile !== undefined && OUR_PROFILES.has(e.profile)) {
        this.issues.push(
          `${e.where}: a ${e.type} that belongs to no record (no Encounter, report or check refers to it)`,
        );
      }
    }
  }
}

/** FHIR R4 Bundle entries, with what the reader needs to classify them. */
function entriesOf(bundle: Obj, issues: string[]): { entries: Entry[]; fullUrls: (string | undefined)[] } {
  const list = bundle.entry;
  if (list !== undefined && !Array.isArray(list)) throw new ContentFormatError('fhir', ['entry: not a list']);
  const entries: Entry[] = [];
  const fullUrls: (string | undefined)[] = [];
  (list ?? []).forEach((e: unknown, index: number) => {
    const resource = isObj(e) ? e.resource : undefined;
    if (!isObj(e) || !isObj(resource) || typeof resource.resourceType !== 'string') {
      issues.push(`entry[${index}]: no resource`);
      return;
    }
    const meta = resource.meta;
    const profiles = isObj(meta) && Array.isArray(meta.profile) ? meta.profile : [];
    const profile = profiles.find((p): p is string => typeof p === 'string' && OUR_PROFILES.has(p));
    entries.push({ index, type: resource.resourceType, profile, resource, where: `entry[${index}].resource` });
    fullUrls.push(typeof e.fullUrl === 'string' ? e.fullUrl : undefined);
  });
  return { entries, fullUrls };
}

/**
 * Reads a Bundle of the `fhir` format back into records: every field the format carries, in the
 * record shapes of `record.ts` without the fields listed in `FHIR_UNCARRIED_FIELDS`, each reading
 * validated with its schema. A reading's id is its main resource's id, stable from one export to
 * the next for the same app (docs/formats-fhir.md, "Ids"). Categories without records are absent.
 * @throws ContentFormatError listing every place that cannot be read.
 * @example
 * const { lab = [] } = fromFhirBundle(bundle);
 * lab.map((r) => [r.date, r.item, r.value, r.quantity?.unit]);
 */
export function fromFhirBundle(json: unknown): FhirRecordsByCategory {
  if (!isObj(json) || json.resourceType !== 'Bundle') {
    throw new ContentFormatError('fhir', ['(root): not a FHIR Bundle']);
  }
  const early: string[] = [];
  const { entries, fullUrls } = entriesOf(json, early);
  const b = new BundleReader(entries);
  b.issues.push(...early);
  entries.forEach((e, i) => {
    const url = fullUrls[i];
    if (url !== undefined) b.addFullUrl(url, e);
  });

  // What belongs to what: a visit's resources point to its Encounter; a preventive check's lab
  // results are its report's results, and its body measurements share its day and institution.
  // References are resolved quietly here and reported where the record is read.
  const quiet: string[] = [];
  const ofEncounter = new Map<Entry, Entry[]>();
  const preventiveResults = new Set<Entry>();
  const bodyOfCheck = new Map<string, Entry[]>();
  const checkKey = (r: Reader, org: Entry | undefined): string | undefined => {
    const date = r.get(['effectiveDateTime']);
    return typeof date === 'string' && org ? `${date}|${org.index}` : undefined;
  };
  for (const e of entries) {
    if (e.profile === undefined) continue;
    const probe = new Reader(e, quiet);
    if (e.type === 'Procedure' || e.type === 'MedicationRequest' || isVisitReport(probe)) {
      // Reported here: a part whose Encounter is not found is read nowhere else.
      const encounter = b.resolve(new Reader(e, b.issues), ['encounter'], ['Encounter']);
      if (encounter) listIn(ofEncounter, encounter).push(e);
    } else if (isPreventiveReport(probe)) {
      for (let i = 0; i < probe.list(['result']).length; i++) {
        const result = b.resolve(probe, ['result', i], ['Observation']);
        if (result) preventiveResults.add(result);
      }
    } else if (isBodyMeasurement(probe)) {
      const key = checkKey(probe, b.resolve(probe, ['performer', 0], ['Organization']));
      if (key) listIn(bodyOfCheck, key).push(e);
    }
  }

  const readings: { draft: Draft; entry: Entry; clean: boolean }[] = [];
  for (const e of entries) {
    const before = b.issues.length;
    let draft: Draft | undefined;
    if (e.type === 'Consent' && e.profile === undefined && isCareWish(e)) draft = careWish(b, e);
    else if (e.profile !== undefined) {
      const probe = new Reader(e, quiet);
      switch (e.type) {
        case 'Encounter':
          draft = visit(b, e, ofEncounter.get(e) ?? []);
          break;
        case 'DiagnosticReport':
          if (isVisitReport(probe)) break;
          if (isPreventiveReport(probe)) {
            const r = b.reader(e);
            const org = b.resolve(r, ['performer', 0], ['Organization']);
            draft = preventive(b, r, org, bodyOfCheck.get(checkKey(r, org) ?? '') ?? []);
          } else draft = report(b, e);
          break;
        case 'Observation':
          if (preventiveResults.has(e) || isBodyMeasurement(probe)) break;
          if (e.profile === PROFILES.laboratoryResult) draft = lab(b, e);
          else if (e.profile === PROFILES.clinicalResult) draft = screening(b, e);
          break;
        case 'AllergyIntolerance':
          draft = allergy(b, e);
          break;
        case 'Immunization':
          draft = immunization(b, e);
          break;
      }
    }
    if (draft) readings.push({ draft, entry: e, clean: b.issues.length === before });
  }
  b.leftovers();

  const out: Partial<Record<CategoryId, FhirRecord[]>> = {};
  for (const { draft, entry, clean } of readings) {
    const parsed = fhirRecordSchema.safeParse(compactDeep(draft));
    if (parsed.success) {
      const list = out[draft.category] ?? [];
      list.push(parsed.data);
      out[draft.category] = list;
    } else if (clean) {
      // What the element-by-element reading did not already report: values the record refuses.
      for (const issue of parsed.error.issues) {
        b.issues.push(
          `${entry.where}: the ${draft.category} record's ${issue.path.join('.') || '(root)'}: ${issue.message}`,
        );
      }
    }
  }
  if (b.issues.length > 0) throw new ContentFormatError('fhir', b.issues);
  const ordered: Partial<Record<CategoryId, FhirRecord[]>> = {};
  for (const id of CATEGORY_IDS) if (out[id]) ordered[id] = out[id];
  return ordered as FhirRecordsByCategory;
}

/** A DiagnosticReport of a visit: a laboratory examination billed as a procedure order. */
const isVisitReport = (r: Reader): boolean => r.entry.type === 'DiagnosticReport' && r.get(['encounter']) !== undefined;

const isPreventiveReport = (r: Reader): boolean =>
  r.entry.type === 'DiagnosticReport' && r.get(['code', 'text']) === CHECK_CODE.text;

function isBodyMeasurement(r: Reader): boolean {
  if (r.entry.type !== 'Observation') return false;
  const profile = r.entry.profile;
  if (profile !== undefined && BODY_PROFILES.has(profile)) return true;
  // The waist is an exam Observation (TW Core has no waist profile): known by its LOINC code.
  return (
    profile === PROFILES.clinicalResult &&
    r.coding(['code'], CODE_SYSTEMS.loinc)?.coding.code === PREVENTIVE_MEASUREMENT_CODES.waist.loinc
  );
}

function visit(b: BundleReader, e: Entry, parts: readonly Entry[]): Draft | undefined {
  const r = b.reader(e);
  const cls = r.text(['class', 'code']);
  const service = r.get(['serviceType', 'coding', 0, 'code']);
  let head: Draft;
  switch (cls) {
    case 'IMP':
      head = { category: 'inpatient' };
      break;
    case 'EMER':
      head = { category: 'outpatient', visitType: 'emergency' };
      break;
    case 'AMB':
      if (service === undefined) head = { category: 'outpatient', visitType: 'outpatient' };
      else if (service === SERVICE_TYPE.tcm.coding?.[0]?.code) head = { category: 'tcm' };
      else if (service === SERVICE_TYPE.dental.coding?.[0]?.code) head = { category: 'dental' };
      else {
        r.problem('serviceType.coding[0].code', `unknown service type "${String(service)}"`);
        return undefined;
      }
      break;
    default:
      if (cls !== undefined) r.problem('class.code', `unknown encounter class "${cls}"`);
      return undefined;
  }
  const stay = head.category === 'inpatient';
  const start = r.date(['period', 'start']);
  const end = r.date(['period', 'end'], stay);
  const diagnoses = r
    .list(['diagnosis'])
    .map((_, i) => ({ i, rank: r.get(['diagnosis', i, 'rank']) }))
    .sort((x, y) => (typeof x.rank === 'number' ? x.rank : x.i + 1) - (typeof y.rank === 'number' ? y.rank : y.i + 1))
    .map(({ i }) => {
      const condition = b.resolve(r, ['diagnosis', i, 'condition'], ['Condition']);
      if (!condition) return undefined;
      const c = b.reader(condition);
      const dx = c.code(['code'], CODE_SYSTEMS.icd10cm);
      if (!dx) c.problem('code.coding', `no coding of system ${CODE_SYSTEMS.icd10cm}`);
      return dx && { code: dx.code, display: dx.display ?? c.text(['code', 'text']) };
    });
  const procedures: Obj[] = [];
  const orders: Obj[] = [];
  for (const part of parts) {
    const p = b.reader(part);
    if (part.type === 'MedicationRequest') orders.push(medicationOrder(p, stay));
    else if (part.type === 'DiagnosticReport') orders.push(reportOrder(p, stay));
    else {
      const pcs = p.code(['code'], CODE_SYSTEMS.icd10pcs);
      if (pcs) procedures.push({ code: pcs.code, display: pcs.display ?? p.text(['code', 'text']) });
      else orders.push(procedureOrder(p, stay));
    }
  }
  return {
    ...head,
    id: r.text(['id']),
    date: start,
    ...(stay ? { admissionDate: start, dischargeDate: end } : {}),
    institution: b.institutionAt(r, ['serviceProvider']),
    diagnoses,
    procedures,
    orders,
  } as Draft;
}

/** When an order of a stay was given: its own start–end (`period`), or one day (`at`). */
function orderDates(p: Reader, period: Path, at: Path): { start?: string; end?: string } {
  if (p.get(period) !== undefined) return { start: p.date([...period, 'start']), end: p.date([...period, 'end']) };
  const day = p.date(at);
  return { start: day, end: day };
}

function medicationOrder(p: Reader, stay: boolean): Obj {
  const drug = p.code(['medicationCodeableConcept'], CODE_SYSTEMS.nhiMedication);
  const herb = drug ? undefined : p.code(['medicationCodeableConcept'], CODE_SYSTEMS.nhiHerbMedication);
  if (!drug && !herb) p.problem('medicationCodeableConcept.coding', 'no NHI drug or herb coding');
  return {
    code: (drug ?? herb)?.code,
    name: p.text(['medicationCodeableConcept', 'text'], false) ?? (drug ?? herb)?.display,
    kind: herb ? 'herb' : 'drug',
    quantity: p.number(['dispenseRequest', 'quantity', 'value']),
    days: p.number(['dispenseRequest', 'expectedSupplyDuration', 'value'], false),
    atc: p.code(['medicationCodeableConcept'], CODE_SYSTEMS.atc)?.code,
    ...(stay ? orderDates(p, ['dosageInstruction', 0, 'timing', 'repeat', 'boundsPeriod'], ['authoredOn']) : {}),
  };
}

function procedureOrder(p: Reader, stay: boolean): Obj {
  const nhi = p.code(['code'], CODE_SYSTEMS.nhiMedicalService);
  const name = p.text(['code', 'text'], nhi === undefined) ?? nhi?.display;
  const code = nhi?.code ?? (name === undefined ? undefined : textOnlyOrderCode(name));
  if (!nhi && name !== undefined && code === undefined)
    p.problem('code', `no NHI or ICD-10-PCS code, and "${name}" names no known order`);
  // FHIR's Procedure has no quantity: an order line counts one performance.
  return {
    code,
    name,
    kind: 'procedure',
    quantity: 1,
    ...(stay ? orderDates(p, ['performedPeriod'], ['performedDateTime']) : {}),
  };
}

/** A laboratory examination billed as a procedure order (`NHI_PROCEDURE_ORDERS_AS_REPORTS`). */
function reportOrder(p: Reader, stay: boolean): Obj {
  const nhi = p.code(['code'], CODE_SYSTEMS.nhiMedicalService);
  if (!nhi) p.problem('code.coding', `no coding of system ${CODE_SYSTEMS.nhiMedicalService}`);
  else if (nhi.code !== undefined && !NHI_PROCEDURE_ORDERS_AS_REPORTS.has(nhi.code)) {
    p.problem('code.coding', `"${nhi.code}" is not an order this format writes as a report`);
  }
  return {
    code: nhi?.code,
    name: p.text(['code', 'text'], false) ?? nhi?.display,
    kind: 'procedure',
    quantity: 1,
    ...(stay ? orderDates(p, ['effectivePeriod'], ['effectiveDateTime']) : {}),
  };
}

function lab(b: BundleReader, e: Entry): Draft {
  const r = b.reader(e);
  const loinc = r.code(['code'], CODE_SYSTEMS.loinc)?.code;
  const nhi = r.code(['code'], CODE_SYSTEMS.nhiMedicalService);
  const text = r.text(['code', 'text']);
  // code.text is `子項目 (醫令名稱)`; the order name comes from the NHI coding when there is one.
  let item: string | undefined;
  let display = nhi?.display;
  if (text !== undefined && display !== undefined && text.endsWith(` (${display})`)) {
    item = text.slice(0, -(display.length + 3));
  } else if (text !== undefined) {
    const m = /^(.+?) \((.+)\)$/.exec(text);
    if (m) [, item, display] = m;
    else r.problem('code.text', `not "item (order name)": "${text}"`);
  }
  const code = nhi?.code ?? (display === undefined ? undefined : outsideLabOrderCode(display, loinc));
  if (code === undefined && display !== undefined)
    r.problem('code.coding', 'no NHI order coding, and the order name is unknown');
  const quantity =
    r.get(['valueQuantity']) === undefined
      ? undefined
      : {
          value: r.number(['valueQuantity', 'value']),
          unit: r.text(['valueQuantity', 'code'], false) ?? r.text(['valueQuantity', 'unit']),
        };
  const value =
    quantity === undefined
      ? r.text(['valueString'])
      : quantity.value === undefined
        ? undefined
        : reportedValue(quantity.value, code, item);
  const range = r.get(['referenceRange', 0]);
  const interpretation = r.get(['interpretation']);
  return {
    id: r.text(['id']),
    date: r.date(['effectiveDateTime']),
    category: 'lab',
    institution: b.institutionAt(r, ['performer', 0]),
    reportedAt: r.instant(['issued']),
    order: code === undefined ? undefined : { code, display },
    item,
    loinc,
    value,
    quantity,
    referenceRange:
      range === undefined
        ? undefined
        : compact({
            low: r.number(['referenceRange', 0, 'low', 'value'], false),
            high: r.number(['referenceRange', 0, 'high', 'value'], false),
            text: r.text(['referenceRange', 0, 'text'], false) ?? '',
          }),
    interpretation:
      interpretation === undefined
        ? undefined
        : r.word(['interpretation', 0, 'coding', 0, 'code'], INTERPRETATION_OF_CODE, 'interpretation'),
  };
}

function report(b: BundleReader, e: Entry): Draft {
  const r = b.reader(e);
  const nhi = r.code(['code'], CODE_SYSTEMS.nhiMedicalService);
  if (!nhi) r.problem('code.coding', `no coding of system ${CODE_SYSTEMS.nhiMedicalService}`);
  const data = r.text(['presentedForm', 0, 'data']);
  const reportText = data === undefined ? undefined : textOfUtf8Base64(data);
  if (data !== undefined && reportText === undefined) r.problem('presentedForm[0].data', 'not base64 of UTF-8 text');
  return {
    id: r.text(['id']),
    date: r.date(['effectiveDateTime']),
    category: 'imaging_pathology',
    kind: r.word(['category', 0, 'coding', 0, 'code'], REPORT_KIND_OF_CODE, 'report section'),
    institution: b.institutionAt(r, ['performer', 0]),
    reportedAt: r.instant(['issued']),
    order: nhi && { code: nhi.code, display: nhi.display ?? r.text(['code', 'text']) },
    reportText,
  };
}

/** `血壓：需追蹤－血壓偏高，建議追蹤` lines and `代謝症候群：是`, as `conclusionOf` writes them. */
function readConclusion(r: Reader, conclusion: string | undefined) {
  const assessments: Partial<Record<keyof typeof GROUP_LABEL, Assessment>> = {};
  let metabolicSyndrome: boolean | undefined;
  for (const line of conclusion?.split('\n') ?? []) {
    const [label, rest = ''] = line.split('：', 2) as [string, string?];
    const said = line.slice(label.length + 1);
    if (label === '代謝症候群' && (said === '是' || said === '否')) {
      metabolicSyndrome = said === '是';
      continue;
    }
    const group = GROUP_OF_LABEL.get(label);
    const status = Object.entries(ASSESSMENT_LABEL).find(([, l]) => said === l || said.startsWith(`${l}－`));
    if (!group || !status || rest === '') {
      r.problem('conclusion', `not an assessment line: "${line}"`);
      continue;
    }
    assessments[group] = { status: status[0] as Assessment['status'], text: said.slice(status[1].length + 1) };
  }
  if (metabolicSyndrome === undefined) r.problem('conclusion', 'no 代謝症候群 line');
  return { assessments, metabolicSyndrome };
}

function preventive(b: BundleReader, r: Reader, org: Entry | undefined, body: readonly Entry[]): Draft {
  const measurements: Partial<Record<PreventiveMeasurement, { value?: number; unit?: string }>> = {};
  const qualitative: Partial<Record<'urineProtein' | 'hbsag' | 'antiHcv', string>> = {};
  const quantity = (o: Reader, path: Path) => ({
    value: o.number([...path, 'value']),
    unit: o.text([...path, 'code'], false) ?? o.text([...path, 'unit']),
  });
  const results = r.list(['result']).flatMap((_, i) => b.resolve(r, ['result', i], ['Observation']) ?? []);
  for (const entry of [...body, ...results]) {
    const o = b.reader(entry);
    const loinc = o.code(['code'], CODE_SYSTEMS.loinc)?.code ?? '';
    const key = MEASUREMENT_OF_LOINC.get(loinc);
    const qualitativeKey = QUALITATIVE_KEY_OF_LOINC.get(loinc);
    if (key) measurements[key] = quantity(o, ['valueQuantity']);
    else if (qualitativeKey) {
      qualitative[qualitativeKey] = o.word(
        ['valueCodeableConcept', 'coding', 0, 'code'],
        QUALITATIVE_OF_CODE,
        'qualitative result',
      );
    } else if (loinc === '85354-9') {
      o.list(['component']).forEach((_, i) => {
        const part = MEASUREMENT_OF_LOINC.get(String(o.get(['component', i, 'code', 'coding', 0, 'code'])));
        if (part === 'systolic' || part === 'diastolic')
          measurements[part] = quantity(o, ['component', i, 'valueQuantity']);
      });
    } else o.problem('code', `not a measurement of the adult preventive check (LOINC "${loinc}")`);
  }
  const missing = PREVENTIVE_MEASUREMENTS.filter((k) => !(k in measurements));
  if (missing.length > 0) r.problem('result', `no Observation of ${missing.join(', ')} for this check`);
  if (qualitative.urineProtein === undefined) r.problem('result', 'no urine protein Observation for this check');
  const { institution, phone } = org ? b.organization(org) : {};
  const { assessments, metabolicSyndrome } = readConclusion(r, r.text(['conclusion']));
  return {
    id: r.text(['id']),
    date: r.date(['effectiveDateTime']),
    category: 'adult_preventive',
    institution,
    phone: phone ?? '',
    measurements,
    urineProtein: qualitative.urineProtein,
    metabolicSyndrome,
    hbsag: qualitative.hbsag,
    antiHcv: qualitative.antiHcv,
    assessments,
  };
}

function screening(b: BundleReader, e: Entry): Draft | undefined {
  const r = b.reader(e);
  const nhi = r.code(['code'], CODE_SYSTEMS.nhiMedicalService)?.code;
  const kind = nhi === undefined ? undefined : SCREENING_KIND_OF_NHI[nhi];
  if (!kind) {
    r.problem('code.coding', `no NHI screening service code (${Object.keys(SCREENING_KIND_OF_NHI).join(', ')})`);
    return undefined;
  }
  return {
    id: r.text(['id']),
    date: r.date(['effectiveDateTime']),
    category: 'cancer_screening',
    kind,
    institution: b.institutionAt(r, ['performer', 0]),
    item: r.text(['code', 'text']),
    result: r.word(['interpretation', 0, 'coding', 0, 'code'], SCREENING_RESULT_OF_CODE, 'screening result'),
    resultText: r.text(['valueString']),
    note: r.text(['note', 0, 'text'], false),
  };
}

function allergy(b: BundleReader, e: Entry): Draft {
  const r = b.reader(e);
  const kind = r.word(['category', 0], ALLERGEN_KIND_OF_CATEGORY, 'allergy category');
  const atc = kind === 'drug' ? r.code(['code'], CODE_SYSTEMS.atc) : undefined;
  if (kind === 'drug' && !atc) r.problem('code.coding', `no coding of system ${CODE_SYSTEMS.atc}`);
  return {
    id: r.text(['id']),
    date: r.date(['recordedDate']),
    category: 'allergy',
    allergenKind: kind,
    allergen: compact({ code: atc?.code, display: r.text(['code', 'text']), displayEn: atc?.display }),
    severity: r.word(['reaction', 0, 'severity'], SEVERITY, 'severity'),
    symptoms: r
      .list(['reaction', 0, 'manifestation'])
      .map((_, i) => r.text(['reaction', 0, 'manifestation', i, 'text'])),
    note: r.text(['note', 0, 'text'], false),
    source: r.word(['verificationStatus', 'coding', 0, 'code'], VERIFICATION_OF_CODE, 'verification status'),
  };
}

function immunization(b: BundleReader, e: Entry): Draft {
  const r = b.reader(e);
  const cvx = r.code(['vaccineCode'], CODE_SYSTEMS.cvx);
  if (!cvx) r.problem('vaccineCode.coding', `no coding of system ${CODE_SYSTEMS.cvx}`);
  return {
    id: r.text(['id']),
    date: r.date(['occurrenceDateTime']),
    category: 'immunization',
    vaccine: compact({ code: cvx?.code, display: r.text(['vaccineCode', 'text']), displayEn: cvx?.display }),
    lot: r.text(['lotNumber'], false),
    doseNumber: r.number(['protocolApplied', 0, 'doseNumberPositiveInt'], false),
    institution: b.institutionAt(r, ['performer', 0, 'actor']),
  };
}

/** A Consent this format writes for a care wish: advance-directive scope (R4 consentscope `adr`). */
function isCareWish(e: Entry): boolean {
  const scope = new Reader(e, []).get(['scope', 'coding', 0]);
  return isObj(scope) && scope.system === HL7.consentScope && scope.code === 'adr';
}

function careWish(b: BundleReader, e: Entry): Draft {
  const r = b.reader(e);
  const categories = r.list(['category']).map((_, i) => String(r.get(['category', i, 'coding', 0, 'code'])));
  const act = r.text(['policyRule', 'text']);
  const wish = wishOf(categories, act);
  if (!wish) r.problem('category', `categories ${categories.join(', ')} under "${act}" name no care wish`);
  const title = r.text(['sourceAttachment', 'title'], false);
  return {
    id: r.text(['id']),
    date: r.date(['dateTime']),
    category: 'care_wishes',
    wish,
    status: r.word(['status'], { active: 'registered', inactive: 'withdrawn' } as const, 'consent status'),
    // The title is the registered form, or the wish's own name when the record has no note.
    note: wish !== undefined && title === CARE_WISH_TITLES[wish] ? undefined : title,
  };
}
