/**
 * Test support for the delivery channels: a real SMTP server (smtp-server) that keeps what it
 * receives, decoded, and a real HTTP server standing in for the SMS hook. Both listen on
 * 127.0.0.1 on a free port. Never imported by production code.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ThrowawayCertificate } from '../../../security/testing-tls.js';
import type { CodeMessage } from './channel.js';

/** How long a test waits for a message before failing (delivery is fire-and-forget). */
const WAIT_MS = 10_000;

/** Items in arrival order; `next()` hands out each one once, waiting for it if need be. */
/** A code message as `OneTimeCodes` hands it to a channel, for channel tests. */
export const TEST_CODE_MESSAGE: CodeMessage = {
  challengeId: 'c1',
  citizenId: 7,
  nationalId: 'A123456789',
  code: '042137',
  expiresAt: 1_000,
  locale: 'zh-TW',
};

export class Arrivals<T> {
  readonly all: T[] = [];
  private taken = 0;
  private waiters: (() => void)[] = [];

  push(item: T): void {
    this.all.push(item);
    for (const wake of this.waiters.splice(0)) wake();
  }

  async next(timeoutMs = WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.taken >= this.all.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('nothing arrived in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.all[this.taken++] as T;
  }
}

export interface ReceivedMail {
  /** The SMTP envelope (MAIL FROM, RCPT TO). */
  envelope: { from: string; to: string[] };
  /** Whether the session was encrypted (implicit TLS or STARTTLS). */
  secure: boolean;
  /** Header names in lower case, values unfolded and decoded (RFC 2047). */
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  mail: Arrivals<ReceivedMail>;
  /** Every MAIL FROM the server saw, with whether its session was encrypted then. */
  mailFrom: { address: string; secure: boolean }[];
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** The server's certificate; without one STARTTLS is not offered at all. */
  tls?: ThrowawayCertificate;
  /** Implicit TLS from the first byte (smtps); needs `tls`. */
  implicit?: boolean;
  /** Rejects RCPT TO with this reply text (e.g. one that quotes the address, as relays do). */
  rejectRecipient?: (address: string) => string | undefined;
}

/** A real SMTP server that accepts any message without authentication and keeps it, decoded. */
export async function startSmtpServer(opts: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const mail = new Arrivals<ReceivedMail>();
  const mailFrom: TestSmtpServer['mailFrom'] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    secure: opts.implicit ?? false,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    onMailFrom(address, session, callback) {
      mailFrom.push({ address: address.address, secure: session.secure });
      callback();
    },
    onRcptTo(address, _session, callback) {
      const reason = opts.rejectRecipient?.(address.address);
      if (reason === undefined) return callback();
      const error = Object.assign(new Error(reason), { responseCode: 550 });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        mail.push({
          envelope: { from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
          secure: session.secure,
          ...parseMessage(raw),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    mail,
    mailFrom,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface HookRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestSmsHook {
  url: string;
  requests: Arrivals<HookRequest>;
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for the SMS gateway's hook. `respond` answers each request
 * (default 204); returning `'hang'` never answers.
 */
export async function startSmsHook(
  respond: (request: HookRequest, response: ServerResponse) => number | 'hang' | undefined = () => 204,
): Promise<TestSmsHook> {
  const requests = new Arrivals<HookRequest>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const status = respond(request, res);
      if (status === 'hang') return;
      if (status !== undefined) res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headers, subject and the text and HTML bodies of a MIME message (enough for nodemailer's output). */
function parseMessage(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'text' | 'html'> {
  const { headers, body } = splitEntity(raw);
  const leaves = leafParts(headers, body);
  const part = (type: string) => leaves.find((p) => p.type === type)?.content ?? '';
  return { headers, subject: headers.get('subject') ?? '', text: part('text/plain'), html: part('text/html') };
}

function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.search(/\r?\n\r?\n/);
  const head = end < 0 ? entity : entity.slice(0, end);
  const body = end < 0 ? '' : entity.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function leafParts(headers: Map<string, string>, body: string): { type: string; content: string }[] {
  const contentType = headers.get('content-type') ?? 'text/plain';
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) return [];
    const sections = body.split(`--${boundary}`).slice(1);
    return sections
      .filter((s) => !s.startsWith('--'))
      .flatMap((section) => {
        const part = splitEntity(section.replace(/^\r?\n/, ''));
        return leafParts(part.headers, part.body);
      });
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const content =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? qpBytes(body.replace(/=\r?\n/g, '')).toString('utf8')
        : body;
  return [{ type, content: content.replace(/\r\n/g, '\n') }];
}

/** RFC 2047 encoded words; adjacent ones are joined before decoding, since a character may span two. */
function decodeWords(value: string): string {
  const word = /=\?[^?]+\?([QqBb])\?([^?]*)\?=/g;
  return value.replace(/=\?[^?]+\?[QqBb]\?[^?]*\?=(?:\s+=\?[^?]+\?[QqBb]\?[^?]*\?=)*/g, (run) => {
    const bytes = [...run.matchAll(word)].map(([, enc, data = '']) =>
      enc?.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data.replace(/_/g, ' ')),
    );
    return Buffer.concat(bytes).toString('utf8');
  });
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}
