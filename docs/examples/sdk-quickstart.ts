import { configure, type HealthBankClient, isSdkError, type LabRecord, type Ticket } from '@healthbank/sdk';

/** One point of a lab trend. */
export interface Point {
  date: string;
  value: number;
  unit: string;
}

/** At start-up: one client per platform and app. */
export function createClient(issuer: string): HealthBankClient {
  return configure({
    issuer,
    clientId: 'diabetes-diary',
    redirectUri: `${issuer}/examples/diabetes-diary/callback`,
    locale: 'zh-TW',
  });
}

/** On the "connect" button: the browser goes to the platform's sign-in and consent pages. */
export async function connect(hb: HealthBankClient): Promise<string> {
  const { authorizationUrl } = await hb.start({
    categories: ['lab', 'outpatient'],
    period: { years: 5 },
    duration: { months: 12 },
  });
  return authorizationUrl;
}

/** On the callback page: finish the authorization and keep the ticket. */
export async function finishConnect(hb: HealthBankClient, url: string): Promise<Ticket | 'declined'> {
  try {
    return await hb.handleRedirect(url);
  } catch (error) {
    if (isSdkError(error, 'declined')) return 'declined';
    throw error;
  }
}

const LOINC = { hba1c: '4548-4', fastingGlucose: '1558-6' } as const;

function trend(labs: readonly LabRecord[], loinc: string): Point[] {
  return labs
    .filter((r) => r.loinc === loinc && r.quantity !== undefined)
    .map((r) => ({ date: r.date, value: r.quantity?.value ?? Number.NaN, unit: r.quantity?.unit ?? '' }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

/** Whenever the diary syncs: verified, decrypted records, then the two trends it charts. */
export async function loadTrends(
  hb: HealthBankClient,
  ticket: Ticket,
  onProgress?: (percent: number) => void,
): Promise<{ hba1c: Point[]; fastingGlucose: Point[] } | { retryAfter: number } | { reconnect: true }> {
  try {
    const { records } = await hb.fetchData(ticket, {
      format: 'records',
      onProgress: ({ loaded, total }) => total && onProgress?.(Math.round((loaded / total) * 100)),
    });
    const labs = records.lab ?? [];
    return { hba1c: trend(labs, LOINC.hba1c), fastingGlucose: trend(labs, LOINC.fastingGlucose) };
  } catch (error) {
    if (isSdkError(error, 'busy') || isSdkError(error, 'rate_limited')) return { retryAfter: error.retryAfter ?? 60 };
    // The consent is over: ask the citizen again with connect().
    if (isSdkError(error, 'revoked') || isSdkError(error, 'ticket_expired') || isSdkError(error, 'consent_expired')) {
      return { reconnect: true };
    }
    throw error;
  }
}

/** On "disconnect": the platform revokes the consent at once. */
export async function disconnect(hb: HealthBankClient): Promise<void> {
  await hb.revoke();
}
