/**
 * The diary's controller: which screen shows, and the three journeys through the SDK — connect
 * (`start`), import on the redirect (`handleRedirect` → `fetchData`), disconnect (`revoke`).
 */
import { isSdkError, type Ticket } from '@healthbank/sdk';
import { carryOutDeletion, deletionOrdered, retryDeletionReport } from './deletion.js';
import { taiwanToday } from './domain/dates.js';
import { doctorSummary } from './domain/summary.js';
import { healthBank, loadPlatformConfig, type PlatformConfig } from './platform.js';
import { connectScreen } from './screens/connect.js';
import type { ViewContext } from './screens/context.js';
import { diaryScreen } from './screens/diary.js';
import { failedScreen, type ImportStep, importScreen } from './screens/importing.js';
import { clearImport, loadHba1cTarget, loadImport, type StoredImport, saveHba1cTarget, saveImport } from './storage.js';
import { type Child, fragment, h } from './ui/dom.js';
import { type ErrorMessage, errorMessage } from './ui/errors.js';
import { LOCALES, type Locale, type MessageKey, translator } from './ui/messages.js';

type Screen =
  | { kind: 'loading' }
  | { kind: 'connect'; notice?: MessageKey; error?: ErrorMessage; starting?: boolean }
  | { kind: 'import'; step: ImportStep; loaded?: number; total?: number }
  | { kind: 'failed'; error: ErrorMessage }
  | {
      kind: 'diary';
      stored: StoredImport;
      confirming?: boolean;
      working?: boolean;
      error?: ErrorMessage;
      focus?: 'confirm' | 'disconnect' | 'target';
      /** The outcome of the integration test's test files, when run. */
      testFilesOutcome?: { correct: number; total: number } | 'running' | 'failed';
    };

const LOCALE_KEY = 'diabetes-diary.locale';
const CATEGORIES = ['lab', 'outpatient'] as const;

/** zh-TW unless she chose English (or the URL asks for a language). */
function initialLocale(): Locale {
  const asked = new URL(location.href).searchParams.get('lang');
  const stored = localStorage.getItem(LOCALE_KEY);
  for (const candidate of [asked, stored]) {
    if (candidate && (LOCALES as readonly string[]).includes(candidate)) return candidate as Locale;
  }
  return 'zh-TW';
}

const TITLES: Record<Screen['kind'], MessageKey> = {
  loading: 'app.name',
  connect: 'connect.button',
  import: 'import.title',
  failed: 'import.failedTitle',
  diary: 'diary.title',
};

