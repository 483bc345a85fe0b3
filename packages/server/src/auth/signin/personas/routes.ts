/**
 * The sandbox persona picker: sign in as A小姐, B爺爺 or a C職場 employee without any proof of
 * identity. It exists only in a sandbox (elsewhere the route is not registered at all, a 404), and
 * even there it signs in only the personas' synthetic citizens: any other national ID, however
 * real its owner, is refused (ASVS V2.1: no sign-in without proof, outside synthetic data).
 */
import type { FastifyInstance } from 'fastify';
import { findCitizenByNationalId } from '../../../db/index.js';
import { requireCsrf } from '../../../security/csrf.js';
import { type SigninContext, withinIpLimit } from '../context.js';
import { field, interactionOf } from '../http.js';
import { IP_PASSKEY_LIMIT } from '../limits.js';
import { allowOwnScript } from '../script-policy.js';
import { renderSignin } from '../signin-routes.js';

/** Amr of a sandbox persona sign-in: no real proof of identity took place. */
export const SANDBOX_AMR = ['sandbox'];

/** Registers `POST /signin/:uid/persona` when the platform is a sandbox; otherwise nothing. */
export function registerPersonaRoute(app: FastifyInstance, ctx: SigninContext): void {
  if (!ctx.config.sandbox) return;
  app.post(
    '/signin/:uid/persona',
    { preHandler: requireCsrf(ctx.csrf), onSend: allowOwnScript },
    async (request, reply) => {
      const uid = interactionOf(request);
      if (!(await withinIpLimit(ctx, request, reply, 'persona', IP_PASSKEY_LIMIT, uid))) return reply;
      const nationalId = field(request, 'nationalId').toUpperCase();
      const citizen = /^[A-Z][0-9]{9}$/.test(nationalId)
        ? await findCitizenByNationalId(ctx.db, nationalId, { synthetic: true })
        : undefined;
      if (!citizen?.persona) return renderSignin(ctx, request, reply, uid, { personaError: true }, 400);
      return ctx.onSignedIn(request, reply, uid, { citizenId: citizen.id, amr: SANDBOX_AMR });
    },
  );
}
