/**
 * The citizen's side of the tele-consultation app (B爺爺 on his phone): large print, few buttons.
 * Connect and choose what to share; see what was shared; share again with new records; stop.
 */
import { type CategoryId, getCategory, type HealthBankClient } from '@healthbank/sdk';
import {
  clientFor,
  connect,
  el,
  finishConnect,
  type Lang,
  loadConfig,
  refresh,
  type Shared,
  shared,
  stopSharing,
} from '../../../common/src/client/device.js';

/** What the educator needs, offered with all ticked; he may untick any. */
const OFFERED: CategoryId[] = ['outpatient', 'lab', 'inpatient', 'allergy', 'care_wishes'];

const WORDS = {
  'zh-TW': {
    title: '遠距健康諮詢',
    intro: '把您在健保的就醫、用藥和檢驗紀錄分享給衛教師，讓衛教師幫您整理用藥、看檢驗變化，並準備給醫師看的摘要。',
    name: '衛教師怎麼稱呼您？（可不填）',
    choose: '要分享哪些資料',
    connect: '連結健康存摺並分享',
    pickOne: '請至少選一項。',
    working: '正在接收並傳送您的資料…',
    declined: '您沒有同意分享，沒有任何資料被傳送。',
    sharedTitle: '已分享給衛教師',
    sharedOn: (d: string) => `最後更新：${d}`,
    items: (n: number) => `${n} 筆`,
    update: '用最新紀錄更新',
    stop: '停止分享',
    confirmStop: '停止分享後，衛教師就看不到您的資料，我們也會立即刪除已收到的資料。確定要停止嗎？',
    stopped: '已停止分享，您的資料已刪除。',
    failed: '發生問題，請稍後再試。',
    privacy: '隱私權政策',
    other: 'English',
  },
  en: {
    title: 'Tele-consultation',
    intro:
      'Share your NHI visits, medicines and lab results with a health educator, who checks your medicines, follows your results and prepares a summary for your doctor.',
    name: 'What should the educator call you? (optional)',
    choose: 'What to share',
    connect: 'Connect My Health Bank and share',
    pickOne: 'Choose at least one.',
    working: 'Receiving and sending your records…',
    declined: 'You did not agree to share, so nothing was sent.',
    sharedTitle: 'Shared with the health educator',
    sharedOn: (d: string) => `Last updated ${d}`,
    items: (n: number) => `${n} records`,
    update: 'Update with the latest records',
    stop: 'Stop sharing',
    confirmStop:
      'When you stop, the educator no longer sees your records and we delete what we received at once. Stop sharing?',
    stopped: 'Sharing stopped; your records were deleted.',
    failed: 'Something went wrong. Please try again later.',
    privacy: 'Privacy policy',
    other: '中文',
  },
} as const;

const root = document.getElementById('app') as HTMLElement;
let lang: Lang =
  (localStorage.getItem('lang') as Lang | null) ?? (navigator.language.startsWith('en') ? 'en' : 'zh-TW');

function frame(...children: (Node | string)[]): void {
  const w = WORDS[lang];
  document.documentElement.lang = lang;
  document.title = w.title;
  const switcher = el('button', { type: 'button', class: 'link', lang: lang === 'en' ? 'zh-TW' : 'en' }, w.other);
  switcher.addEventListener('click', () => {
    lang = lang === 'en' ? 'zh-TW' : 'en';
    localStorage.setItem('lang', lang);
    void render();
  });
  root.replaceChildren(
    el(
      'header',
      { class: 'bar' },
      el('span', { class: 'brand' }, w.title),
      el('nav', { 'aria-label': w.title }, switcher),
    ),
    el('main', { id: 'main' }, ...children),
    el('footer', {}, el('a', { href: '/privacy' }, w.privacy)),
  );
}

function message(text: string, kind: 'status' | 'alert' = 'status'): HTMLElement {
  return el('p', { role: kind, class: kind === 'alert' ? 'error' : 'notice' }, text);
}

function connectScreen(hb: HealthBankClient, notice?: HTMLElement): void {
  const w = WORDS[lang];
  const name = el('input', { id: 'name', name: 'name', autocomplete: 'nickname', maxlength: '40' });
  const boxes = OFFERED.map((id) => {
    const box = el('input', { type: 'checkbox', id: `c-${id}`, name: 'category', value: id, checked: true });
    const category = getCategory(id);
    return el(
      'div',
      { class: 'choice' },
      box,
      el(
        'label',
        { for: `c-${id}` },
        el('strong', {}, category.name[lang]),
        el('span', { class: 'muted' }, category.description[lang]),
      ),
    );
  });
  const error = el('p', { role: 'alert', class: 'error', hidden: true });
  const form = el(
    'form',
    { class: 'stack' },
    el('label', { for: 'name' }, w.name),
    name,
    el('fieldset', {}, el('legend', {}, w.choose), ...boxes),
    error,
    el('button', { type: 'submit', class: 'big' }, w.connect),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = OFFERED.filter((id) => (document.getElementById(`c-${id}`) as HTMLInputElement).checked);
    if (chosen.length === 0) {
      error.textContent = w.pickOne;
      error.hidden = false;
      return;
    }
    void connect(hb, chosen, { months: 3 }, { name: name.value.trim() }).catch(() => {
      error.textContent = w.failed;
      error.hidden = false;
    });
  });
  frame(...(notice ? [notice] : []), el('h1', {}, w.title), el('p', { class: 'lead' }, w.intro), form);
}

function sharedScreen(hb: HealthBankClient, what: Shared): void {
  const w = WORDS[lang];
  const list = el(
    'ul',
    { class: 'shared' },
    ...what.categories.map((id) =>
      el('li', {}, el('strong', {}, getCategory(id).name[lang]), ' ', w.items(what.counts[id] ?? 0)),
    ),
  );
  const status = el('p', { role: 'status', class: 'notice', hidden: true });
  const update = el('button', { type: 'button' }, w.update);
  update.addEventListener('click', () => {
    status.textContent = w.working;
    status.hidden = false;
    void refresh(hb, () => {})
      .then((next) => sharedScreen(hb, next))
      .catch(() => {
        status.textContent = w.failed;
      });
  });
  const stop = el('button', { type: 'button', class: 'danger big' }, w.stop);
  stop.addEventListener('click', () => {
    if (!confirm(w.confirmStop)) return;
    void stopSharing(hb)
      .then(() => connectScreen(hb, message(w.stopped)))
      .catch(() => {
        status.textContent = w.failed;
        status.hidden = false;
      });
  });
  frame(
    el('h1', {}, w.sharedTitle),
    el('p', { class: 'muted' }, w.sharedOn(new Date(what.receivedAt).toLocaleString(lang))),
    list,
    status,
    el('div', { class: 'actions' }, update, stop),
  );
}

async function render(): Promise<void> {
  const hb = clientFor(await loadConfig(), lang);
  const w = WORDS[lang];
  if (location.pathname === '/callback') {
    const progress = el('progress', { max: '100', value: '0', 'aria-label': w.working });
    frame(el('h1', {}, w.title), el('p', { role: 'status' }, w.working), progress);
    try {
      const result = await finishConnect(hb, location.href, (p) => {
        progress.value = p;
      });
      history.replaceState(null, '', '/');
      if (result === 'declined') return connectScreen(hb, message(w.declined));
      return sharedScreen(hb, result);
    } catch {
      history.replaceState(null, '', '/');
      return connectScreen(hb, message(w.failed, 'alert'));
    }
  }
  const current = await shared().catch(() => undefined);
  if (current) return sharedScreen(hb, current);
  connectScreen(hb);
}

void render();
