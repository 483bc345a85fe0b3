import { defineMessages } from '../pages/i18n.js';

/**
 * The public pages' words: the brochure's two doors (我是民眾，我想了解SDK / 我是業者，我想加入SDK),
 * the partner list (合作夥伴) and the developer documentation.
 */
export const publicMessages = defineMessages(
  {
    'public.title': '健康存摺 SDK',
    'public.lead': '把您在健保的就醫資料，經您逐項同意後，安全地帶進您平常使用的健康 App。',
    'public.nav': '網站選單',
    'public.citizens': '我是民眾，我想了解 SDK',
    'public.organisations': '我是業者，我想加入 SDK',
    'public.partners': '合作夥伴',
    'public.docs': '開發者文件',
    'public.developers': '開發者專區',
    'public.portal': '我的健康存摺（查看資料提供紀錄、取消授權）',
    'citizens.title': '我是民眾，我想了解 SDK',
    'citizens.what': '健康存摺 SDK 是什麼',
    'citizens.whatText':
      '健康存摺 SDK 讓您常用的健康 App（例如糖尿病日記、遠距健康諮詢、職場健康計畫）在您同意後，取得您在健保署的就醫資料。資料會加密後直接送到您的手機，只有您手機上的 App 能打開。',
    'citizens.consent': '同意怎麼運作',
    'citizens.consent1': '在 App 裡按「連結健康存摺」，登入並確認是您本人。',
    'citizens.consent2': '閱讀告知事項：誰要資料、為什麼要、保存多久。',
    'citizens.consent3': '逐項選擇要提供的資料類別與期間（最多 12 個月的持續授權），也可以排除特定醫療院所。',
    'citizens.consent4': '按「同意」後才會下載資料；按「不同意」什麼都不會提供。',
    'citizens.rights': '您的權利（個人資料保護法）',
    'citizens.rightsText':
      '依個人資料保護法第 3 條，您可以查詢、閱覽、請求製給複製本、補充或更正、停止蒐集處理利用，以及請求刪除您的個人資料。',
    'citizens.history': '查看紀錄、取消授權、要求刪除',
    'citizens.historyText':
      '在「我的健康存摺」可以看到每一次資料提供紀錄（哪個 App、什麼時候、哪些類別），隨時取消授權（App 立刻不能再下載），也可以要求 App 刪除已取得的資料，並看到 App 的刪除回條。',
    'organisations.title': '我是業者，我想加入 SDK',
    'organisations.who': '誰可以申請',
    'organisations.who1': '公務機關',
    'organisations.who2': '依公司法設立的公司（以統一編號識別）',
    'organisations.who3': '財團法人',
    'organisations.who4': '健保特約醫事機構（以醫事機構代碼識別）',
    'organisations.steps': '申請流程',
    'organisations.step1': '註冊機構與開發人員帳號。',
    'organisations.step2':
      '第一階段申請：填寫 App 資料、需要的資料類別與用途，立即取得測試 API 金鑰（只能存取模擬民眾）。',
    'organisations.step3': '串接測試：完成授權與下載、處理取消授權、回覆刪除要求並附簽章回條；平台依稽核紀錄自動確認。',
    'organisations.step4': '第二階段申請：上傳 App 資安檢測報告，確認隱私權政策與客服聯絡方式。',
    'organisations.step5': '審查通過後取得正式環境憑證，App 列入合作夥伴名單。',
    'organisations.rules': '使用規範',
    'organisations.rulesText':
      '只能要求申請時核准的資料類別，並只用於告知民眾的目的；民眾取消授權後不得再下載；收到刪除要求須在期限內刪除並回覆簽章回條。違反規範的 App 會被暫停。',
    'organisations.security': '資安檢測',
    'organisations.securityText':
      'App 須通過依數位發展部「行動應用 App 基本資安檢測基準」的檢測，報告每年更新。報告到期前 60、30、7 天會通知；到期未更新，App 會自動暫停，直到新的報告審查通過。',
    'organisations.start': '前往開發者專區',
    'partners.title': '合作夥伴',
    'partners.lead': '以下 App 已通過審查，可以在您同意後取得您的健保就醫資料。',
    'partners.none': '目前還沒有上線的合作夥伴。',
    'partners.organisation': '提供者',
    'partners.categories': '使用的資料',
    'partners.get': '取得 App',
    'partners.privacy': '隱私權政策',
    'docs.title': '開發者文件',
    'docs.lead': 'SDK 使用說明、匯出檔格式、錯誤代碼，以及匯出 API 的 OpenAPI 3.1 描述。',
    'docs.openapi': '匯出 API 的 OpenAPI 3.1 描述（JSON）',
  },
  {
    'public.title': 'My Health Bank SDK',
    'public.lead':
      'Bring your National Health Insurance records into the health apps you already use: item by item, with your consent, safely.',
    'public.nav': 'Site menu',
    'public.citizens': 'For citizens: what is the SDK?',
    'public.organisations': 'For organisations: join the SDK',
    'public.partners': 'Partners',
    'public.docs': 'Developer documentation',
    'public.developers': 'Developer portal',
    'public.portal': 'My Health Bank (provision history, revoking consent)',
    'citizens.title': 'For citizens: what is the SDK?',
    'citizens.what': 'What the My Health Bank SDK is',
    'citizens.whatText':
      'The My Health Bank SDK lets the health apps you use (a diabetes diary, tele-consultation, a workplace health programme) get your National Health Insurance records once you agree. The records are encrypted and sent straight to your phone, where only the app on your phone can open them.',
    'citizens.consent': 'How consent works',
    'citizens.consent1': 'In the app, tap “Connect My Health Bank”, sign in and confirm it is you.',
    'citizens.consent2': 'Read the notices: who asks, why, and how long they keep the data.',
    'citizens.consent3':
      'Choose each category and the period to share (ongoing consent lasts at most 12 months); you can leave out particular hospitals or clinics.',
    'citizens.consent4': 'Nothing is downloaded until you agree; if you decline, nothing is shared.',
    'citizens.rights': 'Your rights (Personal Data Protection Act)',
    'citizens.rightsText':
      'Under Article 3 of the Personal Data Protection Act you may inquire about and review your data, ask for a copy, supplement or correct it, ask that its collection, processing or use stop, and ask that it be deleted.',
    'citizens.history': 'See your history, revoke, ask for deletion',
    'citizens.historyText':
      'My Health Bank shows every provision (which app, when, which categories). You can revoke at any time (the app cannot download again from that moment), and ask an app to delete what it received, then see its signed receipt.',
    'organisations.title': 'For organisations: join the SDK',
    'organisations.who': 'Who may apply',
    'organisations.who1': 'Government agencies',
    'organisations.who2': 'Companies under the Company Act (identified by their 統一編號)',
    'organisations.who3': 'Foundations',
    'organisations.who4': 'NHI-contracted medical institutions (identified by their 醫事機構代碼)',
    'organisations.steps': 'The steps',
    'organisations.step1': 'Register your organisation and your developers.',
    'organisations.step2':
      'Phase 1: describe the app, the categories it needs and why; get a test API key at once (synthetic citizens only).',
    'organisations.step3':
      'Integration test: complete a consent and download, handle a revocation, answer a deletion request with a signed receipt; the platform checks it from its audit log.',
    'organisations.step4': 'Phase 2: upload your app security test report and confirm your privacy policy and contact.',
    'organisations.step5': 'Once approved you get production credentials and your app joins the partner list.',
    'organisations.rules': 'The rules',
    'organisations.rulesText':
      'Ask only for the categories you were approved for, use them only for the purpose citizens were told; never download after a revocation; delete on request within the deadline and answer with a signed receipt. Apps that break the rules are suspended.',
    'organisations.security': 'The security test',
    'organisations.securityText':
      'Apps must pass a test under the Ministry of Digital Affairs’ mobile app basic security testing standard, renewed every year. You are reminded 60, 30 and 7 days before the report expires; without a new one the app is suspended until a new report is approved.',
    'organisations.start': 'Go to the developer portal',
    'partners.title': 'Partners',
    'partners.lead': 'These apps have been reviewed and may receive your NHI records once you agree.',
    'partners.none': 'No partner apps are live yet.',
    'partners.organisation': 'By',
    'partners.categories': 'Records it uses',
    'partners.get': 'Get the app',
    'partners.privacy': 'Privacy policy',
    'docs.title': 'Developer documentation',
    'docs.lead':
      'The SDK guide, the export file format, the error codes, and the OpenAPI 3.1 description of the export API.',
    'docs.openapi': 'OpenAPI 3.1 description of the export API (JSON)',
  },
);
