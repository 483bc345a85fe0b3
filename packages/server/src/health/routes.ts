import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { UNAVAILABLE_RETRY_AFTER_S } from '../db/availability.js';
import type { Database } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';

/** Liveness and readiness in one: the platform is healthy when its database answers. */
export function registerHealthRoutes(app: FastifyInstance, db: Database): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(db.kysely);
    } catch {
      // A load balancer takes the instance out; a client learns when to look again (RFC 9110 §10.2.3).
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S.unavailable)).header('cache-control', 'no-store');
      throw new ProblemError('database_unavailable');
    }
    return reply.header('cache-control', 'no-store').send({ status: 'ok', database: db.dialect });
  });
}
