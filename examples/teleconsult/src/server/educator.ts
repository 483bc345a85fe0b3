/**
 * The health educator's pages: patients who share with the service, one patient's whole record
 * at a glance (medication flags first), and a one-page summary to print for the doctor. Server
 * rendered, no script; records are opened from the vault for the request and never cached.
 */
import {
  type AllergyRecord,
  type CareWishesRecord,
  type CategoryId,
  getCategory,
  type InpatientRecord,
  type LabRecord,
  type OutpatientRecord,
} from '@healthbank/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Html, html, type Lang, langOf, page } from '../../../common/src/page.js';
import { Problem } from '../../../common/src/server.js';
import type { Staff, StaffMember } from '../../../common/src/staff.js';
import { type LabSeries, labSeries, type Mark } from '../domain/labs.js';
import {
  activeMedications,
  dayNumber,
  type MedicationFlag,
  medicationFlags,
  type Supply,
  supplies,
} from '../domain/medications.js';
import type { PatientFile, PatientStore } from './store.js';

const APP = { 'zh-TW': '遠距健康諮詢', en: 'Tele-consultation' } as const;
/** Flags look back half a year; "active" means the supply reached the last 30 days. */
const FLAG_WINDOW_DAYS = 180;

const W = {
  'zh-TW': {
    patients: '分享資料的民眾',
    none: '目前沒有民眾分享資料。',
    unnamed: '（未提供稱呼）',
    received: '收到資料',
    shared: '分享的類別',
    open: '查看',
    flags: '用藥提醒',
    noFlags: '近半年沒有重複用藥或重疊領藥。',
    duplicate: (f: MedicationFlag & { kind: 'duplicate_class' }) =>
      `同類藥物重複（ATC ${f.atcClass}）：${f.first.institution}的「${f.first.name}」與${f.second.institution}的「${f.second.name}」同時使用 ${f.overlapDays} 天`,
    refill: (f: MedicationFlag & { kind: 'refill_overlap' }) =>
      `提早領藥：「${f.first.name}」在前次藥量還剩 ${f.overlapDays} 天時又領藥（${f.second.start}，${f.second.institution}）`,
    meds: '目前用藥',
    medsNone: '近 30 天沒有用藥紀錄。',
    drug: '藥品',
    atc: 'ATC',
    where: '開立院所',
    hospital: '院所',
    dispensed: '給藥日',
    days: '天數',
    until: '用到',
    dupMark: '重複',
    visits: '最近就醫',
    date: '日期',
    diagnosis: '主診斷',
    labs: '檢驗結果',
    item: '項目',
    latest: '最近一次',
    range: '參考值',
    trend: '趨勢',
    history: '歷次數值',
    stays: '住院',
    admitted: '入院',
    discharged: '出院',
    allergies: '過敏',
    severity: '嚴重度',
    symptoms: '症狀',
    wishes: '意願註記',
    nothing: '沒有資料。',
    notShared: '未分享此類資料。',
    print: '列印給醫師的摘要',
    summary: '給醫師的摘要',
    back: '回到民眾列表',
    marks: { high: '偏高', low: '偏低', abnormal: '異常', normal: '正常' } as Record<string, string>,
    severities: { mild: '輕度', moderate: '中度', severe: '重度' } as Record<string, string>,
    wishNames: {
      organ_donation: '器官捐贈',
      hospice_palliative: '安寧緩和醫療',
      life_sustaining_refusal: '不施行維生醫療',
      advance_decision: '預立醫療決定',
    } as Record<string, string>,
    wishStatus: { registered: '已註記', withdrawn: '已撤回' } as Record<string, string>,
    asOf: (d: string) => `資料日期：${d}`,
  },
  en: {
    patients: 'People sharing their records',
    none: 'Nobody shares their records yet.',
    unnamed: '(no name given)',
    received: 'Received',
    shared: 'Categories',
    open: 'Open',
    flags: 'Medication alerts',
    noFlags: 'No duplicate medicines or early refills in the last six months.',
    duplicate: (f: MedicationFlag & { kind: 'duplicate_class' }) =>
      `Same class twice (ATC ${f.atcClass}): “${f.first.name}” from ${f.first.institution} and “${f.second.name}” from ${f.second.institution}, taken together for ${f.overlapDays} days`,
    refill: (f: MedicationFlag & { kind: 'refill_overlap' }) =>
      `Early refill: “${f.first.name}” supplied again with ${f.overlapDays} days of the last supply left (${f.second.start}, ${f.second.institution})`,
    meds: 'Current medicines',
    medsNone: 'No medicines in the last 30 days.',
    drug: 'Medicine',
    atc: 'ATC',
    where: 'Prescribed by',
    hospital: 'Institution',
    dispensed: 'Dispensed',
    days: 'Days',
    until: 'Lasts until',
    dupMark: 'duplicate',
    visits: 'Recent visits',
    date: 'Date',
    diagnosis: 'Principal diagnosis',
    labs: 'Lab results',
    item: 'Test',
    latest: 'Latest',
    range: 'Reference',
    trend: 'Trend',
    history: 'Values',
    stays: 'Hospital stays',
    admitted: 'Admitted',
    discharged: 'Discharged',
    allergies: 'Allergies',
    severity: 'Severity',
    symptoms: 'Symptoms',
    wishes: 'Care wishes',
    nothing: 'None.',
    notShared: 'Not shared.',
    print: 'Print the summary for the doctor',
    summary: 'Summary for the doctor',
    back: 'Back to the list',
    marks: { high: 'high', low: 'low', abnormal: 'abnormal', normal: 'normal' } as Record<string, string>,
    severities: { mild: 'mild', moderate: 'moderate', severe: 'severe' } as Record<string, string>,
    wishNames: {
      organ_donation: 'Organ donation',
      hospice_palliative: 'Hospice and palliative care',
      life_sustaining_refusal: 'No life-sustaining treatment',
      advance_decision: 'Advance decision',
    } as Record<string, string>,
    wishStatus: { registered: 'registered', withdrawn: 'withdrawn' } as Record<string, string>,
    asOf: (d: string) => `Records as of ${d}`,
  },
} as const;

