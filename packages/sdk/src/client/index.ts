/**
 * The app-facing API, shaped like the original SDK's: `configure`, `start`, `handleRedirect`,
 * `fetchData`, `revoke`. The free functions act on the client the last `configure()` made.
 */
import { Client } from './client.js';
import type {
  ClientOptions,
  ContentFormat,
  DataOf,
  FetchDataOptions,
  HealthBankClient,
  StartOptions,
  StartResult,
  Ticket,
} from './types.js';

export { IndexedDbStore, MemoryStore, type SdkStore } from './store.js';
export type * from './types.js';

let current: HealthBankClient | undefined;

/**
 * Makes the client for one platform and app (and remembers it for the free functions).
 *
 * @example
 * const hb = configure({
 *   issuer: 'https://healthbank.example.tw',
 *   clientId: 'diabetes-diary',
 *   redirectUri: 'https://diary.example.tw/callback',
 * });
 */
export function configure(options: ClientOptions): HealthBankClient {
  current = new Client(options);
  return current;
}

function configured(): HealthBankClient {
  if (!current) throw new Error('call configure() first');
  return current;
}

/** `start` of the last configured client. */
export function start(options: StartOptions): Promise<StartResult> {
  return configured().start(options);
}

/** `handleRedirect` of the last configured client. */
export function handleRedirect(url: string | URL): Promise<Ticket> {
  return configured().handleRedirect(url);
}

/** `fetchData` of the last configured client. */
export function fetchData<F extends ContentFormat = 'records'>(
  ticket: Ticket | string,
  options?: FetchDataOptions<F>,
): Promise<DataOf<F>> {
  return configured().fetchData(ticket, options);
}

/** `revoke` of the last configured client. */
export function revoke(): Promise<void> {
  return configured().revoke();
}
