/**
 * The sign-in pages load one script, from our own origin (`/assets/signin-passkey.js`). The site
 * policy allows no script at all (`default-src 'none'`); these routes widen it by exactly
 * `script-src 'self'`, still without 'unsafe-inline' (ASVS V14.4.3). Runs after the site-wide
 * headers hook (route hooks run last), so it edits the policy that hook set.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export async function allowOwnScript(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const policy = reply.getHeader('content-security-policy');
  if (typeof policy === 'string') reply.header('content-security-policy', withSelfScripts(policy));
  return payload;
}

/** Adds 'self' to `script-src`, creating the directive when the policy has none. */
export function withSelfScripts(policy: string): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);
  const index = directives.findIndex((d) => d.split(/\s+/)[0]?.toLowerCase() === 'script-src');
  if (index === -1) return [...directives, "script-src 'self'"].join('; ');
  const sources = (directives[index] as string).split(/\s+/);
  if (!sources.includes("'self'")) directives[index] = [...sources, "'self'"].join(' ');
  return directives.join('; ');
}
