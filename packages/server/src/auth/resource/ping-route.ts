import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../errors/problems.js';
import { EXPORT_API_PATH } from '../provider/routes.js';
import { AccessError, DPOP_ALGS, type VerifyAccessDeps, verifyExportAccess } from './verify-access.js';

/**
 * `GET /api/export/ping`: answers whether a DPoP-bound access token is good for the export API
 * right now, and for which consent. Lets an app (and our tests) check a token without fetching
 * records; it reveals nothing the app did not already choose or receive.
 */
export function registerExportPing(app: FastifyInstance, deps: VerifyAccessDeps): void {
  app.get(`${EXPORT_API_PATH}/ping`, async (request, reply) => {
    try {
      const access = await verifyExportAccess(deps, request);
      reply.header('cache-control', 'no-store');
      return {
        active: true,
        consent_id: access.consent.id,
        client_id: access.clientId,
        scope: access.scopes.join(' '),
        expires_at: new Date(access.consent.expiresAt).toISOString(),
      };
    } catch (error) {
      if (!(error instanceof AccessError)) throw error;
      // RFC 9449 §7.1 / RFC 6750 §3: the challenge names the scheme, the error and the algorithms.
      reply.header(
        'www-authenticate',
        `DPoP error="${error.code}", error_description="${error.description.replace(/["\\]/g, '')}", algs="${DPOP_ALGS.join(' ')}"`,
      );
      throw new ProblemError(error.code, error.description);
    }
  });
}