export async function startApp(body: HTMLElement): Promise<void> {
  const base = new URL('./', location.href);
  let locale = initialLocale();
  let screen: Screen = { kind: 'loading' };
  let config: PlatformConfig | undefined;

  const main = h('main', { id: 'main', tabindex: -1 });
  const announcer = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const brand = h('p', { class: 'brand' });
  const languageButton = h('button', {
    type: 'button',
    class: 'lang',
    onclick: () => {
      locale = locale === 'zh-TW' ? 'en' : 'zh-TW';
      localStorage.setItem(LOCALE_KEY, locale);
      render(false);
      languageButton.focus();
    },
  });
  const skip = h('a', { class: 'skip', href: '#main' });
  body.replaceChildren(skip, h('header', { class: 'bar screen-only' }, brand, languageButton), main, announcer);

  function context(): ViewContext {
    return { t: translator(locale), locale, base };
  }

  /** Draws the current screen; moves focus to its heading when the screen changed. */
  function render(moveFocus: boolean): void {
    const ctx = context();
    const { t } = ctx;
    document.documentElement.lang = locale;
    document.title = `${t(TITLES[screen.kind])} · ${t('app.name')}`;
    skip.textContent = t('app.skip');
    brand.replaceChildren(t('app.name'), ' ', h('span', { class: 'tag' }, t('app.example')));
    const other: Locale = locale === 'zh-TW' ? 'en' : 'zh-TW';
    languageButton.setAttribute('lang', other);
    languageButton.textContent = t('app.switchLanguage');
    main.setAttribute('data-screen', screen.kind);
    main.replaceChildren(fragment(view(ctx)));
    // A new screen is announced from its heading; a redraw of the same one keeps focus where the
    // citizen was working (the element it was on has been replaced).
    if (moveFocus) main.querySelector<HTMLElement>('h1')?.focus();
    else main.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }

  /** Shows a screen; a new one (not the first) takes focus at its heading so it is announced. */
  function show(next: Screen): void {
    const changed = next.kind !== screen.kind && screen.kind !== 'loading';
    screen = next;
    render(changed);
  }

  function view(ctx: ViewContext): Child[] {
    const s = screen;
    switch (s.kind) {
      case 'loading':
        return [h('p', { class: 'loading' }, '…')];
      case 'connect':
        return connectScreen(ctx, { ...s, onConnect: () => void connect() });
      case 'import':
        return importScreen(ctx, s);
      case 'failed':
        return failedScreen(ctx, {
          error: s.error,
          onRetry: () => void connect(),
          onHome: () => void home(),
        });
      case 'diary':
        return diaryScreen(ctx, {
          ...s,
          summary: doctorSummary(s.stored.records, s.stored.period, taiwanToday(Date.now())),
          onReimport: () => void (s.stored.ticketId ? importFrom(s.stored.ticketId) : connect()),
          ...(config?.integrationTest && s.stored.ticketId
            ? { testFiles: { outcome: s.testFilesOutcome, onRun: () => void checkTestFiles(s.stored) } }
            : {}),
          onDisconnect: () => show({ ...s, confirming: true, focus: 'confirm' }),
          onCancel: () => show({ kind: 'diary', stored: s.stored, focus: 'disconnect' }),
          onConfirm: () => void disconnect(s.stored),
          hba1cTarget: loadHba1cTarget(),
          onTargetChange: (value) => {
            if (!saveHba1cTarget(value)) return false;
            show({ kind: 'diary', stored: s.stored, focus: 'target' });
            return true;
          },
        });
    }
  }

  function announce(key: MessageKey): void {
    announcer.textContent = translator(locale)(key);
  }

  async function platform(): Promise<PlatformConfig> {
    config ??= await loadPlatformConfig(base);
    return config;
  }

  /** Screen 1 → the platform's consent pages (the SDK navigates away on success). */
  async function connect(): Promise<void> {
    show({ kind: 'connect', starting: true });
    try {
      const hb = healthBank(await platform(), locale);
      await hb.start({ categories: [...CATEGORIES], period: { years: 5 } });
    } catch (error) {
      show({ kind: 'connect', error: errorMessage(error) });
    }
  }

  const step = (s: ImportStep, extra: { loaded?: number; total?: number } = {}) => {
    show({ kind: 'import', step: s, ...extra });
  };

  /** Screen 2: back from the platform with a code (or an error); import, verify, store. */
  async function importFromRedirect(): Promise<void> {
    step('authorize');
    announce('import.step.authorize');
    const redirect = location.href;
    // The code is single-use: a reload must not replay it.
    history.replaceState(null, '', base.pathname);
    let ticket: Ticket;
    try {
      ticket = await healthBank(await platform(), locale).handleRedirect(redirect);
    } catch (error) {
      show({ kind: 'failed', error: errorMessage(error) });
      return;
    }
    await importFrom(ticket);
  }

  /**
   * Downloads, verifies and stores a file: right after consent, or again under an ongoing consent
   * (a revoked or ended consent fails here with the platform's own reason).
   */
  async function importFrom(ticket: Ticket | string): Promise<void> {
    try {
      const hb = healthBank(await platform(), locale);
      step('download');
      announce('import.step.download');
      const data = await hb.fetchData(ticket, {
        format: 'records',
        onProgress: ({ loaded, total }) => {
          if (total !== undefined && loaded >= total) step('verify');
          else step('download', total === undefined ? { loaded } : { loaded, total });
        },
      });
      step('verify');
      if (data.format !== 'records') throw new Error('unexpected content format');
      step('save');
      announce('import.step.save');
      const { claims, records } = data;
      const stored: StoredImport = {
        version: 1,
        importedAt: new Date().toISOString(),
        exportId: claims.jti,
        consentId: claims.consent_id,
        ...(data.ticket.ongoing ? { ticketId: data.ticket.id } : {}),
        period: claims.period,
        categories: [...claims.categories],
        counts: { ...claims.counts },
        records: { lab: records.lab ?? [], outpatient: records.outpatient ?? [] },
      };
      try {
        await saveImport(stored);
      } catch {
        show({ kind: 'failed', error: { key: 'error.storage' } });
        return;
      }
      announce('import.done');
      show({ kind: 'diary', stored });
    } catch (error) {
      show({ kind: 'failed', error: errorMessage(error) });
    }
  }

  /** The sandbox's tampered test files, judged with the device's keys (the integration checklist). */
  async function checkTestFiles(stored: StoredImport): Promise<void> {
    if (!stored.ticketId) return;
    show({ kind: 'diary', stored, testFilesOutcome: 'running' });
    try {
      const outcome = await healthBank(await platform(), locale).checkTestFiles(stored.ticketId);
      show({ kind: 'diary', stored, testFilesOutcome: outcome });
    } catch {
      show({ kind: 'diary', stored, testFilesOutcome: 'failed' });
    }
  }

  /** Disconnect: revoke the consent on the platform, then delete the diary's data here. */
  async function disconnect(stored: StoredImport): Promise<void> {
    show({ kind: 'diary', stored, confirming: true, working: true });
    try {
      await healthBank(await platform(), locale).revoke();
    } catch (error) {
      // Already revoked (e.g. from the citizen portal) is what she asked for; anything else
      // leaves her connected, and says so.
      if (!isSdkError(error, 'revoked')) {
        show({ kind: 'diary', stored, error: { key: 'error.disconnect' } });
        return;
      }
    }
    await clearImport();
    show({ kind: 'connect', notice: 'connect.disconnected' });
  }

  async function home(): Promise<void> {
    await retryDeletionReport(base);
    const stored = await loadImport().catch(() => undefined);
    // She asked My Health Bank to have this app delete what it received: do it before showing it.
    if (stored && (await deletionOrdered(base, stored.consentId))) {
      await carryOutDeletion(base, stored.consentId);
      show({ kind: 'connect', notice: 'connect.deletedOnRequest' });
      return;
    }
    show(stored ? { kind: 'diary', stored } : { kind: 'connect' });
  }

  render(false);
  if (location.pathname.endsWith('/callback')) await importFromRedirect();
  else await home();
}
