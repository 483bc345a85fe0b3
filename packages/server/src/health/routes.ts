import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { UNAVAILABLE_RETRY_AFTER_S } from '../db/availability.js';
import type { Database } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';

/**
 * Liveness and readiness in one: the platform is healthy when its database answers. With a read
 * replica (`DATABASE_REPLICA_URL`, db/replica.ts) the answer also says where the replica stands,
 * as one coarse word (`in_use`, `lagging`, `unreachable`, `retired`, `starting`): never its
 * address or lag, which the endpoint's anonymous callers have no use for (ASVS V14.3: no
 * unintended disclosure of the deployment's internals). A replica out of use leaves the platform
 * healthy: the primary serves its reads. Its transitions are logged by the first app served over
 * the database.
 */
export function registerHealthRoutes(app: FastifyInstance, db: Database): void {
  const reads = db.reads;
  if (reads) {
    const stopLogging = reads.logTo(app.log);
    app.addHook('onClose', async () => stopLogging());
  }
  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(db.kysely);
    } catch {
      // A load balancer takes the instance out; a client learns when to look again (RFC 9110 §10.2.3).
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S.unavailable)).header('cache-control', 'no-store');
      throw new ProblemError('database_unavailable');
    }
    return reply
      .header('cache-control', 'no-store')
      .send({ status: 'ok', database: db.dialect, ...(reads ? { replica: reads.state } : {}) });
  });
}
