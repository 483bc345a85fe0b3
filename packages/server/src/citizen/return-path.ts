/**
 * Where a citizen goes back to after signing in to the portal. Only the portal's own paths are
 * accepted, written the one way the portal writes them: no scheme, no host, no `//`, no
 * backslash, no dot segment, so nothing a link can carry turns the sign-in into a redirect to
 * another site (ASVS V5.1.5, open redirects; RFC 9700 §4.11).
 */

/** Where a sign-in without a (valid) return path lands. */
export const PORTAL_HOME = '/me';

const PATH = /^\/me(?:\/[A-Za-z0-9_-]+(?:\.(?:json|csv))?)*$/;
const QUERY = /^[A-Za-z0-9_.=&%-]*$/;

/**
 * The return path if it is one of the portal's own, else undefined.
 *
 * @example
 * ```ts
 * safeReturnPath('/me/history?app=diabetes-diary'); // '/me/history?app=diabetes-diary'
 * safeReturnPath('//evil.example/me'); // undefined
 * ```
 */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const q = value.indexOf('?');
  const path = q === -1 ? value : value.slice(0, q);
  const query = q === -1 ? '' : value.slice(q + 1);
  if (!PATH.test(path) || !QUERY.test(query)) return undefined;
  return value;
}
