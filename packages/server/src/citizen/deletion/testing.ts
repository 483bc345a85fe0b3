/**
 * Test support for deletion requests: an app registered with a deletion webhook and receipt key,
 * consents of two citizens to it, and a real webhook receiver (an HTTP server that verifies each
 * attempt with the function it is given, the SDK's helper in tests, deduplicates by webhook id and
 * records what it got).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerApp } from '../../auth/clients/apps.js';
import { registerOrganisation } from '../../auth/clients/organisations.js';
import { insertConsent } from '../../consent/repository.js';
import { type Database, findCitizenByNationalId, listPersonas } from '../../db/index.js';

export interface DeletionFixture {
  clientId: string;
  /** The private receipt key (Ed25519 JWK) the app signs receipts with. */
  receiptKey: Record<string, string>;
  /** A小姐's and B爺爺's internal ids, and a consent of each to the app. */
  citizens: { a: number; b: number };
  consents: { a: string; b: string };
}

/**
 * Registers a sandbox app with `webhookUrl` and gives it one consent from each of the first two
 * personas. The database must hold the personas (`fixturePopulation` seeds them first).
 *
 * @example
 * ```ts
 * const f = await deletionFixture(db, { webhookUrl: receiver.url });
 * await createDeletionRequest(db, { citizenId: f.citizens.a, consentId: f.consents.a }, clock);
 * ```
 */
export async function deletionFixture(
  db: Database,
  opts: { webhookUrl: string; clientId?: string; now?: number },
): Promise<DeletionFixture> {
  const now = opts.now ?? Date.now();
  const clientId = opts.clientId ?? 'deletion-test-app';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = 'receipts-1';
  const receiptKey = { ...(privateKey.export({ format: 'jwk' }) as Record<string, string>), kid };
  const org = await registerOrganisation(db, { type: 'company', name: '刪除測試股份有限公司', identifier: '04595257' });
  await registerApp(db, {
    clientId,
    organisationId: org.id,
    name: { 'zh-TW': '刪除測試 App', en: 'Deletion test app' },
    purpose: { 'zh-TW': '測試刪除請求。', en: 'To test deletion requests.' },
    privacyPolicyUrl: 'https://app.example.test/privacy',
    supportContact: 'help@app.example.test',
    redirectUris: ['https://app.example.test/callback'],
    clientType: 'public',
    categories: ['lab', 'outpatient'],
    environment: 'sandbox',
    deletionWebhookUrl: opts.webhookUrl,
    receiptJwks: { keys: [{ ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid }] },
  });
  const personas = await listPersonas(db);
  const [a, b] = await Promise.all(personas.slice(0, 2).map((p) => findCitizenByNationalId(db, p.nationalId)));
  if (!a || !b) throw new Error('the database needs the personas');
  const consent = (citizenId: number, n: number) =>
    insertConsent(db, {
      citizenId,
      clientId,
      grantId: `grant_${clientId}_${citizenId}_${n}`,
      requestedCategories: ['lab', 'outpatient'],
      terms: {
        categories: ['lab'],
        period: '5y',
        excludedInstitutions: [],
        duration: 'once',
        expiresAt: now + 24 * 60 * 60 * 1000,
      },
      createdAt: now,
    });
  const [ca, cb] = [await consent(a.id, 1), await consent(b.id, 1)];
  return { clientId, receiptKey, citizens: { a: a.id, b: b.id }, consents: { a: ca.id, b: cb.id } };
}

/**
 * What the receiver does with an attempt: answer with a status (and a JSON body), or process it
 * and never answer ('hang': as if the answer were lost).
 */
export type ReceiverAnswer = { status: number; json?: unknown } | 'hang';

/** What a verified webhook asked. */
export interface ReceivedEvent {
  webhookId: string;
  deletionRequestId: string;
  consentId: string;
}

/**
 * Verifies one attempt (the test passes the SDK's `verifyDeletionRequest`): with `dedupe`, throws
 * an error whose `code` is `webhook_replayed` for an id already processed.
 */
export type VerifyWebhook = (
  headers: IncomingMessage['headers'],
  body: string,
  opts: { dedupe: boolean },
) => Promise<ReceivedEvent>;

export interface TestReceiver {
  url: string;
  /** Every `webhook-id` that arrived with a valid signature, duplicates included, in order. */
  deliveries: string[];
  /** The events processed, once per webhook id (the receiver deduplicates). */
  events: ReceivedEvent[];
  /** Attempts refused by verification, by error code. */
  refused: string[];
  close(): Promise<void>;
}

const codeOf = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? 'error');

/**
 * A webhook receiver on 127.0.0.1: verifies every attempt, answers per `answer(n)` (n counts
 * verified attempts from 1), and on a duplicate id answers 2xx without processing it again, as
 * Standard Webhooks asks of receivers.
 */
export async function startTestReceiver(opts: {
  verify: VerifyWebhook;
  answer?: (attempt: number, event: ReceivedEvent) => ReceiverAnswer;
}): Promise<TestReceiver> {
  const deliveries: string[] = [];
  const events: ReceivedEvent[] = [];
  const refused: string[] = [];
  const hanging = new Set<ServerResponse>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, json?: unknown) => {
      res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    let event: ReceivedEvent;
    try {
      event = await opts.verify(req.headers, body, { dedupe: false });
    } catch (error) {
      refused.push(codeOf(error));
      return send(400);
    }
    deliveries.push(event.webhookId);
    const reply = opts.answer?.(deliveries.length, event) ?? { status: 204 };
    // 'hang' processes, then never answers: the receiver did its work and its answer is lost.
    if (reply === 'hang' || (reply.status >= 200 && reply.status < 300)) {
      try {
        events.push(await opts.verify(req.headers, body, { dedupe: true }));
      } catch (error) {
        // A redelivery of what was already handled: acknowledged again, processed no more.
        if (codeOf(error) !== 'webhook_replayed') throw error;
      }
    }
    if (reply === 'hang') {
      hanging.add(res);
      return;
    }
    send(reply.status, reply.json);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/deletion`,
    deliveries,
    events,
    refused,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
