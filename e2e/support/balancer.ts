/**
 * A load balancer for tests: one origin (the issuer every client and browser sees) in front of
 * several server processes, where the test chooses which process answers each request, and every
 * request is logged with the process that answered it. HTTP-level, one upstream connection per
 * request, so a kept-alive client connection never pins a process.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  backend: string;
  method: string;
  /** The path without its query. */
  path: string;
  status: number;
}

export interface Balancer {
  url: string;
  /** Picks the backend (a key of `backends`) for a request; the test changes it as it goes. */
  route: (method: string, path: string) => string;
  /** Every request answered, in order. */
  readonly served: Served[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: any) and forwards to `backends` (name → port on 127.0.0.1). */
export async function startBalancer(backends: Record<string, number>, port = 0): Promise<Balancer> {
  const served: Served[] = [];
  const balancer: Balancer = {
    url: '',
    route: () => Object.keys(backends)[0] ?? '',
    served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const backend = balancer.route(method, path);
    const target = backends[backend];
    if (target === undefined) {
      res.writeHead(502).end(`no backend ${backend}`);
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target, method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        served.push({ backend, method, path, status: answer.statusCode ?? 0 });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      served.push({ backend, method, path, status: 502 });
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  // Requests of a test are short; idle client connections are closed at once on `close()`.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = balancer.close;
  balancer.close = () => {
    server.closeAllConnections();
    return close();
  };
  return balancer;
}
