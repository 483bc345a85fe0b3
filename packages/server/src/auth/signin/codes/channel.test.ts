import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type CodeMessage, fanOut, logChannel } from './channel.js';
import { openShownCode, sealShownCode, shownCodeKey } from './shown-codes.js';
import { TEST_CODE_MESSAGE } from './testing-channels.js';

const message = TEST_CODE_MESSAGE;

describe('message channels', () => {
  it('logs the code with a masked national ID, never the full one', async () => {
    const lines: unknown[] = [];
    const log = { info: (...args: unknown[]) => lines.push(args) } as unknown as FastifyBaseLogger;
    await logChannel(log).deliver(message);
    const text = JSON.stringify(lines);
    expect(text).toContain('042137');
    expect(text).toContain('A12****789');
    expect(text).not.toContain('A123456789');
  });

  it('seals a sandbox code for its challenge alone, under its realm key alone', () => {
    const key = shownCodeKey('a-realm-secret-of-at-least-32-characters');
    const sealed = sealShownCode(key, 'c1', '042137');
    expect(sealed).not.toContain('042137');
    expect(openShownCode(key, 'c1', sealed)).toBe('042137');
    // Moved to another challenge, opened with another realm's key, or altered: no code.
    expect(openShownCode(key, 'c2', sealed)).toBeUndefined();
    expect(openShownCode(shownCodeKey('another-realm-secret-of-32-characters!'), 'c1', sealed)).toBeUndefined();
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[13] = (flipped[13] ?? 0) ^ 1;
    expect(openShownCode(key, 'c1', flipped.toString('base64url'))).toBeUndefined();
    expect(openShownCode(key, 'c1', null)).toBeUndefined();
  });

  it('fans out to every channel even when one fails', async () => {
    const received: CodeMessage[] = [];
    const failing = { deliver: async () => Promise.reject(new Error('gateway down')) };
    await fanOut(failing, { deliver: async (m) => void received.push(m) }).deliver(message);
    expect(received.map((m) => m.code)).toEqual(['042137']);
  });
});
