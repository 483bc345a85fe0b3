/**
 * oidc-provider's storage adapter on Kysely: one table for every artifact the authorization server
 * persists, on SQLite and PostgreSQL alike.
 *
 * - Ids are stored as SHA-256 digests. For opaque access and refresh tokens and for codes the id is
 *   the credential itself, so a copy of the table must not hand out working tokens (ASVS V6.4.1).
 * - Expired rows are never returned, whatever their payload says, and {@link purgeExpiredArtifacts}
 *   deletes them.
 * - Consuming a code or refresh token is one conditional UPDATE: of two concurrent redemptions only
 *   one succeeds, and the other revokes the whole grant (RFC 6749 §4.1.2 and §10.5, RFC 9700 §4.14.2).
 * - The `Client` model is read from the app registry ({@link findClientMetadata}); it cannot be written.
 */
import { createHash } from 'node:crypto';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/index.js';
import { findClientMetadata } from './clients/client-metadata.js';
import { authKysely } from './tables.js';

/** Models whose consumption redeems a credential: a second redemption is an attack. */
const SINGLE_USE = new Set(['AuthorizationCode', 'RefreshToken']);

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

export interface AdapterOptions {
  db: Database;
  clock?: Clock;
}

/**
 * The adapter class for `new Provider(issuer, { adapter })`; oidc-provider instantiates it once per
 * model name.
 */
export function kyselyAdapter({ db, clock = systemClock }: AdapterOptions): new (model: string) => Adapter {
  const kysely = authKysely(db);

  return class KyselyAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') throw new TypeError('clients are managed in the app registry');
      const row = {
        payload: JSON.stringify(payload),
        // A grant's own row carries its id here too, so revoking the grant deletes it with the rest.
        grant_id: this.model === 'Grant' ? id : (payload.grantId ?? null),
        user_code: payload.userCode ?? null,
        uid: payload.uid ?? null,
        // The payload's own `exp` (epoch seconds) when it has one, so the row expires exactly when
        // oidc-provider considers the artifact expired; otherwise the TTL from now.
        expires_at:
          typeof payload.exp === 'number'
            ? payload.exp * 1000
            : expiresIn === undefined
              ? null
              : clock.now() + expiresIn * 1000,
      };
      await kysely
        .insertInto('oauth_artifacts')
        .values({ model: this.model, id: digest(id), ...row, consumed_at: null })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClientMetadata(db, id);
      return this.findWhere('id', digest(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('uid', uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      const now = clock.now();
      const result = await kysely
        .updateTable('oauth_artifacts')
        .set({ consumed_at: now })
        .where('model', '=', this.model)
        .where('id', '=', digest(id))
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (SINGLE_USE.has(this.model) && result.numUpdatedRows === 0n) {
        // Another request redeemed it between oidc-provider's read and this write.
        const row = await kysely
          .selectFrom('oauth_artifacts')
          .select('grant_id')
          .where('model', '=', this.model)
          .where('id', '=', digest(id))
          .executeTakeFirst();
        if (row?.grant_id) await revokeGrantArtifacts(db, row.grant_id);
        throw new errors.InvalidGrant(
          `${this.model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`,
        );
      }
    }

    async destroy(id: string): Promise<void> {
      await kysely.deleteFrom('oauth_artifacts').where('model', '=', this.model).where('id', '=', digest(id)).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await kysely
        .deleteFrom('oauth_artifacts')
        .where('model', '=', this.model)
        .where('grant_id', '=', grantId)
        .execute();
    }

    private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      const row = await kysely
        .selectFrom('oauth_artifacts')
        .select(['payload', 'expires_at', 'consumed_at'])
        .where('model', '=', this.model)
        .where(column, '=', value)
        .executeTakeFirst();
      if (!row) return undefined;
      if (row.expires_at !== null && Number(row.expires_at) <= clock.now()) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload;
      if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
      return payload;
    }
  };
}

/**
 * Deletes every artifact issued from a grant, the grant included: its codes, access and refresh
 * tokens stop working at once (they are opaque, so every use looks them up).
 */
export async function revokeGrantArtifacts(db: Database, grantId: string): Promise<void> {
  await authKysely(db).deleteFrom('oauth_artifacts').where('grant_id', '=', grantId).execute();
}

/**
 * Deletes rows that expired more than `graceMs` ago and returns how many. Expired rows are
 * already invisible; this only reclaims space.
 */
export async function purgeExpiredArtifacts(
  db: Database,
  clock: Clock = systemClock,
  graceMs = 60_000,
): Promise<number> {
  const result = await authKysely(db)
    .deleteFrom('oauth_artifacts')
    .where('expires_at', '<', clock.now() - graceMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
