/**
 * Deletion requests, the device's part. The diary keeps her data on this device only, so when
 * she asks My Health Bank to have it deleted, the diary's backend records the order (it received
 * the platform's signed webhook, `backend/deletion.ts`) and the diary carries it out here the next
 * time it opens: it erases its store, then reports the deletion, and the backend sends the
 * platform its signed receipt. A report that fails (offline) is retried at the next open.
 */
import { clearImport } from './storage.js';

const PENDING_KEY = 'diabetes-diary.deletion-reported';

const api = (base: URL, consentId: string, suffix = '') =>
  new URL(`api/deletion-orders/${encodeURIComponent(consentId)}${suffix}`, base);

/** True when the backend holds a deletion order for the consent the stored data came from. */
export async function deletionOrdered(base: URL, consentId: string): Promise<boolean> {
  try {
    const response = await fetch(api(base, consentId), { headers: { accept: 'application/json' } });
    return response.ok;
  } catch {
    // Offline: nothing is known to be ordered; the next open asks again.
    return false;
  }
}

/** Reports the deletion done; true once the backend confirmed it passed on the receipt. */
async function report(base: URL, consentId: string): Promise<boolean> {
  try {
    const response = await fetch(api(base, consentId, '/deleted'), { method: 'POST' });
    // 404: the backend no longer holds the order (already reported).
    return response.ok || response.status === 404;
  } catch {
    return false;
  }
}

/** Erases the imported data, then reports it; an unsent report is kept for the next open. */
export async function carryOutDeletion(base: URL, consentId: string): Promise<void> {
  localStorage.setItem(PENDING_KEY, consentId);
  await clearImport();
  if (await report(base, consentId)) localStorage.removeItem(PENDING_KEY);
}

/** Sends a report that could not be sent before (the data is already gone). */
export async function retryDeletionReport(base: URL): Promise<void> {
  const consentId = localStorage.getItem(PENDING_KEY);
  if (consentId && (await report(base, consentId))) localStorage.removeItem(PENDING_KEY);
}
