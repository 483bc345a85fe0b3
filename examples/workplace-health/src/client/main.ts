/**
 * An employee's side of the workplace health programme, on their own device: join (department,
 * age band, what to share, and, separately, whether the occupational nurse may see them), see
 * what was shared, change the nurse agreement, and withdraw.
 */
import type { CategoryId, HealthBankClient } from '@healthbank/sdk';
import { connect, deviceToken, el, type Shared } from '../../../common/src/client/device.js';
import { Shell } from '../../../common/src/client/shell.js';

const OFFERED: CategoryId[] = ['adult_preventive', 'lab', 'cancer_screening'];
const DEPARTMENTS = [
  { 'zh-TW': '生產部', en: 'Production' },
  { 'zh-TW': '研發部', en: 'R&D' },
  { 'zh-TW': '業務部', en: 'Sales' },
  { 'zh-TW': '管理部', en: 'Administration' },
];
const BANDS = ['20-29', '30-39', '40-49', '50-59', '60+'];

const WORDS = {
  'zh-TW': {
    title: '職場健康促進',
    intro: '公司只會看到至少 5 人一組的匿名統計（例如血壓偏高的比例），看不到任何一位同仁的資料。',
    department: '您的部門',
    band: '您的年齡層',
    choose: '要分享哪些資料',
    nurseLegend: '另外的同意（可不勾）',
    nurse: '我同意職護查看我的健康檢查結果，以便提供個別衛教。',
    name: '職護怎麼稱呼您？（可不填）',
    join: '加入計畫並連結健康存摺',
    pickOne: '請至少選一項。',
    working: '正在接收並傳送您的資料…',
    declined: '您沒有同意分享，沒有任何資料被傳送。',
    joined: '您已加入計畫',
    items: (n: number) => `${n} 筆`,
    nurseOn: '職護可以查看我的結果',
    saveNurse: '儲存職護設定',
    nurseSaved: '已更新職護設定。',
    update: '用最新紀錄更新',
    withdraw: '退出計畫',
    confirmWithdraw: '退出後，我們會撤回健康存摺的授權，並立即從所有統計與資料庫刪除您的資料。確定退出嗎？',
    withdrawn: '您已退出計畫，資料已全部刪除。',
    failed: '發生問題，請稍後再試。',
    privacy: '隱私權政策',
    other: 'English',
  },
  en: {
    title: 'Workplace Health',
    intro:
      'The company sees only anonymous figures for groups of at least five people (such as the share with high blood pressure), never any one employee’s records.',
    department: 'Your department',
    band: 'Your age band',
    choose: 'What to share',
    nurseLegend: 'A separate agreement (optional)',
    nurse: 'I agree that the occupational nurse may see my check-up results, to advise me personally.',
    name: 'What should the nurse call you? (optional)',
    join: 'Join and connect My Health Bank',
    pickOne: 'Choose at least one.',
    working: 'Receiving and sending your records…',
    declined: 'You did not agree to share, so nothing was sent.',
    joined: 'You have joined the programme',
    items: (n: number) => `${n} records`,
    nurseOn: 'The nurse may see my results',
    saveNurse: 'Save the nurse setting',
    nurseSaved: 'Nurse setting updated.',
    update: 'Update with the latest records',
    withdraw: 'Leave the programme',
    confirmWithdraw:
      'When you leave, we revoke the consent in My Health Bank and delete your data from every figure and store at once. Leave?',
    withdrawn: 'You have left the programme; all your data was deleted.',
    failed: 'Something went wrong. Please try again later.',
    privacy: 'Privacy policy',
    other: '中文',
  },
} as const;

const shell = new Shell(document.getElementById('app') as HTMLElement, WORDS);

function select(id: string, label: string, options: string[]): [HTMLElement, HTMLSelectElement] {
  const s = el(
    'select',
    { id, name: id, required: true },
    ...options.map((text, i) => el('option', { value: String(i) }, text)),
  );
  return [el('label', { for: id }, label), s];
}

function joinScreen(hb: HealthBankClient, message?: HTMLElement): void {
  const lang = shell.lang;
  const w = WORDS[lang];
  const [departmentLabel, department] = select(
    'department',
    w.department,
    DEPARTMENTS.map((d) => d[lang]),
  );
  const [bandLabel, band] = select('band', w.band, BANDS);
  const nurse = el('input', { type: 'checkbox', id: 'nurse' });
  const name = el('input', { id: 'name', autocomplete: 'nickname', maxlength: '40' });
  const error = el('p', { role: 'alert', class: 'error', hidden: true });
  const fail = (text: string) => {
    error.textContent = text;
    error.hidden = false;
  };
  const form = el(
    'form',
    { class: 'stack' },
    departmentLabel,
    department,
    bandLabel,
    band,
    el('fieldset', {}, el('legend', {}, w.choose), ...shell.categoryChoices(OFFERED)),
    el(
      'fieldset',
      {},
      el('legend', {}, w.nurseLegend),
      el('div', { class: 'toggle' }, nurse, el('label', { for: 'nurse' }, w.nurse)),
      el('label', { for: 'name' }, w.name),
      name,
    ),
    error,
    el('button', { type: 'submit', class: 'big' }, w.join),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = shell.chosen(OFFERED);
    if (chosen.length === 0) return fail(w.pickOne);
    const details = {
      department: department.value,
      band: BANDS[Number(band.value)] ?? '',
      nurse: nurse.checked ? '1' : '0',
      name: name.value.trim(),
    };
    void connect(hb, chosen, { months: 12 }, details).catch(() => fail(w.failed));
  });
  shell.frame(...(message ? [message] : []), el('h1', {}, w.title), el('p', { class: 'lead' }, w.intro), form);
}

function joinedScreen(hb: HealthBankClient, what: Shared): void {
  const lang = shell.lang;
  const w = WORDS[lang];
  const { status, say, actions } = shell.sharedActions(hb, {
    update: w.update,
    stop: w.withdraw,
    confirmStop: w.confirmWithdraw,
    stopped: w.withdrawn,
  });
  const nurse = el('input', { type: 'checkbox', id: 'nurse', checked: what.nurse === true });
  const save = el('button', { type: 'button' }, w.saveNurse);
  save.addEventListener('click', () => {
    void fetch('/api/me/nurse', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${deviceToken()}` },
      body: JSON.stringify({ allowed: nurse.checked }),
    }).then(
      (r) => say(r.ok ? w.nurseSaved : w.failed),
      () => say(w.failed),
    );
  });
  shell.frame(
    el('h1', {}, w.joined),
    el('p', {}, `${DEPARTMENTS[Number(what.department)]?.[lang] ?? ''} · ${String(what.band ?? '')}`),
    shell.sharedList(what, w.items),
    el('div', { class: 'toggle' }, nurse, el('label', { for: 'nurse' }, w.nurseOn)),
    save,
    status,
    actions,
  );
}

void shell.start({ connect: joinScreen, shared: joinedScreen });
