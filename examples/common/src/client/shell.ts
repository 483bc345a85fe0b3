/**
 * The frame both citizen-side apps share: header with the language switch, main, footer; the
 * callback that finishes a connection with a progress bar; and the choice between the app's
 * "connect" and "shared" screens. The app supplies its words and those two screens.
 */
import { type CategoryId, getCategory, type HealthBankClient } from '@healthbank/sdk';
import {
  clientFor,
  el,
  finishConnect,
  type Lang,
  loadConfig,
  refresh,
  type Shared,
  shared,
  stopSharing,
} from './device.js';

export interface ShellWords {
  title: string;
  working: string;
  declined: string;
  failed: string;
  privacy: string;
  /** The other language's name, on the switch. */
  other: string;
}

/** The words of the shared screen's actions. */
export interface ActionWords {
  update: string;
  /** The button that ends sharing, its confirmation, and what is said once it is done. */
  stop: string;
  confirmStop: string;
  stopped: string;
}

export interface Screens {
  /** Not connected (or no longer): the connect form, with a message above it when given. */
  connect(hb: HealthBankClient, message?: HTMLElement): void;
  /** What this device has shared. */
  shared(hb: HealthBankClient, what: Shared): void;
}

export class Shell {
  lang: Lang = (localStorage.getItem('lang') as Lang | null) ?? (navigator.language.startsWith('en') ? 'en' : 'zh-TW');
  private screens?: Screens;

  constructor(
    private readonly root: HTMLElement,
    private readonly words: Record<Lang, ShellWords>,
  ) {}

  /** Replaces the page's content, in the current language. */
  frame(...children: (Node | string)[]): void {
    const w = this.words[this.lang];
    document.documentElement.lang = this.lang;
    document.title = w.title;
    const switcher = el(
      'button',
      { type: 'button', class: 'link', lang: this.lang === 'en' ? 'zh-TW' : 'en' },
      w.other,
    );
    switcher.addEventListener('click', () => {
      this.lang = this.lang === 'en' ? 'zh-TW' : 'en';
      localStorage.setItem('lang', this.lang);
      void this.render();
    });
    this.root.replaceChildren(
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

  /** A message for the top of a screen: a status, or an alert for a failure. */
  message(text: string, kind: 'status' | 'alert' = 'status'): HTMLElement {
    return el('p', { role: kind, class: kind === 'alert' ? 'error' : 'notice' }, text);
  }

  /** A checkbox per category, ticked, with the category's name and what it holds. */
  categoryChoices(categories: readonly CategoryId[]): HTMLElement[] {
    return categories.map((id) =>
      el(
        'div',
        { class: 'choice' },
        el('input', { type: 'checkbox', id: `c-${id}`, name: 'category', value: id, checked: true }),
        el(
          'label',
          { for: `c-${id}` },
          el('strong', {}, getCategory(id).name[this.lang]),
          el('span', { class: 'muted' }, getCategory(id).description[this.lang]),
        ),
      ),
    );
  }

  /** The categories whose boxes (from `categoryChoices`) are ticked. */
  chosen(categories: readonly CategoryId[]): CategoryId[] {
    return categories.filter((id) => (document.getElementById(`c-${id}`) as HTMLInputElement | null)?.checked);
  }

  /** What this device shared: each category's name and how many records. */
  sharedList(what: Shared, items: (n: number) => string): HTMLElement {
    return el(
      'ul',
      { class: 'shared' },
      ...what.categories.map((id) =>
        el('li', {}, el('strong', {}, getCategory(id).name[this.lang]), ' ', items(what.counts[id] ?? 0)),
      ),
    );
  }

  /**
   * The shared screen's status line and its two actions: fetch and upload the latest records
   * (then show the screen again), and stop sharing (revoke, have the backend delete, confirm
   * first). `say` puts a message in the status line.
   */
  sharedActions(
    hb: HealthBankClient,
    words: ActionWords,
  ): { status: HTMLElement; say(text: string): void; actions: HTMLElement } {
    const w = this.words[this.lang];
    const screens = this.screens as Screens;
    const status = el('p', { role: 'status', class: 'notice', hidden: true });
    const say = (text: string) => {
      status.textContent = text;
      status.hidden = false;
    };
    const update = el('button', { type: 'button' }, words.update);
    update.addEventListener('click', () => {
      say(w.working);
      void refresh(hb, () => {}).then(
        (next) => screens.shared(hb, next),
        () => say(w.failed),
      );
    });
    const stop = el('button', { type: 'button', class: 'danger big' }, words.stop);
    stop.addEventListener('click', () => {
      if (!confirm(words.confirmStop)) return;
      void stopSharing(hb).then(
        () => screens.connect(hb, this.message(words.stopped)),
        () => say(w.failed),
      );
    });
    return { status, say, actions: el('div', { class: 'actions' }, update, stop) };
  }

  /** Starts the app: on the redirect URI finish connecting, else show what fits this device. */
  async start(screens: Screens): Promise<void> {
    this.screens = screens;
    await this.render();
  }

  private async render(): Promise<void> {
    const screens = this.screens as Screens;
    const hb = clientFor(await loadConfig(), this.lang);
    const w = this.words[this.lang];
    if (location.pathname === '/callback') {
      const progress = el('progress', { max: '100', value: '0', 'aria-label': w.working });
      this.frame(el('h1', {}, w.title), el('p', { role: 'status' }, w.working), progress);
      try {
        const result = await finishConnect(hb, location.href, (p) => {
          progress.value = p;
        });
        // The code in the address is used: take it out of the history.
        history.replaceState(null, '', '/');
        if (result === 'declined') return screens.connect(hb, this.message(w.declined));
        return screens.shared(hb, result);
      } catch {
        history.replaceState(null, '', '/');
        return screens.connect(hb, this.message(w.failed, 'alert'));
      }
    }
    const current = await shared().catch(() => undefined);
    if (current) return screens.shared(hb, current);
    screens.connect(hb);
  }
}
