/**
 * Test support for production over TLS: a throwaway certificate for `localhost` and `127.0.0.1`,
 * made at test time and never written to the repository (for the platform behind its proxy, the
 * SMTP relay, the upstream identity provider), a TLS-terminating proxy, and a fetch that trusts it.
 */
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import selfsigned from 'selfsigned';

export interface ThrowawayCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate; it is its own issuer, so it is also the CA to trust. */
  cert: string;
}

/** A self-signed EC P-256 certificate for localhost, valid one day. */
export async function throwawayCertificate(): Promise<ThrowawayCertificate> {
  const now = new Date();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 24 * 60 * 60_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export interface TlsProxy {
  /** `https://localhost:<port>`, the public URL clients use. */
  url: string;
  close(): Promise<void>;
}

/** Where the proxy connects to the platform from: a loopback address of its own, apart from clients'. */
export const TLS_PROXY_ADDRESS = '127.0.0.2';

/**
 * A TLS-terminating reverse proxy, as production runs behind: it answers HTTPS with the given
 * certificate and forwards to `target` over plain HTTP from {@link TLS_PROXY_ADDRESS} (so that
 * `TRUSTED_PROXIES` can name the proxy without naming its clients, who are on 127.0.0.1),
 * appending the client's address to `X-Forwarded-For` (what nginx's
 * `$proxy_add_x_forwarded_for` does) and naming the protocol and host it was reached with.
 */
export async function startTlsProxy(target: string, certificate: ThrowawayCertificate): Promise<TlsProxy> {
  const upstream = new URL(target);
  const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const proxied = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        localAddress: TLS_PROXY_ADDRESS,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-for': forwardedFor,
          'x-forwarded-proto': 'https',
          'x-forwarded-host': req.headers.host ?? '',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    proxied.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A `fetch` that trusts `ca` (Node's own fetch takes no CA option before Node 22), for clients in
 * tests that talk to servers with a throwaway certificate. Redirects are not followed.
 */
export function fetchTrusting(ca: string): typeof fetch {
  return async (input, init = {}) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers = Object.fromEntries(request.headers);
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: request.method, headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const answer = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            answer.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
          }
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 304 || request.method === 'HEAD';
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: answer }));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}
