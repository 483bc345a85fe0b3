/** How the export API answers a refused token or DPoP proof (RFC 9449 §7.1). */
import type { FastifyReply } from 'fastify';
import { AccessError, DPOP_ALGS } from '../auth/resource/verify-access.js';
import { ProblemError } from '../errors/problems.js';

/** Runs a check and turns an `AccessError` into a 401 with its RFC 9449 §7.1 challenge. */
export async function authorize<T>(check: () => Promise<T>, reply: FastifyReply): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof AccessError)) throw error;
    throw challenge(reply, error);
  }
}

export function challenge(reply: FastifyReply, error: AccessError): ProblemError {
  reply.header(
    'www-authenticate',
    `DPoP error="${error.code}", error_description="${error.description.replace(/["\\]/g, '')}", algs="${DPOP_ALGS.join(' ')}"`,
  );
  return new ProblemError(error.code, error.description);
}
