/**
 * The OpenAPI 3.1 description of the API apps call: the export API and deletion receipts, with
 * the keys they verify against. Served at `/openapi.json`; `openapi.int.test.ts` checks it against
 * the routes the platform really registers, so neither drifts from the other.
 */
import { CATEGORY_IDS } from '@healthbank/records';
import { EXPORT_API_PATH } from '../auth/provider/routes.js';
import { DELETION_API_PATH } from '../citizen/deletion/routes.js';
import { PROBLEMS } from '../errors/problems.js';
import { EXPORT_JWKS_PATH } from '../export/metadata.js';
import { WEBHOOKS_JWKS_PATH } from '../webhooks/index.js';

export const OPENAPI_PATH = '/openapi.json';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const jwks = (description: string) => ({
  get: {
    summary: description,
    security: [],
    responses: {
      '200': {
        description: 'A JWK Set of public keys (RFC 7517 §5)',
        content: { 'application/jwk-set+json': { schema: { $ref: '#/components/schemas/JwkSet' } } },
      },
    },
  },
});

/** The document for the issuer's origin (`servers` names it, so clients resolve paths against it). */
export function openApiDocument(issuer: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'healthbank export API',
      version: '1',
      description:
        'What apps call after a citizen consents: export tickets, the signed and encrypted file, revocation, and deletion receipts. Authorization is OAuth 2 (FAPI 2.0 baseline) at the same issuer; see /docs/sdk.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: issuer }],
    paths: {
      [`${EXPORT_API_PATH}/ping`]: {
        get: {
          summary: 'Checks an access token (DPoP-bound) and tells which consent it carries',
          security: [{ dpop: [] }],
          responses: {
            '200': {
              description: 'The token is valid',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            '401': problem('Missing, invalid or expired token or DPoP proof (WWW-Authenticate says which)'),
          },
        },
      },
      [`${EXPORT_API_PATH}/tickets`]: {
        post: {
          summary: 'Exchanges the access token for a 24-hour export ticket bound to the device keys',
          security: [{ dpop: [] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['export_key'],
                  properties: { export_key: { $ref: '#/components/schemas/PublicJwk' } },
                },
              },
            },
          },
          responses: {
            '201': {
              description: 'The ticket',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Ticket' } } },
            },
            '400': problem('The export key is not a P-256 public JWK'),
            '401': problem('Token or DPoP proof refused'),
            '403': problem('The consent was revoked, or the token holds no category (insufficient_scope)'),
            '409': problem('The export key is not the one the consent was given for (export_key_mismatch)'),
            '429': problem('More than 24 tickets for this consent in 24 hours; see Retry-After'),
          },
        },
      },
      [`${EXPORT_API_PATH}/files/{ticket}`]: {
        get: {
          summary: 'The consented records, signed by the platform and encrypted to the device (docs/export-format)',
          security: [{ dpopTicket: [] }],
          parameters: [
            { name: 'ticket', in: 'path', required: true, schema: { type: 'string', pattern: '^tkt_[A-Za-z0-9_-]+$' } },
            {
              name: 'format',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['records', 'fhir', 'mhb'], default: 'records' },
            },
          ],
          responses: {
            '200': {
              description: 'A compact JWE (RFC 7516) holding the signed file',
              content: { 'application/jose': { schema: { type: 'string' } } },
            },
            '401': problem('DPoP proof missing, stale, replayed or of another key'),
            '403': problem('The citizen revoked the consent (consent_revoked)'),
            '404': problem('No such ticket (ticket_not_found)'),
            '410': problem('The ticket or its consent has ended (ticket_expired)'),
            '429': problem('More than 24 files for this consent in 24 hours; see Retry-After'),
            '503': problem('Too many files in the making (export_busy); see Retry-After'),
          },
        },
      },
      [`${EXPORT_API_PATH}/revoke`]: {
        post: {
          summary: 'Ends the consent a ticket belongs to, as the citizen could',
          security: [{ dpopTicket: [] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['ticket'], properties: { ticket: { type: 'string' } } },
              },
            },
          },
          responses: {
            '200': {
              description: 'Revoked',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['consent_id', 'status', 'revoked_at'],
                    properties: {
                      consent_id: { type: 'string' },
                      status: { const: 'revoked' },
                      revoked_at: { type: 'string', format: 'date-time' },
                    },
                  },
                },
              },
            },
            '401': problem('DPoP proof refused'),
            '404': problem('No such ticket'),
          },
        },
      },
      [`${DELETION_API_PATH}/{id}/receipt`]: {
        post: {
          summary: 'Delivers the signed receipt for a deletion request (docs/webhooks)',
          security: [],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['receipt'],
                  properties: { receipt: { type: 'string', description: 'A compact JWS, typ deletion-receipt+jwt' } },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'Accepted (also when the same receipt is sent again)',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['id', 'status', 'acknowledged_at', 'receipt_digest'],
                    properties: {
                      id: { type: 'string' },
                      status: { enum: ['pending', 'sent', 'acknowledged', 'overdue'] },
                      acknowledged_at: { type: ['string', 'null'], format: 'date-time' },
                      receipt_digest: { type: ['string', 'null'] },
                    },
                  },
                },
              },
            },
            '400': problem('The receipt is not valid (invalid_receipt)'),
            '404': problem('No such deletion request'),
            '415': problem('Send application/json'),
          },
        },
      },
      [EXPORT_JWKS_PATH]: jwks('The keys export files and audit checkpoints are signed with'),
      [WEBHOOKS_JWKS_PATH]: jwks('The keys webhooks (deletion requests) are signed with'),
    },
    components: {
      securitySchemes: {
        dpop: {
          type: 'http',
          scheme: 'DPoP',
          description: 'A DPoP-bound access token (RFC 9449 §7) with a DPoP proof header carrying ath',
        },
        dpopTicket: {
          type: 'apiKey',
          in: 'header',
          name: 'DPoP',
          description:
            'A DPoP proof (RFC 9449 §4) of the key the ticket is bound to; the ticket is in the path or body',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details with a stable code (docs/errors)',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string', enum: Object.keys(PROBLEMS) },
          },
        },
        PublicJwk: {
          type: 'object',
          required: ['kty', 'crv', 'x', 'y'],
          properties: { kty: { const: 'EC' }, crv: { const: 'P-256' }, x: { type: 'string' }, y: { type: 'string' } },
          not: { required: ['d'] },
        },
        JwkSet: {
          type: 'object',
          required: ['keys'],
          properties: { keys: { type: 'array', items: { type: 'object', required: ['kty', 'kid'] } } },
        },
        Ticket: {
          type: 'object',
          required: [
            'ticket',
            'expires_at',
            'consent_id',
            'categories',
            'period',
            'duration',
            'consent_expires_at',
            'formats',
          ],
          properties: {
            ticket: { type: 'string' },
            expires_at: { type: 'string', format: 'date-time' },
            consent_id: { type: 'string' },
            categories: { type: 'array', items: { type: 'string', enum: [...CATEGORY_IDS] } },
            period: {
              type: 'object',
              properties: {
                from: { type: ['string', 'null'], format: 'date' },
                to: { type: ['string', 'null'], format: 'date' },
              },
            },
            duration: { enum: ['once', 'ongoing'] },
            consent_expires_at: { type: 'string', format: 'date-time' },
            formats: { type: 'array', items: { enum: ['records', 'fhir', 'mhb'] } },
          },
        },
      },
    },
  };
}
