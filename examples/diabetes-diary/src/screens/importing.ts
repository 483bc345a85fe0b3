/** Screen 2: the callback. Each step of the import, with the download's progress. */
import { type Child, h } from '../ui/dom.js';
import type { ErrorMessage } from '../ui/errors.js';
import type { ViewContext } from './context.js';

export const IMPORT_STEPS = ['authorize', 'download', 'verify', 'save'] as const;
export type ImportStep = (typeof IMPORT_STEPS)[number];

export interface ImportView {
  step: ImportStep;
  /** Bytes downloaded, and the total when the platform says it. */
  loaded?: number;
  total?: number;
}

export function importScreen({ t }: ViewContext, view: ImportView): Child[] {
  const current = IMPORT_STEPS.indexOf(view.step);
  const kb = (bytes: number) => Math.max(1, Math.round(bytes / 1024));
  return [
    h('h1', { tabindex: -1 }, t('import.title')),
    h(
      'ol',
      { class: 'steps' },
      IMPORT_STEPS.map((step, i) =>
        h(
          'li',
          {
            class: i < current ? 'done' : i === current ? 'current' : 'pending',
            'aria-current': i === current ? 'step' : undefined,
          },
          h('span', { class: 'mark', 'aria-hidden': 'true' }, i < current ? '✓' : String(i + 1)),
          ' ',
          t(`import.step.${step}`),
        ),
      ),
    ),
    view.step === 'download'
      ? [
          h('progress', {
            class: 'download',
            'aria-label': t('import.progress'),
            max: view.total ?? undefined,
            value: view.total ? (view.loaded ?? 0) : undefined,
          }),
          view.loaded ? h('p', { class: 'progress-text' }, t('import.downloaded', { kb: kb(view.loaded) })) : null,
        ]
      : null,
  ];
}

export interface FailedView {
  error: ErrorMessage;
  onRetry: () => void;
  onHome: () => void;
}

export function failedScreen({ t }: ViewContext, view: FailedView): Child[] {
  return [
    h('h1', { tabindex: -1 }, t('import.failedTitle')),
    h('p', { class: 'error', role: 'alert', 'data-error': view.error.key }, t(view.error.key, view.error.params)),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: view.onRetry }, t('import.retry')),
      h('button', { type: 'button', class: 'secondary', onclick: view.onHome }, t('import.home')),
    ),
  ];
}
