/**
 * oidc-provider's storage adapter on Kysely: one table for every artifact the authorization server
 * persists, on SQLite and PostgreSQL alike.
 *
 * - Ids are stored as SHA-256 digests. For opaque access and refresh tokens and for codes the id is
 *   the credential itself, so a copy of the table must not hand out working tokens (ASVS V6.4.1).
 * - Expired rows are never returned, whatever their payload says, and {@link purgeExpiredArtifacts}
 *   deletes them.
 * - Consuming a code or refresh token is one conditional UPDATE: of two concurrent redemptions only
 *   one succeeds, and the other revokes the whole grant and its consent (RFC 6749 §4.1.2 and
 *   §10.5, RFC 9700 §4.14.2).
 * - The `Client` model is read from the app registry ({@link findClientMetadata}); it cannot be written.
 * - Saving and consuming artifacts commit without waiting for the disk ({@link executeWithoutSync}):
 *   they live minutes at most, and losing the newest of them to a power failure fails closed (a
 *   forgotten code, token, grant or session no longer works; the citizen signs in again). Losing
 *   a consumption mark or a replay-detection entry re-opens nothing an attacker can use: the
 *   tokens it guarded are forgotten with it, and every token is sender-constrained by DPoP
 *   (RFC 9449 §1), whose private key never left the client. Deletions (revocation, reuse
 *   detection) stay durable, as they must (RFC 7009 §2.1: a revoked token cannot be used again).
 */
import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import { appendAudit } from '../audit/index.js';
import { type Clock, systemClock } from '../clock.js';
import { markGrantConsentRevoked } from '../consent/repository.js';
import { type Database, executeWithoutSync, inTransaction } from '../db/index.js';
import { findClientMetadata } from './clients/client-metadata.js';
import { authKysely } from './tables.js';

/** Tokens whose issuance is audited ('token.issued'). */
const AUDITED_TOKENS = new Set(['AccessToken', 'RefreshToken']);

/** Models whose consumption redeems a credential: a second redemption is an attack. */
const SINGLE_USE = new Set(['AuthorizationCode', 'RefreshToken']);

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

export interface AdapterOptions {
  db: Database;
  clock?: Clock;
  /**
   * Whose artifacts these are. Sandbox and production share one table but never each other's
   * rows: production's are stored under `production:<Model>`, so a sandbox code, token, grant or
   * session is unknown to production and the reverse (issue 11: separate realms). The sandbox keeps
   * the plain model names it always had.
   */
  realm?: 'sandbox' | 'production';
}

/**
 * The adapter class for `new Provider(issuer, { adapter })`; oidc-provider instantiates it once per
 * model name.
 */
export function kyselyAdapter({
  db,
  clock = systemClock,
  realm = 'sandbox',
}: AdapterOptions): new (
  model: string,
) => Adapter {
  const kysely = authKysely(db);

  return class KyselyAdapter implements Adapter {
    /** The model's name in the table: its realm's namespace. */
    private readonly stored: string;
    constructor(private readonly model: string) {
      this.stored = realm === 'production' ? `production:${model}` : model;
    }

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
      if (AUDITED_TOKENS.has(this.model)) {
        await saveAuditedToken(db, { kind: this.model, stored: this.stored }, id, payload, row, clock);
        return;
      }
      await executeWithoutSync(
        db,
        kysely
          .insertInto('oauth_artifacts')
          .values({ model: this.stored, id: digest(id), ...row, consumed_at: null })
          .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row)),
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClientMetadata(db, id, realm);
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
      const result = await executeWithoutSync(
        db,
        kysely
          .updateTable('oauth_artifacts')
          .set({ consumed_at: now })
          .where('model', '=', this.stored)
          .where('id', '=', digest(id))
          .where('consumed_at', 'is', null),
      );
      if (SINGLE_USE.has(this.model) && !result.numAffectedRows) {
        // Another request redeemed it between oidc-provider's read and this write.
        const row = await kysely
          .selectFrom('oauth_artifacts')
          .select('grant_id')
          .where('model', '=', this.stored)
          .where('id', '=', digest(id))
          .executeTakeFirst();
        // The same ending as a replay caught by oidc-provider itself (its 'grant.revoked' event):
        // the tokens go, and so does the consent, so tickets already issued stop working too.
        if (row?.grant_id) {
          await revokeGrantArtifacts(db, row.grant_id);
          await markGrantConsentRevoked(db, row.grant_id, now);
        }
        throw new errors.InvalidGrant(
          `${this.model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`,
        );
      }
    }

    async destroy(id: string): Promise<void> {
      await kysely
        .deleteFrom('oauth_artifacts')
        .where('model', '=', this.stored)
        .where('id', '=', digest(id))
        .execute();
      // oidc-provider destroys a grant only to revoke it (RFC 7009 revocation of a refresh token, a
      // replayed code or refresh token): the citizen's consent ends with it, before the answer
      // leaves, so no ticket issued from that consent works one request later.
      if (this.model === 'Grant') await markGrantConsentRevoked(db, id, clock.now());
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await kysely
        .deleteFrom('oauth_artifacts')
        .where('model', '=', this.stored)
        .where('grant_id', '=', grantId)
        .execute();
    }

    private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      // Text from a URL or form; a NUL can name nothing and PostgreSQL refuses it in a query.
      if (value.includes('\u0000')) return undefined;
      const row = await kysely
        .selectFrom('oauth_artifacts')
        .select(['payload', 'expires_at', 'consumed_at'])
        .where('model', '=', this.stored)
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
 * Saves an access or refresh token and, the first time, its 'token.issued' audit entry, in one
 * transaction: the adapter's upsert is the one place every token passes through with a database
 * write of its own (oidc-provider's events fire after the fact, outside any transaction). This
 * commit is durable, unlike other artifacts' (the audit entry must survive a power failure, ASVS
 * V16.4.2), at the cost of one flush per token. Never the token itself: the consent, the client,
 * the kind and expiry only.
 */
