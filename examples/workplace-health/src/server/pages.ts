/**
 * The staff pages: the employer's dashboard (aggregates only, from the k-anonymous release, as
 * charts with the same numbers in a table) and the occupational nurse's list (only employees who
 * agreed to it). Server-rendered, no script: the filters are a GET form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Html, html, type Lang, langOf, page } from '../../../common/src/page.js';
import type { Staff } from '../../../common/src/staff.js';
import { type Item, release, type Shown, show } from '../domain/anonymity.js';
import { dashboardQuery, tablesOf } from '../domain/dashboard.js';
import { AGE_BANDS, MEASURES, type Measure } from '../domain/measures.js';
import { DEPARTMENTS, type ParticipantStore } from './store.js';

const APP = { 'zh-TW': '職場健康促進', en: 'Workplace Health' } as const;

const W = {
  'zh-TW': {
    dashboard: '全公司健康統計',
    nurse: '職護：同意查看的同仁',
    intro: (k: number) => `只顯示至少 ${k} 人的群組；人數較少或可由其他數字推算出少數人的格子都不顯示。`,
    measure: '指標',
    department: '部門',
    band: '年齡層',
    all: '全部',
    show: '顯示',
    participants: (n: string) => `參與人數：${n}`,
    byDepartment: '各部門比例',
    byBand: '各年齡層比例',
    table: '部門 × 年齡層',
    total: '合計',
    withheld: '不顯示',
    withheldLong: (k: number) =>
      `「不顯示」的格子人數少於 ${k} 人，或可由表中其他數字推算出少於 ${k} 人的群組。「—」表示沒有人。`,
    nobody: '沒有人',
    cell: (share: number, count: number, n: number) => `${share}%（${count}/${n} 人）`,
    measures: {
      high_bp: '血壓偏高（≥140/90）',
      high_hba1c: '糖化血色素偏高（≥6.5%）',
      high_bmi: 'BMI 偏高（≥27）',
      overdue_screening: '癌症篩檢逾期',
    } as Record<Measure, string>,
    none: '目前沒有同仁同意職護查看。',
    name: '稱呼',
    bp: '血壓',
    bmi: 'BMI',
    hba1c: 'HbA1c',
    screening: '最近癌症篩檢',
    flags: '提醒',
    unnamed: '（未提供）',
    yes: '是',
  },
  en: {
    dashboard: 'Company health figures',
    nurse: 'Nurse: employees who agreed',
    intro: (k: number) =>
      `Only groups of at least ${k} people are shown; smaller groups, and cells from which a smaller group could be worked out, are withheld.`,
    measure: 'Measure',
    department: 'Department',
    band: 'Age band',
    all: 'All',
    show: 'Show',
    participants: (n: string) => `Participants: ${n}`,
    byDepartment: 'Share by department',
    byBand: 'Share by age band',
    table: 'Department × age band',
    total: 'Total',
    withheld: 'withheld',
    withheldLong: (k: number) =>
      `“withheld”: fewer than ${k} people, or a group of fewer than ${k} could be worked out from the other numbers. “—”: nobody.`,
    nobody: 'nobody',
    cell: (share: number, count: number, n: number) => `${share}% (${count} of ${n})`,
    measures: {
      high_bp: 'High blood pressure (≥140/90)',
      high_hba1c: 'High HbA1c (≥6.5%)',
      high_bmi: 'High BMI (≥27)',
      overdue_screening: 'Cancer screening overdue',
    } as Record<Measure, string>,
    none: 'No employee has agreed to the nurse seeing their results yet.',
    name: 'Name',
    bp: 'Blood pressure',
    bmi: 'BMI',
    hba1c: 'HbA1c',
    screening: 'Latest cancer screening',
    flags: 'Alerts',
    unnamed: '(not given)',
    yes: 'yes',
  },
} as const;

type Words = (typeof W)[Lang];

const shareOf = (s: Shown & { suppressed: false }) => (s.n === 0 ? 0 : Math.round((s.count / s.n) * 100));

function cellText(w: Words, s: Shown): Html {
  if (s.suppressed) return html`<span class="withheld" data-suppressed="true">${w.withheld}</span>`;
  return html`<span data-n="${s.n}" data-count="${s.count}">${s.n === 0 ? '—' : w.cell(shareOf(s), s.count, s.n)}</span>`;
}

/** A horizontal bar chart of shares; withheld bars are labelled, not drawn. The table holds the numbers. */
function barChart(title: string, bars: { label: string; shown: Shown }[], w: Words): Html {
  const rowHeight = 36;
  const height = bars.length * rowHeight + 8;
  const shownText = (s: Shown) => (s.suppressed ? w.withheld : s.n === 0 ? w.nobody : `${shareOf(s)}%`);
  const summary = bars.map((b) => `${b.label} ${shownText(b.shown)}`).join(', ');
  // 100% is 260 units wide, after a 130-unit label column.
  const bar = (b: { label: string; shown: Shown }, i: number) => {
    const y = 4 + i * rowHeight;
    const label = html`<text x="0" y="${y + 23}">${b.label}</text>`;
    if (b.shown.suppressed || b.shown.n === 0) {
      return html`${label}<text x="130" y="${y + 23}" class="withheld">${shownText(b.shown)}</text>`;
    }
    const width = shareOf(b.shown) * 2.6;
    return html`${label}<rect x="130" y="${y + 6}" width="${width.toFixed(0)}" height="${rowHeight - 12}" class="bar"/><text x="${(136 + width).toFixed(0)}" y="${y + 23}">${shownText(b.shown)}</text>`;
  };
  return html`<figure class="chart"><figcaption>${title}</figcaption><svg viewBox="0 0 460 ${height}" role="img" aria-label="${title}: ${summary}" preserveAspectRatio="xMinYMin meet">${bars.map(bar)}</svg></figure>`;
}

