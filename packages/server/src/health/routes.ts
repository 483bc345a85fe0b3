import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';

/** Liveness and readiness in one: the platform is healthy when its database answers. */
export function registerHealthRoutes(app: FastifyInstance, db: Database): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(db.kysely);
    } catch {
      throw new ProblemError('database_unavailable');
    }
    return reply.header('cache-control', 'no-store').send({ status: 'ok', database: db.dialect });
  });
}
