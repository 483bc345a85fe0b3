/**
 * The citizen's side of the tele-consultation app (B爺爺 on his phone): large print, few buttons.
 * Connect and choose what to share; see what was shared; share again with new records; stop.
 */
import type { CategoryId, HealthBankClient } from '@healthbank/sdk';
import { connect, el, type Shared } from '../../../common/src/client/device.js';
import { Shell } from '../../../common/src/client/shell.js';

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

const shell = new Shell(document.getElementById('app') as HTMLElement, WORDS);

function connectScreen(hb: HealthBankClient, notice?: HTMLElement): void {
  const w = WORDS[shell.lang];
  const name = el('input', { id: 'name', name: 'name', autocomplete: 'nickname', maxlength: '40' });
  const error = el('p', { role: 'alert', class: 'error', hidden: true });
  const fail = (text: string) => {
    error.textContent = text;
    error.hidden = false;
  };
  const form = el(
    'form',
    { class: 'stack' },
    el('label', { for: 'name' }, w.name),
    name,
    el('fieldset', {}, el('legend', {}, w.choose), ...shell.categoryChoices(OFFERED)),
    error,
    el('button', { type: 'submit', class: 'big' }, w.connect),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = shell.chosen(OFFERED);
    if (chosen.length === 0) return fail(w.pickOne);
    void connect(hb, chosen, { months: 3 }, { name: name.value.trim() }).catch(() => fail(w.failed));
  });
  shell.frame(...(notice ? [notice] : []), el('h1', {}, w.title), el('p', { class: 'lead' }, w.intro), form);
}

function sharedScreen(hb: HealthBankClient, what: Shared): void {
  const w = WORDS[shell.lang];
  const { status, actions } = shell.sharedActions(hb, w);
  shell.frame(
    el('h1', {}, w.sharedTitle),
    el('p', { class: 'muted' }, w.sharedOn(new Date(what.receivedAt).toLocaleString(shell.lang))),
    shell.sharedList(what, w.items),
    status,
    actions,
  );
}

void shell.start({ connect: connectScreen, shared: sharedScreen });
