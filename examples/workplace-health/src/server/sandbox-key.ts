/**
 * The sandbox client key of the workplace-health example: a published development key, good for
 * the sandbox only, where its public half is registered (`packages/server/src/auth/clients/sandbox.ts`).
 * A real deployment sets `EXAMPLE_CLIENT_KEY` to its own key, kept in a secret manager.
 */
export const WORKPLACE_SANDBOX_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'xnibCodynKHvOMrY998JdI817z2pVfeW15hEwA7ZbdE',
  y: '6j6mNk7UwASN4LwtEbIvWGUeWAx2TG26HD1Y0YbTMoo',
  d: '6pe5-zT6Zj_f15KKGNmwmRcYHKjVarT9tAwg3azSxfc',
  kid: 'workplace-health-sandbox-1',
  alg: 'ES256',
} as const;
