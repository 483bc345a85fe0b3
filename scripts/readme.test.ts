/**
 * The README's command examples name citizens who exist in every sandbox: a newcomer who pastes
 * them must see records, not "no citizen with this national ID".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PERSONA_IDS } from '@healthbank/synth';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(path.resolve(import.meta.dirname, '..', 'README.md'), 'utf8');
const personaIds = new Set([PERSONA_IDS.A小姐, PERSONA_IDS.B爺爺, ...PERSONA_IDS.C職場]);

describe('README examples', () => {
  it('every national ID in a command is a persona of the sandbox', () => {
    const ids = [...readme.matchAll(/healthbank -- \w+(?: \w+)? ([A-Z][12]\d{8})\b/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => !personaIds.has(id as string))).toEqual([]);
  });
});
