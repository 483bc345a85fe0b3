/**
 * Every word the diary shows, in Traditional Chinese (the default) and English. Placeholders are
 * `{name}`; `translate` fills them.
 */

export const LOCALES = ['zh-TW', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const zh = {
  'app.name': '糖尿病日記',
  'app.example': '示範 App',
  'app.skip': '跳到主要內容',
  'app.switchLanguage': 'English',
  'app.sandboxNote': '這是示範 App，使用健康存摺沙盒中的模擬資料，不含任何真實個人資料。',
  'app.privacy': '隱私權政策',

  'connect.title': '把健康存摺的檢驗與就醫資料帶進您的糖尿病日記',
  'connect.lead': '連結後，您會在健康存摺的頁面上登入、閱讀說明，並逐項決定要提供哪些資料。日記會請求：',
  'connect.lab': '檢驗結果（近 5 年）：糖化血色素（HbA1c）、空腹血糖等，用來畫出變化趨勢。',
  'connect.outpatient': '西醫門診資料（近 5 年）：就醫紀錄與處方用藥，用來整理目前用藥與就醫次數。',
  'connect.device': '資料會以只有這台裝置能解開的加密檔案下載，並經過健保署簽章驗證；日記只存放在您的這台裝置上。',
  'connect.control': '您可以在同意頁取消勾選任何項目，也可以隨時在這裡中斷連結並刪除資料。',
  'connect.button': '連結健康存摺',
  'connect.starting': '正在前往健康存摺…',
  'connect.disconnected': '已中斷連結，並已刪除這台裝置上的日記資料。',
  'connect.deletedOnRequest':
    '依照您在健康存摺提出的刪除要求，已刪除這台裝置上從健康存摺匯入的資料，並已回覆健康存摺。',

  'import.title': '正在匯入您的資料',
  'import.step.authorize': '確認您的授權',
  'import.step.download': '下載加密檔案',
  'import.step.verify': '驗證簽章並解密',
  'import.step.save': '儲存到這台裝置',
  'import.progress': '下載進度',
  'import.downloaded': '已下載 {kb} KB',
  'import.done': '匯入完成',
  'import.failedTitle': '沒有匯入資料',
  'import.retry': '重新連結',
  'import.home': '回到日記首頁',

  'error.declined': '您在健康存摺選擇了不同意（或關閉了同意頁），所以沒有匯入任何資料。若改變心意，可以重新連結。',
  'error.ticket_expired': '這次授權的下載期限（24 小時）已過，或已經下載過。請重新連結。',
  'error.revoked': '這次授權已被撤回，無法再下載資料。若要繼續使用日記，請重新連結並同意。',
  'error.network': '無法連上健康存摺。請確認網路連線後再試一次。',
  'error.busyIn': '健康存摺目前忙碌中，請在 {seconds} 秒後再試一次。',
  'error.busy': '健康存摺目前忙碌中，請稍後再試一次。',
  'error.file': '收到的檔案沒有通過安全驗證，為了保護您，日記沒有使用它。請重新連結；若問題持續，請聯絡客服。',
  'error.clock': '收到的檔案時間比這台裝置的時間還晚。請檢查裝置的日期與時間設定，再重新連結。',
  'error.consent_expired': '您給日記的授權期間已經結束。若要繼續使用，請重新連結並同意。',
  'error.not_connected': '這台裝置上找不到連結資料（可能清除過瀏覽器資料）。請重新連結。',
  'error.authorization_failed': '連結沒有完成（可能重新整理了頁面，或等待太久）。請重新連結。',
  'error.server': '健康存摺暫時無法處理這個要求，請稍後再試一次。',
  'error.unknown': '發生未預期的問題，沒有匯入資料。請再試一次。',
  'error.storage': '無法把資料存到這台裝置（儲存空間可能不足或被瀏覽器封鎖）。',
  'error.disconnect': '無法連上健康存摺，連結尚未中斷，資料也還保留著。請稍後再試。',

  'diary.title': '我的糖尿病日記',
  'diary.period': '資料期間：{from} 至 {to}',
  'diary.periodAll': '資料期間：全部',
  'diary.imported': '匯入時間：{date}',
  'diary.counts': '共 {lab} 筆檢驗結果、{outpatient} 筆門診紀錄',
  'diary.latestHba1c': '最新糖化血色素',
  'diary.latestGlucose': '最新空腹血糖',
  'diary.noValue': '沒有資料',
  'diary.on': '{date} 檢驗',

  'trend.yearAgo.down': '比一年前（{date}，{value}）下降 {delta}',
  'trend.yearAgo.up': '比一年前（{date}，{value}）上升 {delta}',
  'trend.yearAgo.steady': '與一年前（{date}，{value}）差不多',
  'trend.previous.down': '比上次（{date}，{value}）下降 {delta}',
  'trend.previous.up': '比上次（{date}，{value}）上升 {delta}',
  'trend.previous.steady': '與上次（{date}，{value}）差不多',
  'trend.points': '{delta} 個百分點',

  'analyte.hba1c': '糖化血色素（HbA1c）',
  'analyte.fasting_glucose': '空腹血糖',
  'chart.title': '{name}的變化',
  'chart.summary':
    '{name}折線圖：{from} 至 {to} 共 {count} 次檢驗，最新 {latest}（{latestDate}），最高 {max}，最低 {min}。{range}',
  'chart.rangeSummary': '參考範圍 {range}，以淺綠色區域表示。',
  'chart.legend': '淺綠色區域：檢驗單位提供的參考範圍 {range}。',
  'chart.xAxis': '檢驗日期',
  'chart.empty': '匯入的資料中沒有{name}的檢驗結果。',
  'chart.skipped': '另有 {count} 筆結果不是數值或單位不同，未畫在圖上。',
  'table.caption': '{name}檢驗結果（由新到舊）',
  'table.date': '檢驗日期',
  'table.result': '結果',
  'table.range': '參考範圍',
  'table.status': '判讀',
  'table.institution': '院所',
  'status.high': '高於參考範圍',
  'status.low': '低於參考範圍',
  'status.in_range': '在參考範圍內',
  'status.unknown': '—',
  'status.above_target': '高於目標（{target}）',
  'status.at_target': '達到目標',
  'chart.target': '虛線：您的目標，糖化血色素低於 {target}（請與醫師討論您的目標）。',
  'target.label': '我的糖化血色素目標（低於）',
  'target.save': '更新目標',
  'target.invalid': '請輸入 5 到 10 之間的數字，例如 7 或 6.5。',

  'meds.title': '目前用藥',
  'meds.lead': '依 {from} 至 {to}（最近 90 天）的門診處方整理。實際用藥請以醫師與藥師的指示為準。',
  'meds.empty': '最近 90 天沒有門診處方紀錄。',
  'meds.caption': '最近 90 天開立的藥品',
  'meds.drug': '藥品',
  'meds.strength': '含量',
  'meds.daily': '每日用量',
  'meds.days': '給藥天數',
  'meds.last': '最近開立',
  'meds.status': '狀態',
  'meds.dailyUnits': '每日 {units} 顆',
  'meds.daysValue': '{days} 天',
  'meds.current': '用藥中（可用到 {date}）',
  'meds.ended': '已用完（{date}）',
  'meds.unknown': '—',

  'summary.title': '給醫師的摘要',
  'summary.lead': '這一頁整理了最重要的數字，可以列印或在看診時給醫師看。',
  'summary.print': '列印給醫師的摘要',
  'summary.heading': '糖尿病追蹤摘要（病人自行整理之健保資料）',
  'summary.generated': '製表日期：{date}',
  'summary.source': '資料來源：健保署健康存摺，經本人同意匯出，並已驗證簽章。',
  'summary.latestHba1c': '最新 HbA1c',
  'summary.trend': '趨勢',
  'summary.recentHba1c': '最近 HbA1c',
  'summary.latestGlucose': '最新空腹血糖',
  'summary.meds': '目前用藥',
  'summary.visits': '門診次數',
  'summary.visitsValue': '期間共 {total} 次；最近 12 個月 {year} 次；急診 {er} 次',
  'summary.institutions': '最近 12 個月就醫院所',
  'summary.institutionVisits': '{name}（{visits} 次）',
  'summary.lastVisit': '最近一次門診：{date}',
  'summary.none': '無',
  'summary.medLine': '{name}｜{daily}｜{days}｜最近開立 {date}',

  'manage.title': '連結與資料',
  'manage.lead': '日記的資料只存放在這台裝置上。',
  'manage.reimport': '重新匯入最新資料',
  'testFiles.title': '整合測試（開發者）',
  'testFiles.lead': '用這台裝置的金鑰檢查平台的測試檔：真的要接受，被竄改的都要拒絕。結果會記在串接測試清單。',
  'testFiles.run': '檢查平台測試檔',
  'testFiles.outcome': '判斷正確 {correct}／{total} 個檔案。',
  'testFiles.failed': '無法取得或回報測試檔，請稍後再試。',
  'manage.disconnect': '中斷連結',
  'manage.confirmText': '中斷連結會撤回您在健康存摺給日記的授權，並刪除這台裝置上的日記資料。',
  'manage.confirm': '確定中斷並刪除資料',
  'manage.cancel': '取消',
  'manage.working': '正在中斷連結…',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.name': 'Diabetes Diary',
  'app.example': 'Example app',
  'app.skip': 'Skip to main content',
  'app.switchLanguage': '中文',
  'app.sandboxNote':
    'This is an example app using synthetic data from the My Health Bank sandbox; no real person’s data.',
  'app.privacy': 'Privacy policy',

  'connect.title': 'Bring your My Health Bank lab results and visits into your diabetes diary',
  'connect.lead':
    'When you connect, you sign in on My Health Bank’s pages, read what happens, and decide item by item what to share. The diary asks for:',
  'connect.lab': 'Lab results (last 5 years): HbA1c, fasting glucose and more, to chart how they change.',
  'connect.outpatient': 'Outpatient visits (last 5 years): visits and prescriptions, to list your current medication.',
  'connect.device':
    'The data arrives as a file only this device can decrypt, signed by the NHI Administration and verified here; the diary stays on this device.',
  'connect.control': 'You can untick any item on the consent page, and disconnect here at any time to delete the data.',
  'connect.button': 'Connect My Health Bank',
  'connect.starting': 'Opening My Health Bank…',
  'connect.disconnected': 'Disconnected. The diary’s data on this device has been deleted.',
  'connect.deletedOnRequest':
    'As you asked in My Health Bank, the data imported from it has been deleted from this device, and My Health Bank has been told.',

  'import.title': 'Importing your data',
  'import.step.authorize': 'Confirming your consent',
  'import.step.download': 'Downloading the encrypted file',
  'import.step.verify': 'Verifying the signature and decrypting',
  'import.step.save': 'Saving on this device',
  'import.progress': 'Download progress',
  'import.downloaded': '{kb} KB downloaded',
  'import.done': 'Import complete',
  'import.failedTitle': 'Nothing was imported',
  'import.retry': 'Connect again',
  'import.home': 'Back to the diary',

  'error.declined':
    'You declined on My Health Bank (or closed its consent page), so nothing was imported. You can connect again if you change your mind.',
  'error.ticket_expired':
    'This consent’s download window (24 hours) has passed, or the file was already downloaded. Please connect again.',
  'error.revoked':
    'This consent was revoked, so no more data can be downloaded. To keep using the diary, connect and agree again.',
  'error.network': 'My Health Bank could not be reached. Check your connection and try again.',
  'error.busyIn': 'My Health Bank is busy. Please try again in {seconds} seconds.',
  'error.busy': 'My Health Bank is busy. Please try again shortly.',
  'error.file':
    'The file received did not pass the security checks, so the diary did not use it, to protect you. Please connect again; if this keeps happening, contact support.',
  'error.clock':
    'The file is dated later than this device’s clock. Check the device’s date and time, then connect again.',
  'error.consent_expired': 'Your consent for the diary has ended. To keep using it, connect and agree again.',
  'error.not_connected':
    'This device holds no connection for the diary (was the browser’s data cleared?). Please connect again.',
  'error.authorization_failed':
    'Connecting did not finish (the page may have been reloaded, or it took too long). Please connect again.',
  'error.server': 'My Health Bank could not handle the request just now. Please try again shortly.',
  'error.unknown': 'Something unexpected went wrong and nothing was imported. Please try again.',
  'error.storage': 'The data could not be saved on this device (storage may be full or blocked by the browser).',
  'error.disconnect':
    'My Health Bank could not be reached, so you are still connected and the data is kept. Please try again later.',

  'diary.title': 'My diabetes diary',
  'diary.period': 'Records from {from} to {to}',
  'diary.periodAll': 'Records: all periods',
  'diary.imported': 'Imported {date}',
  'diary.counts': '{lab} lab results and {outpatient} outpatient visits',
  'diary.latestHba1c': 'Latest HbA1c',
  'diary.latestGlucose': 'Latest fasting glucose',
  'diary.noValue': 'No data',
  'diary.on': 'tested {date}',

  'trend.yearAgo.down': '{delta} lower than a year ago ({value} on {date})',
  'trend.yearAgo.up': '{delta} higher than a year ago ({value} on {date})',
  'trend.yearAgo.steady': 'About the same as a year ago ({value} on {date})',
  'trend.previous.down': '{delta} lower than last time ({value} on {date})',
  'trend.previous.up': '{delta} higher than last time ({value} on {date})',
  'trend.previous.steady': 'About the same as last time ({value} on {date})',
  'trend.points': '{delta} percentage points',

  'analyte.hba1c': 'HbA1c (glycated haemoglobin)',
  'analyte.fasting_glucose': 'Fasting blood glucose',
  'chart.title': '{name} over time',
  'chart.summary':
    'Line chart of {name}: {count} tests from {from} to {to}; latest {latest} ({latestDate}), highest {max}, lowest {min}. {range}',
  'chart.rangeSummary': 'The reference range {range} is shaded light green.',
  'chart.legend': 'Light green band: the laboratory’s reference range {range}.',
  'chart.xAxis': 'Test date',
  'chart.empty': 'The imported data holds no {name} results.',
  'chart.skipped': '{count} more results are not numbers or use another unit, and are not plotted.',
  'table.caption': '{name} results (newest first)',
  'table.date': 'Test date',
  'table.result': 'Result',
  'table.range': 'Reference range',
  'table.status': 'Interpretation',
  'table.institution': 'Institution',
  'status.high': 'Above the range',
  'status.low': 'Below the range',
  'status.in_range': 'Within the range',
  'status.unknown': '—',
  'status.above_target': 'Above your target ({target})',
  'status.at_target': 'At target',
  'chart.target': 'Dashed line: your target, HbA1c below {target} (agree yours with your doctor).',
  'target.label': 'My HbA1c target (below)',
  'target.save': 'Update target',
  'target.invalid': 'Enter a number from 5 to 10, such as 7 or 6.5.',

  'meds.title': 'Current medication',
  'meds.lead':
    'From outpatient prescriptions between {from} and {to} (the last 90 days). Always follow your doctor’s and pharmacist’s instructions.',
  'meds.empty': 'No outpatient prescriptions in the last 90 days.',
  'meds.caption': 'Drugs prescribed in the last 90 days',
  'meds.drug': 'Drug',
  'meds.strength': 'Strength',
  'meds.daily': 'Daily dose',
  'meds.days': 'Days supplied',
  'meds.last': 'Last prescribed',
  'meds.status': 'Status',
  'meds.dailyUnits': '{units} a day',
  'meds.daysValue': '{days} days',
  'meds.current': 'Taking (lasts until {date})',
  'meds.ended': 'Finished ({date})',
  'meds.unknown': '—',

  'summary.title': 'Summary for your doctor',
  'summary.lead': 'This page gathers the key numbers; print it or show it at your appointment.',
  'summary.print': 'Print the summary for my doctor',
  'summary.heading': 'Diabetes follow-up summary (NHI records compiled by the patient)',
  'summary.generated': 'Prepared {date}',
  'summary.source': 'Source: NHI My Health Bank, exported with the patient’s consent; signature verified.',
  'summary.latestHba1c': 'Latest HbA1c',
  'summary.trend': 'Trend',
  'summary.recentHba1c': 'Recent HbA1c',
  'summary.latestGlucose': 'Latest fasting glucose',
  'summary.meds': 'Current medication',
  'summary.visits': 'Outpatient visits',
  'summary.visitsValue': '{total} in the period; {year} in the last 12 months; {er} emergency',
  'summary.institutions': 'Institutions, last 12 months',
  'summary.institutionVisits': '{name} ({visits})',
  'summary.lastVisit': 'Last visit: {date}',
  'summary.none': 'None',
  'summary.medLine': '{name} | {daily} | {days} | last prescribed {date}',

  'manage.title': 'Connection and data',
  'manage.lead': 'The diary’s data is kept on this device only.',
  'manage.reimport': 'Import the latest data again',
  'testFiles.title': 'Integration test (developers)',
  'testFiles.lead':
    'Check the platform’s test files with this device’s keys: accept the genuine one, reject every tampered one. The outcome goes on the integration checklist.',
  'testFiles.run': 'Check the platform’s test files',
  'testFiles.outcome': '{correct} of {total} files judged correctly.',
  'testFiles.failed': 'The test files could not be fetched or reported. Try again later.',
  'manage.disconnect': 'Disconnect',
  'manage.confirmText':
    'Disconnecting revokes the diary’s consent on My Health Bank and deletes the diary’s data on this device.',
  'manage.confirm': 'Disconnect and delete the data',
  'manage.cancel': 'Cancel',
  'manage.working': 'Disconnecting…',
};

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { 'zh-TW': zh, en };

export type Params = Record<string, string | number>;

/** The message in the locale, with `{name}` placeholders filled from `params`. */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A translator bound to one locale. */
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}