type Words = (typeof W)[Lang];

const dateOfMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const minus = (date: string, days: number) =>
  new Date((dayNumber(date) - days) * 86_400_000).toISOString().slice(0, 10);

/** What the pages show of one patient, worked out once per request. */
export interface PatientView {
  file: PatientFile;
  asOf: string;
  active: Supply[];
  flags: MedicationFlag[];
  visits: OutpatientRecord[];
  labs: LabSeries[];
  stays: InpatientRecord[];
  allergies: AllergyRecord[];
  wishes: CareWishesRecord[];
}

export function patientView(file: PatientFile, asOf: string): PatientView {
  const visits = (file.records.outpatient ?? []) as OutpatientRecord[];
  const all = supplies(visits);
  return {
    file,
    asOf,
    active: activeMedications(all, asOf),
    flags: medicationFlags(all, minus(asOf, FLAG_WINDOW_DAYS), asOf),
    visits: [...visits].sort((a, b) => b.date.localeCompare(a.date)).slice(0, 10),
    labs: labSeries((file.records.lab ?? []) as LabRecord[]),
    stays: [...((file.records.inpatient ?? []) as InpatientRecord[])].sort((a, b) => b.date.localeCompare(a.date)),
    allergies: (file.records.allergy ?? []) as AllergyRecord[],
    wishes: (file.records.care_wishes ?? []) as CareWishesRecord[],
  };
}

function flagText(w: Words, f: MedicationFlag): string {
  return f.kind === 'duplicate_class' ? w.duplicate(f) : w.refill(f);
}

