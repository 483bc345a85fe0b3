import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/**
 * A request whose body has already been read, readable again: Fastify parses the form of an OAuth
 * request so the platform can check it first, and oidc-provider then reads the same bytes from this
 * stream as it would from the socket. It carries what Koa reads from a request (headers, method,
 * URL, HTTP version, socket); nothing else of the original is needed.
 */
export function replayedRequest(original: IncomingMessage, body: Buffer): IncomingMessage {
  const stream = new Readable({ read() {} });
  stream.push(body);
  stream.push(null);
  return Object.assign(stream, {
    headers: original.headers,
    rawHeaders: original.rawHeaders,
    method: original.method,
    url: original.url,
    httpVersion: original.httpVersion,
    httpVersionMajor: original.httpVersionMajor,
    httpVersionMinor: original.httpVersionMinor,
    socket: original.socket,
    complete: true,
  }) as unknown as IncomingMessage;
}
