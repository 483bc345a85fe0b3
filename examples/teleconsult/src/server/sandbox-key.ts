/**
 * The sandbox client key of the tele-consultation example: a published development key (like the
 * platform's own development keys), good for the sandbox only, where its public half is registered
 * (`packages/server/src/auth/clients/sandbox.ts`). A real deployment sets `EXAMPLE_CLIENT_KEY` to
 * its own key, kept in a secret manager, and registers the public half through the developer portal.
 */
export const TELECONSULT_SANDBOX_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'pL5vVawso6T_v4pGFszzb-ecb0p6leB1rIZAk0jDyws',
  y: 'YFvTeGgq6S_ghbBlsfS-4ajsL03XIIE2TZIaTF-bvgw',
  d: 'bsxxITEyHMwswabAinn6K8uqtON6HDrhx8wrVW1JAN8',
  kid: 'teleconsult-sandbox-1',
  alg: 'ES256',
} as const;