async function saveAuditedToken(
  db: Database,
  model: { kind: string; stored: string },
  id: string,
  payload: AdapterPayload,
  row: {
    payload: string;
    grant_id: string | null;
    user_code: string | null;
    uid: string | null;
    expires_at: number | null;
  },
  clock: Clock,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const auth = authKysely(tx);
    const inserted = await auth
      .insertInto('oauth_artifacts')
      .values({ model: model.stored, id: digest(id), ...row, consumed_at: null })
      .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
      .executeTakeFirst();
    if (!inserted.numInsertedOrUpdatedRows) {
      // Saved again (oidc-provider updating the token): not a new issuance.
      await auth
        .updateTable('oauth_artifacts')
        .set(row)
        .where('model', '=', model.stored)
        .where('id', '=', digest(id))
        .execute();
      return;
    }
    const consent = row.grant_id
      ? await auth.selectFrom('consents').select('id').where('grant_id', '=', row.grant_id).executeTakeFirst()
      : undefined;
    const citizenId = Number(payload.accountId);
    await appendAudit(
      tx,
      {
        type: 'token.issued',
        citizenId: Number.isSafeInteger(citizenId) ? citizenId : null,
        clientId: payload.clientId ?? null,
        subject: consent?.id ?? null,
        details: {
          token: model.kind === 'AccessToken' ? 'access' : 'refresh',
          expires_at: row.expires_at,
          sender_constrained: typeof payload.jkt === 'string',
        },
      },
      clock.now(),
    );
  });
}

/**
 * Records that a JWT id was used, in one atomic statement: true the first time, false while an
 * earlier use has not expired (RFC 7523 §3 item 7 for client assertions, RFC 9449 §11.1 for DPoP
 * proofs). oidc-provider's own `ReplayDetection.unique` reads, then writes, so on a networked
 * database two concurrent requests carrying the same proof could both pass; here the database
 * decides, and an expired row is reclaimed in the same statement. `exp` is in epoch seconds.
 */
export async function claimJwtId(
  db: Database,
  clock: Clock,
  claim: { issuer: string; jti: string; exp: number },
): Promise<boolean> {
  const now = clock.now();
  const fresh = { payload: JSON.stringify({ iss: claim.issuer }), expires_at: claim.exp * 1000 };
  const result = await executeWithoutSync(
    db,
    authKysely(db)
      .insertInto('oauth_artifacts')
      .values({
        model: 'ReplayDetection',
        // JSON keeps issuer and jti apart: no two pairs make the same id.
        id: digest(JSON.stringify([claim.issuer, claim.jti])),
        ...fresh,
        grant_id: null,
        user_code: null,
        uid: null,
        consumed_at: null,
      })
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet(fresh).where('oauth_artifacts.expires_at', '<=', now),
      ),
  );
  return result.numAffectedRows === 1n;
}

/** Makes the provider's replay checks (client assertions, DPoP proofs) use {@link claimJwtId}. */
export function useAtomicReplayDetection(provider: Provider, db: Database, clock: Clock = systemClock): void {
  provider.ReplayDetection.unique = (issuer, jti, exp) => claimJwtId(db, clock, { issuer, jti, exp });
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
