/**
 * Cross-origin access to the export API and its JWKS, for apps that run in a browser on their own
 * origin. Any origin may call: nothing here rides on cookies (requests carry a DPoP-bound token or
 * a DPoP-bound ticket, never ambient credentials), so `*` without credentials grants no more than
 * a server-side client already has (Fetch standard, CORS protocol and credentials).
 */
import type { FastifyInstance } from 'fastify';
import { EXPORT_API_PATH } from '../auth/provider/routes.js';

const pathOf = (url: string) => url.split('?', 1)[0] ?? url;

/** Adds CORS headers to every answer under `/api/export/` and at `jwksPath`, and answers preflights. */
export function registerExportCors(app: FastifyInstance, jwksPath: string): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url);
    if (!path.startsWith(`${EXPORT_API_PATH}/`) && path !== jwksPath) return;
    reply.header('access-control-allow-origin', '*');
    // Let a script read the retry time, the DPoP challenge and the size (for progress).
    reply.header('access-control-expose-headers', 'retry-after, www-authenticate, content-length, dpop-nonce');
  });
  app.options(`${EXPORT_API_PATH}/*`, async (_request, reply) =>
    reply
      .status(204)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'authorization, dpop, content-type')
      .header('access-control-max-age', '600')
      .send(),
  );
}
