import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { fanOut, logChannel, SandboxInbox } from './channel.js';
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

  it('keeps sandbox codes until they expire', async () => {
    const inbox = new SandboxInbox();
    await inbox.deliver(message);
    expect(inbox.peek('c1', 999)).toBe('042137');
    expect(inbox.peek('c2', 999)).toBeUndefined();
    expect(inbox.peek('c1', 1_000)).toBeUndefined();
  });

  it('fans out to every channel even when one fails', async () => {
    const inbox = new SandboxInbox();
    const failing = { deliver: async () => Promise.reject(new Error('gateway down')) };
    await fanOut(failing, inbox).deliver(message);
    expect(inbox.peek('c1', 0)).toBe('042137');
  });
});
