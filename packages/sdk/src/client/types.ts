/** The SDK's public types: what an app passes in and what it gets back. */
import type { CategoryId, ExportClaims, Fhir, MhbFile, RecordsByCategory } from '@healthbank/records';
import type { SdkStore } from './store.js';

/** A `fetch` the SDK calls instead of the global one (e.g. to add logging or a proxy). */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** The platform's issuer identifier, e.g. `https://healthbank.example.tw` (discovery lives under it). */
  issuer: string;
  /** The app's `client_id`, as registered. */
  clientId: string;
  /** Where the platform sends the browser back after consent; must be registered exactly. */
  redirectUri: string;
  /** Where device keys, the pending authorization and tokens live; default IndexedDB in browsers, memory elsewhere. */
  store?: SdkStore;
  /** Custom fetch; default the global one. */
  fetch?: FetchFunction;
  /** The consent pages' language (`ui_locales`); default the citizen's browser setting. */
  locale?: 'zh-TW' | 'en';
  /**
   * A confidential client's backend (docs/sdk.md, "Apps with a backend"): the address the SDK sends
   * its pushed authorization, token and revocation requests to, as `<tokenMediator>/par`, `/token`
   * and `/revoke`, unchanged (DPoP proofs still name the platform's endpoints). The backend adds
   * its `private_key_jwt` client authentication and forwards them (`@healthbank/sdk/backend`).
   */
  tokenMediator?: string;
}

/** How far back the records go: the last 1, 3 or 5 years, everything, or fixed dates (inclusive). */
export type PeriodRequest = { years: 1 | 3 | 5 } | 'all' | { from: string; to: string };

/** Once (a ticket valid 24 h), or ongoing access for 1, 3, 6 or 12 months. */
export type DurationRequest = 'one_time' | { months: 1 | 3 | 6 | 12 };

export interface StartOptions {
  /** The record categories the app asks for (each must be approved for the app). */
  categories: readonly CategoryId[];
  /** The app's suggestion; the citizen decides on the consent page. */
  period?: PeriodRequest;
  /** The app's suggestion; the citizen decides on the consent page. */
  duration?: DurationRequest;
  /** Open the consent pages (`location.assign`); default true where there is a `location`. */
  navigate?: boolean;
}

export interface StartResult {
  /** The consent pages' address (for an app that opens it itself, e.g. in a system browser). */
  authorizationUrl: string;
}

/** What the app fetches files with after consent. */
export interface Ticket {
  id: string;
  /** ISO 8601 instant: 24 h after issue for a one-time consent, never past the consent. */
  expiresAt: string;
  /** The categories the citizen agreed to (possibly fewer than asked). */
  categories: CategoryId[];
  consentId: string;
  /** True for an ongoing consent: the SDK renews an expired ticket by itself. */
  ongoing: boolean;
}

export type ContentFormat = 'records' | 'fhir' | 'mhb';

export interface Progress {
  /** Bytes received so far. */
  loaded: number;
  /** Bytes in all, when the platform said. */
  total?: number;
}

export interface FetchDataOptions<F extends ContentFormat = ContentFormat> {
  /** Default `records`. */
  format?: F;
  /** Called as the file arrives. */
  onProgress?: (progress: Progress) => void;
  /** Aborts the download. */
  signal?: AbortSignal;
  /**
   * Keep the signed export (`signed`): the decrypted claims and content exactly as the platform
   * signed them, for the app's backend to verify again (`openSignedExport`) instead of trusting
   * what the device says.
   */
  keepSigned?: boolean;
}

interface DataBase {
  /** The platform's signed statement about the file: issuer, app, subject, consent, counts, digest. */
  claims: ExportClaims;
  /** The ticket the file was fetched with (a renewed one for an ongoing consent). */
  ticket: Ticket;
  /** With `keepSigned`: the signed export, for the app's backend. */
  signed?: Uint8Array;
}

export interface RecordsData extends DataBase {
  format: 'records';
  /** One array per consented category, each validated against its record schema. */
  records: RecordsByCategory;
}

export interface FhirData extends DataBase {
  format: 'fhir';
  /** A FHIR R4 Bundle (type `collection`) following TW Core. */
  bundle: Fhir.Bundle;
}

export interface MhbData extends DataBase {
  format: 'mhb';
  /** NHI's own `{"myhealthbank":{"bdata":{…}}}` layout. */
  json: MhbFile;
}

export type ExportData = RecordsData | FhirData | MhbData;

/** The data type for a format. */
export type DataOf<F extends ContentFormat> = Extract<ExportData, { format: F }>;

/** What `configure()` returns. */
export interface HealthBankClient {
  readonly options: Readonly<ClientOptions>;
  start(options: StartOptions): Promise<StartResult>;
  handleRedirect(url: string | URL): Promise<Ticket>;
  fetchData<F extends ContentFormat = 'records'>(
    ticket: Ticket | string,
    options?: FetchDataOptions<F>,
  ): Promise<DataOf<F>>;
  revoke(): Promise<void>;
  /** Sandbox only: judges the platform's tampered test files for the integration checklist. */
  checkTestFiles(ticket: Ticket | string): Promise<{ correct: number; total: number }>;
}