/** A small line chart of a lab series (the values are in the table beside it). */
function sparkline(series: LabSeries, w: Words): Html {
  const points = series.points.filter((p) => p.value !== undefined).slice(-12);
  if (points.length < 2) return html`<span aria-hidden="true">—</span>`;
  const values = points.map((p) => p.value as number);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = (i: number) => 4 + (i * 112) / (points.length - 1);
  const y = (v: number) => (hi === lo ? 16 : 28 - ((v - lo) * 24) / (hi - lo));
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value as number).toFixed(1)}`)
    .join(' ');
  const label = `${series.name} ${w.trend}: ${points.map((p) => `${p.date} ${p.text}`).join(', ')}`;
  return html`<svg class="spark" viewBox="0 0 120 32" width="120" height="32" role="img" aria-label="${label}"><path d="${path}" fill="none" stroke="currentColor" stroke-width="2"/>${points.map(
    (p, i) =>
      p.mark === 'high' || p.mark === 'low'
        ? html`<circle cx="${x(i).toFixed(1)}" cy="${y(p.value as number).toFixed(1)}" r="3" class="out"/>`
        : '',
  )}</svg>`;
}

function markText(w: Words, mark: Mark): Html {
  if (!mark || mark === 'normal') return html``;
  return html` <strong class="mark mark-${mark}">${mark === 'high' ? '▲' : mark === 'low' ? '▼' : '!'} ${w.marks[mark] ?? mark}</strong>`;
}

function sharedHas(file: PatientFile, category: CategoryId) {
  return file.categories.includes(category);
}

function section(
  w: Words,
  file: PatientFile,
  category: CategoryId,
  title: string,
  count: number,
  body: () => Html,
): Html {
  return html`<section aria-labelledby="h-${category}"><h2 id="h-${category}">${title}</h2>${
    !sharedHas(file, category)
      ? html`<p class="muted">${w.notShared}</p>`
      : count === 0
        ? html`<p class="muted">${w.nothing}</p>`
        : body()
  }</section>`;
}

function flagsSection(w: Words, v: PatientView): Html {
  return html`<section aria-labelledby="h-flags" class="flags"><h2 id="h-flags">${w.flags}</h2>${
    v.flags.length === 0
      ? html`<p>${w.noFlags}</p>`
      : html`<ul class="alerts">${v.flags.map((f) => html`<li data-flag="${f.kind}" data-atc-class="${f.kind === 'duplicate_class' ? f.atcClass : f.first.atcClass}">⚠ ${flagText(w, f)}</li>`)}</ul>`
  }</section>`;
}

function medsTable(w: Words, v: PatientView): Html {
  const flagged = new Set(v.flags.filter((f) => f.kind === 'duplicate_class').map((f) => f.atcClass));
  return section(
    w,
    v.file,
    'outpatient',
    w.meds,
    v.active.length,
    () =>
      html`<div class="scroll"><table><caption class="sr-only">${w.meds}</caption><thead><tr><th scope="col">${w.drug}</th><th scope="col">${w.atc}</th><th scope="col">${w.where}</th><th scope="col">${w.dispensed}</th><th scope="col">${w.days}</th><th scope="col">${w.until}</th></tr></thead><tbody>${v.active.map(
        (s) =>
          html`<tr${flagged.has(s.atcClass) ? html` class="flagged"` : ''}><th scope="row">${s.name}${flagged.has(s.atcClass) ? html` <strong class="mark mark-high">⚠ ${w.dupMark}</strong>` : ''}</th><td>${s.atc}</td><td>${s.institution}</td><td class="date">${s.start}</td><td>${s.days}</td><td class="date">${s.end}</td></tr>`,
      )}</tbody></table></div>`,
  );
}

function labsTable(w: Words, v: PatientView, limit?: number): Html {
  const series = limit ? v.labs.slice(0, limit) : v.labs;
  return section(
    w,
    v.file,
    'lab',
    w.labs,
    series.length,
    () =>
      html`<div class="scroll"><table><caption class="sr-only">${w.labs}</caption><thead><tr><th scope="col">${w.item}</th><th scope="col">${w.latest}</th><th scope="col">${w.range}</th><th scope="col">${w.trend}</th><th scope="col" class="values">${w.history}</th></tr></thead><tbody>${series.map(
        (s) =>
          html`<tr><th scope="row">${s.name}</th><td>${s.latest.text} ${s.latest.unit}${markText(w, s.latest.mark)}<br><span class="muted">${s.latest.date}</span></td><td>${s.range ?? '—'}</td><td>${sparkline(s, w)}</td><td class="values">${s.points
            .slice(-5)
            .map((p) => `${p.date.slice(2)} ${p.text}`)
            .join(' · ')}</td></tr>`,
      )}</tbody></table></div>`,
  );
}

function visitsTable(w: Words, v: PatientView): Html {
  return section(
    w,
    v.file,
    'outpatient',
    w.visits,
    v.visits.length,
    () =>
      html`<div class="scroll"><table><caption class="sr-only">${w.visits}</caption><thead><tr><th scope="col">${w.date}</th><th scope="col">${w.hospital}</th><th scope="col">${w.diagnosis}</th></tr></thead><tbody>${v.visits.map(
        (r) =>
          html`<tr><td>${r.date}</td><td>${r.institution.name}</td><td>${r.diagnoses[0]?.code} ${r.diagnoses[0]?.display}</td></tr>`,
      )}</tbody></table></div>`,
  );
}

function staysTable(w: Words, v: PatientView): Html {
  return section(
    w,
    v.file,
    'inpatient',
    w.stays,
    v.stays.length,
    () =>
      html`<div class="scroll"><table><caption class="sr-only">${w.stays}</caption><thead><tr><th scope="col">${w.admitted}</th><th scope="col">${w.discharged}</th><th scope="col">${w.hospital}</th><th scope="col">${w.diagnosis}</th></tr></thead><tbody>${v.stays.map(
        (r) =>
          html`<tr><td class="date">${r.admissionDate}</td><td class="date">${r.dischargeDate}</td><td>${r.institution.name}</td><td>${r.diagnoses[0]?.code} ${r.diagnoses[0]?.display}</td></tr>`,
      )}</tbody></table></div>`,
  );
}

function allergyList(w: Words, v: PatientView): Html {
  return section(
    w,
    v.file,
    'allergy',
    w.allergies,
    v.allergies.length,
    () =>
      html`<ul>${v.allergies.map((a) => html`<li><strong>${a.allergen.display}</strong>（${w.severities[a.severity] ?? a.severity}）${a.symptoms.join('、')}</li>`)}</ul>`,
  );
}

function wishList(w: Words, v: PatientView): Html {
  return section(
    w,
    v.file,
    'care_wishes',
    w.wishes,
    v.wishes.length,
    () =>
      html`<ul>${v.wishes.map((r) => html`<li>${w.wishNames[r.wish] ?? r.wish}：${w.wishStatus[r.status] ?? r.status}（${r.date}）</li>`)}</ul>`,
  );
}

export function registerEducator(
  app: FastifyInstance,
  o: { store: PatientStore; staff: Staff; now: () => number },
): void {
  const signedIn = (request: FastifyRequest, reply: FastifyReply): StaffMember | undefined =>
    o.staff.require(request, reply, ['educator']);
  const langFor = (request: FastifyRequest): Lang =>
    langOf(request.query, request.headers.cookie, request.headers['accept-language']);
  const send = (reply: FastifyReply, body: string) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  const fileOf = (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    const file = /^pt_[A-Za-z0-9_-]{16}$/.test(id) ? o.store.open(id) : undefined;
    if (!file) throw new Problem(404, 'not_found', 'No such patient.');
    return { id, file };
  };
  const nav = (lang: Lang) => html`<a href="/educator">${W[lang].patients}</a>${o.staff.signOut(lang)}`;

  app.get('/educator', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const lang = langFor(request);
    const w = W[lang];
    const patients = o.store.list();
    const body = html`<h1>${w.patients}</h1>${
      patients.length === 0
        ? html`<p>${w.none}</p>`
        : html`<ul class="cards">${patients.map(
            (p) =>
              html`<li><a href="/educator/patients/${p.id}"><strong>${p.name || w.unnamed}</strong></a><br>${w.received} ${dateOfMs(p.receivedAt)} · ${p.categories.map((c) => getCategory(c).name[lang]).join('、')}</li>`,
          )}</ul>`
    }`;
    return send(reply, page({ lang, title: w.patients, app: APP[lang], path: request.url, body, nav: nav(lang) }));
  });

  app.get('/educator/patients/:id', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const lang = langFor(request);
    const w = W[lang];
    const { id, file } = fileOf(request);
    const v = patientView(file, dateOfMs(o.now()));
    const title = file.name || w.unnamed;
    const body = html`<h1>${title}</h1>
