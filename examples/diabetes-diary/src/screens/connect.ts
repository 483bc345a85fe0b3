/** Screen 1: what the diary will import, and the button that starts the consent journey. */
import { type Child, h } from '../ui/dom.js';
import type { ErrorMessage } from '../ui/errors.js';
import type { MessageKey } from '../ui/messages.js';
import type { ViewContext } from './context.js';

export interface ConnectView {
  /** A confirmation to show (e.g. after disconnecting). */
  notice?: MessageKey;
  error?: ErrorMessage;
  /** The SDK is preparing the request; the button is disabled. */
  starting?: boolean;
  onConnect: () => void;
}

export function connectScreen({ t, base }: ViewContext, view: ConnectView): Child[] {
  return [
    h('h1', { tabindex: -1 }, t('connect.title')),
    view.notice ? h('p', { class: 'notice', role: 'status' }, t(view.notice)) : null,
    view.error ? h('p', { class: 'error', role: 'alert' }, t(view.error.key, view.error.params)) : null,
    h('p', { class: 'lead' }, t('connect.lead')),
    h('ul', { class: 'asks' }, h('li', {}, t('connect.lab')), h('li', {}, t('connect.outpatient'))),
    h('p', {}, t('connect.device')),
    h('p', {}, t('connect.control')),
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        'data-action': 'connect',
        disabled: view.starting === true,
        'aria-disabled': view.starting === true ? 'true' : undefined,
        onclick: view.onConnect,
      },
      view.starting ? t('connect.starting') : t('connect.button'),
    ),
    h(
      'p',
      { class: 'note' },
      t('app.sandboxNote'),
      ' ',
      h('a', { href: new URL('privacy', base).pathname }, t('app.privacy')),
    ),
  ];
}
