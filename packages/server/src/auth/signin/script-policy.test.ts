import { describe, expect, it } from 'vitest';
import { withSelfScripts } from './script-policy.js';

describe('withSelfScripts', () => {
  it("adds script-src 'self' to a policy without one", () => {
    expect(withSelfScripts("default-src 'none'; style-src 'self'")).toBe(
      "default-src 'none'; style-src 'self'; script-src 'self'",
    );
  });

  it("adds 'self' to an existing script-src, keeping its nonce", () => {
    expect(withSelfScripts("default-src 'none'; script-src 'nonce-abc'; base-uri 'none'")).toBe(
      "default-src 'none'; script-src 'nonce-abc' 'self'; base-uri 'none'",
    );
  });

  it('changes nothing when scripts from our origin are already allowed', () => {
    expect(withSelfScripts("script-src 'self'")).toBe("script-src 'self'");
  });
});
