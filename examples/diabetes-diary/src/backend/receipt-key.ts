/**
 * The diary's receipt signing key. Published here because the diary is an example that runs only
 * in the sandbox, where every citizen is synthetic; the sandbox registers its public half
 * (`packages/server/src/auth/clients/sandbox.ts`). A real app generates its own, keeps the private
 * half in its backend's secret store, and registers the public half with the platform.
 */
export const DIARY_RECEIPT_KEY = {
  kty: 'OKP',
  crv: 'Ed25519',
  kid: 'diabetes-diary-receipts-1',
  x: 'Zv0Wrjjm2Uo_s8QchNmTxiHm956p_eyKOc0moaQ05jg',
  d: 'napmEvYPYnEPak-O3BxIZBIEZLAF2C4H8mV7jk-3-mw',
} as const;
