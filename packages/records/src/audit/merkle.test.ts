import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  frontierSizes,
  inclusionRanges,
  leafHash,
  MerkleFrontier,
  merkleRoot,
  nodeHash,
  rootFromInclusionProof,
} from './merkle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** RFC 6962's reference tree (Certificate Transparency's test data): leaf inputs and roots by size. */
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** The reference inclusion proofs: 0-based leaf index, tree size, audit path. */
const CT_PROOFS: Array<[number, number, string[]]> = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
];
const ctLeaves = CT_LEAVES.map((h) => leafHash(unhex(h)));

/** RFC 6962 §2.1's recursive definition, written out independently with Node's SHA-256. */
function referenceRoot(leaves: Uint8Array[]): string {
  const h = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
  const mth = (d: Uint8Array[]): Uint8Array => {
    if (d.length === 0) return h();
    if (d.length === 1) return d[0] as Uint8Array;
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return h(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
  };
  return hex(mth(leaves));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8, 7)));
const pathOf = (leaves: Uint8Array[], index: number) =>
  inclusionRanges(index, leaves.length).map(([from, to]) => merkleRoot(leaves.slice(from, to)));

describe('RFC 6962 Merkle trees', () => {
  it('gives the reference roots for every size of the reference tree', () => {
    for (let n = 0; n <= 8; n++) expect(hex(merkleRoot(ctLeaves.slice(0, n))), `size ${n}`).toBe(CT_ROOTS[n]);
  });

  it('builds the reference audit paths, and they verify', () => {
    for (const [index, size, path] of CT_PROOFS) {
      expect(pathOf(ctLeaves.slice(0, size), index).map(hex)).toEqual(path);
      const root = rootFromInclusionProof(index, size, ctLeaves[index] as Uint8Array, path.map(unhex));
      expect(root && hex(root)).toBe(CT_ROOTS[size]);
    }
  });

  it('matches the recursive definition for every size up to 70, whether grown or restored from a frontier', () => {
    const leaves = leavesOf(70);
    for (let n = 0; n <= 70; n++) {
      const expected = referenceRoot(leaves.slice(0, n));
      expect(hex(merkleRoot(leaves.slice(0, n))), `size ${n}`).toBe(expected);
      // A checkpoint at k keeps its frontier only; growing it with the rest gives the same root.
      for (const k of [0, Math.min(1, n), Math.floor(n / 2), n]) {
        const grown = new MerkleFrontier();
        for (const leaf of leaves.slice(0, k)) grown.push(leaf);
        const restored = MerkleFrontier.of(
          k,
          grown.blocks().map((b) => b.hash),
        );
        for (const leaf of leaves.slice(k, n)) restored.push(leaf);
        expect(hex(restored.root())).toBe(expected);
      }
    }
  });

  it('proves every leaf of every tree up to 40, and refuses a wrong leaf, index, size or path', () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = leavesOf(n);
      const root = hex(merkleRoot(leaves));
      for (let m = 0; m < n; m++) {
        const path = pathOf(leaves, m);
        const leaf = leaves[m] as Uint8Array;
        const ok = rootFromInclusionProof(m, n, leaf, path);
        expect(ok && hex(ok), `leaf ${m} of ${n}`).toBe(root);
        const wrongLeaf = rootFromInclusionProof(m, n, leafHash(Uint8Array.of(0xff)), path);
        expect(wrongLeaf && hex(wrongLeaf)).not.toBe(root);
        if (n > 1) {
          const other = (m + 1) % n;
          const moved = rootFromInclusionProof(other, n, leaf, path);
          expect(moved && hex(moved)).not.toBe(root);
        }
        if (path.length > 0) {
          const bent = path.map((p, i) => (i === path.length - 1 ? nodeHash(p, p) : p));
          const broken = rootFromInclusionProof(m, n, leaf, bent);
          expect(broken && hex(broken)).not.toBe(root);
          expect(rootFromInclusionProof(m, n, leaf, path.slice(1))).not.toEqual(unhex(root));
        }
      }
      expect(rootFromInclusionProof(n, n, leaves[0] as Uint8Array, [])).toBeUndefined();
    }
  });

  it('describes a tree’s frontier by the set bits of its size', () => {
    expect(frontierSizes(0)).toEqual([]);
    expect(frontierSizes(13)).toEqual([8, 4, 1]);
    expect(frontierSizes(2 ** 40 + 3)).toEqual([2 ** 40, 2, 1]);
    expect(() => MerkleFrontier.of(13, [])).toThrow(/3 subtrees/);
  });
});
