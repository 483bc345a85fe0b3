import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InflateError, inflateRaw, inflateRawPure } from './inflate.js';

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Inputs that exercise every block type: stored (level 0, noise), fixed (short), dynamic (text). */
function corpus(): Uint8Array[] {
  const next = random(7);
  const noise = Uint8Array.from({ length: 70_000 }, () => Math.floor(next() * 256));
  const text = new TextEncoder().encode(
    JSON.stringify(
      Array.from({ length: 400 }, (_, i) => ({
        id: `r${i}`,
        item: 'HbA1c 醣化血紅素',
        value: (5 + next() * 3).toFixed(1),
      })),
    ),
  );
  const runs = new Uint8Array(100_000).fill(97);
  return [new Uint8Array(0), Uint8Array.of(1), noise, text, runs, noise.subarray(0, 300)];
}

const compressed = (data: Uint8Array, level: number) => new Uint8Array(deflateRawSync(data, { level }));

async function failure(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InflateError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe.each([
  ['pure', async (d: Uint8Array, max: number) => inflateRawPure(d, max)],
  ['stream', inflateRaw],
])('inflate (%s)', (_name, inflate) => {
  it('restores what zlib compressed, at every level', async () => {
    for (const data of corpus()) {
      for (const level of [0, 1, 6, 9]) {
        const out = await inflate(compressed(data, level), data.length);
        // Buffer comparison: a deep equality over 100,000 array elements is needlessly slow.
        expect(Buffer.compare(out, data)).toBe(0);
      }
    }
  });

  it('stops at the cap instead of inflating a bomb', async () => {
    const bomb = compressed(new Uint8Array(10_000_000), 9);
    expect(bomb.length).toBeLessThan(20_000);
    expect(await failure(() => inflate(bomb, 1_000_000))).toBe('too_large');
    expect(await failure(() => inflate(compressed(new Uint8Array(1001), 6), 1000))).toBe('too_large');
  });

  it('rejects every truncation of a compressed text', async () => {
    const text = corpus()[3] as Uint8Array;
    const data = compressed(text, 6);
    for (let cut = 0; cut < data.length; cut += 7) {
      expect(await failure(() => inflate(data.subarray(0, cut), text.length))).toBe('corrupt');
    }
  });

  it('rejects an invalid block type', async () => {
    expect(await failure(() => inflate(Uint8Array.of(0x07, 0x00), 100))).toBe('corrupt');
  });
});

describe('inflateRawPure', () => {
  it('rejects bytes after the final block', () => {
    const data = compressed(new TextEncoder().encode('healthbank'), 6);
    expect(() => inflateRawPure(Uint8Array.of(...data, 0), 100)).toThrow(/trailing data/);
  });

  it('rejects a stored block whose length check fails', () => {
    expect(() => inflateRawPure(Uint8Array.of(0x01, 0x02, 0x00, 0xfc, 0xff, 0x61, 0x62), 100)).toThrow(/length check/);
  });

  it('never throws anything but InflateError on random input, and never passes the cap', () => {
    const next = random(11);
    for (let i = 0; i < 3000; i++) {
      const data = Uint8Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256));
      try {
        expect(inflateRawPure(data, 4096).length).toBeLessThanOrEqual(4096);
      } catch (error) {
        expect(error).toBeInstanceOf(InflateError);
      }
    }
  });
});