export function registerPages(app: FastifyInstance, o: { store: ParticipantStore; staff: Staff; k: number }): void {
  const langFor = (request: FastifyRequest): Lang =>
    langOf(request.query, request.headers.cookie, request.headers['accept-language']);
  const send = (reply: FastifyReply, body: string) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  app.get('/dashboard', async (request, reply) => {
    if (!o.staff.require(request, reply, ['employer'])) return reply;
    const lang = langFor(request);
    const w = W[lang];
    const q = request.query as Record<string, string | undefined>;
    const measure: Measure = (MEASURES as readonly string[]).includes(q.measure ?? '')
      ? (q.measure as Measure)
      : 'high_bp';
    const pick = (value: string | undefined, max: number) => {
      const n = value === undefined || value === '' ? undefined : Number(value);
      return n !== undefined && Number.isInteger(n) && n >= 0 && n < max ? n : undefined;
    };
    const department = pick(q.department, DEPARTMENTS.length);
    const band = pick(q.band, AGE_BANDS.length);

    // Recomputed on every view from who takes part now: a withdrawal shows at once.
    const participants = o.store.all().map((p) => ({ department: p.department, band: p.band, flags: p.summary.flags }));
    const tables = tablesOf(participants, DEPARTMENTS.length);
    const r = release(tables.counts, AGE_BANDS.length, o.k);
    const m = tables.measures[measure];
    const visible = new Set(dashboardQuery(r, { department, band }).map((a) => JSON.stringify(a.item)));
    const cell = (item: Item) =>
      visible.has(JSON.stringify(item)) ? cellText(w, show(r, item, m)) : html`<span class="muted">·</span>`;
    const total = show(r, { kind: 'total' }, m);

    const options = <T extends string | number>(
      name: string,
      label: string,
      values: { value: T; text: string }[],
      current: T | undefined,
      withAll: boolean,
    ) =>
      html`<label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${withAll ? html`<option value="">${w.all}</option>` : ''}${values.map(
        (v) => html`<option value="${String(v.value)}"${current === v.value ? html` selected` : ''}>${v.text}</option>`,
      )}</select>`;
    const body = html`<h1>${w.dashboard}</h1>
<p>${w.intro(o.k)}</p>
<form method="get" action="/dashboard" class="filters">
${options(
  'measure',
  w.measure,
  MEASURES.map((value) => ({ value, text: w.measures[value] })),
  measure,
  false,
)}
${options(
  'department',
  w.department,
  DEPARTMENTS.map((d, value) => ({ value, text: d[lang] })),
  department,
  true,
)}
${options(
  'band',
  w.band,
  AGE_BANDS.map((value, i) => ({ value: i, text: value })),
  band,
  true,
)}
<button type="submit">${w.show}</button>
</form>
<p data-testid="participants">${w.participants(total.suppressed ? w.withheld : String(total.n))}</p>
<h2>${w.measures[measure]}</h2>
<div class="charts">
${barChart(
  w.byDepartment,
  DEPARTMENTS.map((d, row) => ({ label: d[lang], shown: show(r, { kind: 'row', row }, m) })),
  w,
)}
${barChart(
  w.byBand,
  AGE_BANDS.map((label, col) => ({ label, shown: show(r, { kind: 'col', col }, m) })),
  w,
)}
</div>
<h2 id="h-table">${w.table}</h2>
<div class="scroll"><table aria-labelledby="h-table" data-measure="${measure}"><thead><tr><th scope="col">${w.department}</th>${AGE_BANDS.map((b) => html`<th scope="col">${b}</th>`)}<th scope="col">${w.total}</th></tr></thead>
<tbody>${DEPARTMENTS.map(
      (d, row) =>
        html`<tr><th scope="row">${d[lang]}</th>${AGE_BANDS.map((_, col) => html`<td data-cell="${row}.${col}">${cell({ kind: 'cell', row, col })}</td>`)}<td data-cell="${row}.t">${cell({ kind: 'row', row })}</td></tr>`,
    )}</tbody>
<tfoot><tr><th scope="row">${w.total}</th>${AGE_BANDS.map((_, col) => html`<td data-cell="t.${col}">${cell({ kind: 'col', col })}</td>`)}<td data-cell="t.t">${cell({ kind: 'total' })}</td></tr></tfoot></table></div>
<p class="muted">${w.withheldLong(o.k)}</p>`;
    return send(
      reply,
      page({ lang, title: w.dashboard, app: APP[lang], path: request.url, body, nav: o.staff.signOut(lang) }),
    );
  });

  app.get('/nurse', async (request, reply) => {
    if (!o.staff.require(request, reply, ['nurse'])) return reply;
    const lang = langFor(request);
    const w = W[lang];
    const people = o.store.all({ nurseOnly: true });
    const body = html`<h1>${w.nurse}</h1>${
      people.length === 0
        ? html`<p>${w.none}</p>`
        : html`<div class="scroll"><table><caption class="sr-only">${w.nurse}</caption><thead><tr><th scope="col">${w.name}</th><th scope="col">${w.department}</th><th scope="col">${w.band}</th><th scope="col">${w.bp}</th><th scope="col">${w.bmi}</th><th scope="col">${w.hba1c}</th><th scope="col">${w.screening}</th><th scope="col">${w.flags}</th></tr></thead><tbody>${people.map(
            (p) =>
              html`<tr data-employee="${p.id}"><th scope="row">${p.summary.name || w.unnamed}</th><td>${DEPARTMENTS[p.department]?.[lang]}</td><td>${AGE_BANDS[p.band]}</td><td>${p.summary.latest.bp ?? '—'}</td><td>${p.summary.latest.bmi ?? '—'}</td><td>${p.summary.latest.hba1c ?? '—'}</td><td>${p.summary.latest.screening ?? '—'}</td><td>${
                MEASURES.filter((m) => p.summary.flags[m])
                  .map((m) => w.measures[m])
                  .join('、') || '—'
              }</td></tr>`,
          )}</tbody></table></div>`
    }`;
    return send(
      reply,
      page({ lang, title: w.nurse, app: APP[lang], path: request.url, body, nav: o.staff.signOut(lang) }),
    );
  });
}
