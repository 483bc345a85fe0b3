/** One file an app received, and one deletion request: every fact the platform keeps about each. */
import { getCategory } from '@healthbank/records';
import { CHECKPOINT_EVERY_MS, type CitizenProof } from '../../audit/index.js';
import { EXPORT_JWKS_PATH, type ExportEntry } from '../../export/index.js';
import { displayInstant } from '../../pages/dates.js';
import { html } from '../../pages/html.js';
import { formatNumber } from '../../pages/i18n.js';
import type { DeletionRequest } from '../deletion/index.js';
import { portalMessages } from '../messages.js';
import { type PortalFrame, portalPage } from './frame.js';
import { periodText } from './history.js';

type Frame = Omit<PortalFrame, 'section' | 'title' | 'body'>;

/** Whether an entry's inclusion proof can be downloaded now (see `citizenProof`). */
export type ProofState = 'ready' | 'pending' | 'pruned';

export const proofState = (found: CitizenProof | undefined): ProofState => found?.state ?? 'pruned';

/**
 * The audit proof of one entry: a download and how to check it without trusting the platform
 * (the CLI or the SDK, with the published keys), or when it will be ready.
 */
function proofSection(t: ReturnType<typeof portalMessages>, state: ProofState, download: string) {
  const body =
    state === 'ready'
      ? html`<p>${t('proof.ready')}</p>
<p><a href="${download}" download data-testid="proof-download">${t('proof.download')}</a></p>
<p>${t('proof.how', { jwks: EXPORT_JWKS_PATH })}</p>
<pre><code>npx healthbank audit check-proof healthbank-proof.json --jwks export-jwks.json</code></pre>
<p>${t('proof.sdk')}</p>`
      : html`<p data-testid="proof-${state}">${
          state === 'pending'
            ? t('proof.pending', { minutes: String(CHECKPOINT_EVERY_MS / 60_000) })
            : t('proof.pruned')
        }</p>`;
  return html`<section aria-labelledby="proof-title"><h2 id="proof-title">${t('proof.title')}</h2>${body}</section>`;
}

export interface ExportView extends Frame {
  entry: ExportEntry;
  appName: string;
  proof: ProofState;
}

export function renderExport(v: ExportView): string {
  const t = portalMessages(v.locale);
  const e = v.entry;
  const title = t('export.title', { app: v.appName, date: displayInstant(v.locale, e.createdAt) });
  const body = html`<p><a href="/me/history">${t('portal.nav.history')}</a></p>
<h1>${title}</h1>
<dl class="facts">
<dt>${t('export.id')}</dt><dd><code>${e.id}</code></dd>
<dt>${t('history.app')}</dt><dd>${v.appName}</dd>
<dt>${t('export.consent')}</dt><dd><a href="/me/consents/${e.consentId}">${e.consentId}</a></dd>
<dt>${t('history.period')}</dt><dd>${periodText(t, e.period)}</dd>
<dt>${t('history.format')}</dt><dd>${t(`format.${e.format}`)}</dd>
<dt>${t('export.size')}</dt><dd>${t('export.bytes', { count: formatNumber(v.locale, e.contentLength) })}</dd>
<dt>${t('history.digest')}</dt><dd><code class="digest" data-testid="digest">${e.contentDigest}</code></dd>
<dt>${t('export.key')}</dt><dd><code>${e.signingKid}</code></dd>
</dl>
<table class="counts">
<caption>${t('export.counts')}</caption>
<thead><tr><th scope="col">${t('records.category')}</th><th scope="col" class="num">${t('records.count')}</th></tr></thead>
<tbody>${e.categories.map(
    (id) =>
      html`<tr><th scope="row">${getCategory(id).name[v.locale]}</th><td class="num" data-category="${id}">${formatNumber(v.locale, e.counts[id] ?? 0)}</td></tr>`,
  )}</tbody>
</table>
${proofSection(t, v.proof, `/me/exports/${e.id}/proof.json`)}`;
  return portalPage({ ...v, section: 'history', title, body });
}

export interface DeletionView extends Frame {
  request: DeletionRequest;
  appName: string;
  proof: ProofState;
}

export function renderDeletionRequest(v: DeletionView): string {
  const t = portalMessages(v.locale);
  const d = v.request;
  const title = t('deletionRequest.title', { app: v.appName });
  const when = (ms: number | null) => (ms === null ? t('deletionRequest.none') : displayInstant(v.locale, ms));
  const body = html`<p><a href="/me/history">${t('portal.nav.history')}</a></p>
<h1>${title}</h1>
<dl class="facts">
<dt>${t('deletionRequest.id')}</dt><dd><code>${d.id}</code></dd>
<dt>${t('history.app')}</dt><dd>${v.appName}</dd>
<dt>${t('export.consent')}</dt><dd><a href="/me/consents/${d.consentId}">${d.consentId}</a></dd>
<dt>${t('history.deletion.status')}</dt><dd><span class="badge ${d.status}" data-testid="deletion-status">${t(`deletion.${d.status}`)}</span></dd>
<dt>${t('history.deletion.requested')}</dt><dd>${displayInstant(v.locale, d.createdAt)}</dd>
<dt>${t('deletionRequest.delivered')}</dt><dd>${when(d.deliveredAt)}</dd>
<dt>${t('deletionRequest.acknowledged')}</dt><dd>${when(d.acknowledgedAt)}</dd>
<dt>${t('history.deletion.due')}</dt><dd>${displayInstant(v.locale, d.dueAt)}</dd>
<dt>${t('deletionRequest.receipt')}</dt><dd>${d.receiptDigest ? html`<code class="digest">${d.receiptDigest}</code>` : t('deletionRequest.none')}</dd>
</dl>
${proofSection(t, v.proof, `/me/deletion-requests/${d.id}/proof.json`)}`;
  return portalPage({ ...v, section: 'history', title, body });
}
