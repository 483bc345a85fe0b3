/**
 * The citizen's device in an app with a backend: the SDK connects through the backend (token
 * mediation), fetches the file, and uploads the signed export for the backend to verify and keep.
 * The backend answers the first upload with a device token, kept in this origin's storage, which
 * the device shows for everything afterwards (what was shared, stop sharing).
 */
import {
  type CategoryId,
  configure,
  type DurationRequest,
  type HealthBankClient,
  isSdkError,
  type Ticket,
} from '@healthbank/sdk';

export interface AppConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  tokenMediator: string;
}

/** What the backend holds for this device. */
export interface Shared {
  categories: CategoryId[];
  counts: Record<string, number>;
  receivedAt: string;
  consentId: string;
  [extra: string]: unknown;
}

export type Lang = 'zh-TW' | 'en';

const TOKEN = 'device-token';
const PENDING = 'pending-details';
const TICKET = 'ticket';

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return (await response.json()) as AppConfig;
}

export function clientFor(config: AppConfig, lang: Lang): HealthBankClient {
  return configure({ ...config, locale: lang });
}

export const deviceToken = (): string | null => localStorage.getItem(TOKEN);

/** Keeps what the citizen chose until the platform sends the browser back, then goes to consent. */
export async function connect(
  hb: HealthBankClient,
  categories: CategoryId[],
  duration: DurationRequest,
  details: Record<string, string>,
): Promise<void> {
  sessionStorage.setItem(PENDING, JSON.stringify(details));
  await hb.start({ categories, period: { years: 5 }, duration });
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const token = deviceToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(path, { ...init, headers });
}

/** Sends the signed export of a fresh file to the backend. */
async function upload(hb: HealthBankClient, ticket: Ticket | string, onProgress: (p: number) => void): Promise<Shared> {
  const data = await hb.fetchData(ticket, {
    keepSigned: true,
    onProgress: ({ loaded, total }) => onProgress(total ? Math.round((loaded / total) * 90) : 50),
  });
  const details = new URLSearchParams(JSON.parse(sessionStorage.getItem(PENDING) ?? '{}') as Record<string, string>);
  const response = await api(`/api/uploads?${details}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: data.signed as Uint8Array<ArrayBuffer>,
  });
  if (!response.ok)
    throw new Error(((await response.json().catch(() => ({}))) as { code?: string }).code ?? 'upload_failed');
  const answer = (await response.json()) as { device_token?: string; shared: Shared };
  if (answer.device_token) localStorage.setItem(TOKEN, answer.device_token);
  // The SDK renews an ongoing consent's ticket by itself; keep the newest for the next refresh.
  localStorage.setItem(TICKET, data.ticket.id);
  sessionStorage.removeItem(PENDING);
  onProgress(100);
  return answer.shared;
}

/** On the redirect URI: finish the authorization, then fetch and upload the file. */
export async function finishConnect(
  hb: HealthBankClient,
  url: string,
  onProgress: (p: number) => void,
): Promise<Shared | 'declined'> {
  let ticket: Ticket;
  try {
    ticket = await hb.handleRedirect(url);
  } catch (error) {
    if (isSdkError(error, 'declined')) return 'declined';
    throw error;
  }
  return upload(hb, ticket, onProgress);
}

/** Fetches a new file under the same consent (the SDK renews the ticket) and uploads it. */
export async function refresh(hb: HealthBankClient, onProgress: (p: number) => void): Promise<Shared> {
  const ticket = localStorage.getItem(TICKET);
  if (!ticket) throw new Error('not_connected');
  return upload(hb, ticket, onProgress);
}

/** What the backend holds for this device, or undefined when it holds nothing. */
export async function shared(): Promise<Shared | undefined> {
  if (!deviceToken()) return undefined;
  const response = await api('/api/me');
  if (response.status === 401 || response.status === 404) {
    localStorage.removeItem(TOKEN);
    return undefined;
  }
  if (!response.ok) throw new Error('backend_unavailable');
  return (await response.json()) as Shared;
}

/** Revokes the consent on the platform, then has the backend delete everything it kept. */
export async function stopSharing(hb: HealthBankClient): Promise<void> {
  await hb.revoke();
  const response = await api('/api/me', { method: 'DELETE' });
  if (!response.ok && response.status !== 404 && response.status !== 401) throw new Error('delete_failed');
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(TICKET);
}

/** A small DOM builder: `el('p', { class: 'x' }, 'text', child)`. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children);
  return node;
}