<p class="muted">${w.asOf(file.signedAt.slice(0, 10))} · ${w.shared}：${file.categories.map((c) => getCategory(c).name[lang]).join('、')}</p>
<p><a class="button" href="/educator/patients/${id}/summary">${w.print}</a></p>
${flagsSection(w, v)}${medsTable(w, v)}${visitsTable(w, v)}${labsTable(w, v)}${staysTable(w, v)}${allergyList(w, v)}${wishList(w, v)}`;
    return send(reply, page({ lang, title, app: APP[lang], path: request.url, body, nav: nav(lang) }));
  });

  app.get('/educator/patients/:id/summary', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const lang = langFor(request);
    const w = W[lang];
    const { id, file } = fileOf(request);
    const v = patientView(file, dateOfMs(o.now()));
    const title = `${w.summary}：${file.name || w.unnamed}`;
    const body = html`<h1>${title}</h1>
<p class="muted">${w.asOf(file.signedAt.slice(0, 10))}</p>
<p class="no-print"><a href="/educator/patients/${id}">${w.back}</a></p>
${flagsSection(w, v)}${medsTable(w, v)}${labsTable(w, v, 6)}${staysTable(w, { ...v, stays: v.stays.slice(0, 3) })}${allergyList(w, v)}${wishList(w, v)}`;
    return send(
      reply,
      page({ lang, title, app: APP[lang], path: request.url, body, nav: nav(lang), bodyClass: 'summary' }),
    );
  });
}
