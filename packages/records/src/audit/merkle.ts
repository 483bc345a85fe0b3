/**
 * RFC 6962 §2.1 Merkle tree hashing (the construction of Certificate Transparency, kept in RFC 9162
 * §2.1), pure and synchronous: the audit log's checkpoints, inclusion proofs and their check.
 *
 * - leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right): the prefixes keep a leaf
 *   from passing for a node (second-preimage resistance, RFC 6962 §2.1).
 * - A tree of n leaves splits at k, the largest power of two smaller than n; the left subtree is
 *   always perfect. So any prefix of the log is described by at most log2(n) perfect subtrees (its
 *   "frontier"), from which the next leaves extend the tree and the root is folded from the right.
 */
import { sha256, sha256PrefixedHash, sha256PrefixedPair } from './sha256.js';

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/**
 * The hash of a leaf: SHA-256(0x00 || entry).
 *
 * @example
 * ```ts
 * leafHash(new Uint8Array()); // 6e340b9c… (RFC 6962's first test vector)
 * ```
 */
export function leafHash(entry: Uint8Array): Uint8Array {
  return entry.length === 32 ? sha256PrefixedHash(0x00, entry) : sha256(LEAF_PREFIX, entry);
}

/**
 * The hash of an interior node: SHA-256(0x01 || left || right).
 *
 * @example
 * ```ts
 * const root = nodeHash(leafHash(a), leafHash(b)); // a tree of two leaves
 * ```
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return left.length === 32 && right.length === 32
    ? sha256PrefixedPair(0x01, left, right)
    : sha256(NODE_PREFIX, left, right);
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_TREE_ROOT: Uint8Array = sha256();

/** A perfect subtree: its root and its number of leaves (a power of two). */
export interface MerkleBlock {
  hash: Uint8Array;
  size: number;
}

/**
 * The sizes of the perfect subtrees that make up the first `size` leaves, largest first: the set
 * bits of `size`.
 *
 * @example
 * ```ts
 * frontierSizes(13); // [8, 4, 1]
 * ```
 */
export function frontierSizes(size: number): number[] {
  const sizes: number[] = [];
  let rest = size;
  let bit = 1;
  while (bit * 2 <= rest) bit *= 2;
  for (; bit >= 1; bit /= 2) {
    if (rest >= bit) {
      sizes.push(bit);
      rest -= bit;
    }
  }
  return sizes;
}

/**
 * A Merkle tree grown leaf by leaf, keeping only its frontier (O(log n) hashes): what the log's
 * writer and verifier stream a million entries through, and what a checkpoint stores so that the
 * next one, or a verifier after pruning, continues without the leaves before it.
 *
 * @example
 * ```ts
 * const tree = new MerkleFrontier();
 * for (const entry of entries) tree.push(leafHash(entry));
 * tree.root(); // the RFC 6962 Merkle Tree Hash of all of them
 * ```
 */
export class MerkleFrontier {
  private readonly hashes: Uint8Array[] = [];
  private readonly sizes: number[] = [];
  private count = 0;

  /** Starts from perfect subtrees, largest first (a checkpoint's frontier, or part of one). */
  constructor(blocks: readonly MerkleBlock[] = []) {
    for (const block of blocks) {
      const last = this.sizes[this.sizes.length - 1];
      if (last !== undefined && block.size >= last) throw new RangeError('frontier blocks must shrink');
      this.hashes.push(block.hash);
      this.sizes.push(block.size);
      this.count += block.size;
    }
  }

  /** Restores the frontier of a tree of `size` leaves from its hashes (largest subtree first). */
  static of(size: number, hashes: readonly Uint8Array[]): MerkleFrontier {
    const sizes = frontierSizes(size);
    if (sizes.length !== hashes.length) throw new RangeError(`a tree of ${size} leaves has ${sizes.length} subtrees`);
    return new MerkleFrontier(sizes.map((s, i) => ({ size: s, hash: hashes[i] as Uint8Array })));
  }

  /** Leaves so far. */
  get size(): number {
    return this.count;
  }

  /** Appends a leaf hash, merging equal subtrees as they complete. */
  push(leaf: Uint8Array): void {
    let hash = leaf;
    let size = 1;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      this.sizes.pop();
      hash = nodeHash(this.hashes.pop() as Uint8Array, hash);
      size *= 2;
    }
    this.hashes.push(hash);
    this.sizes.push(size);
    this.count++;
  }

  /** The Merkle Tree Hash of the leaves so far (the right-hand subtrees folded in from the right). */
  root(): Uint8Array {
    let i = this.hashes.length - 1;
    if (i < 0) return EMPTY_TREE_ROOT;
    let root = this.hashes[i] as Uint8Array;
    while (--i >= 0) root = nodeHash(this.hashes[i] as Uint8Array, root);
    return root;
  }

  /** The perfect subtrees, largest first. */
  blocks(): MerkleBlock[] {
    return this.hashes.map((hash, i) => ({ hash, size: this.sizes[i] as number }));
  }
}

/**
 * The Merkle Tree Hash of a list of leaf hashes.
 *
 * @example
 * ```ts
 * merkleRoot([leafHash(a), leafHash(b), leafHash(c)]);
 * ```
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const tree = new MerkleFrontier();
  for (const leaf of leaves) tree.push(leaf);
  return tree.root();
}

/**
 * The subtrees whose roots make up the audit path of leaf `index` (0-based) in a tree of `size`
 * leaves, as half-open leaf ranges [from, to), from the leaf's sibling up to the root's other
 * child: RFC 6962 §2.1.1's PATH(m, D[n]). Whoever holds the leaves computes each range's root.
 *
 * @example
 * ```ts
 * inclusionRanges(5, 8); // [[4, 5], [6, 8], [0, 4]]
 * ```
 */
export function inclusionRanges(index: number, size: number): Array<[number, number]> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  }
  const ranges: Array<[number, number]> = [];
  let from = 0;
  let to = size;
  // Walk down from the root, collecting the sibling at each level; the path lists them bottom-up.
  while (to - from > 1) {
    let k = 1;
    while (k * 2 < to - from) k *= 2;
    if (index < from + k) {
      ranges.push([from + k, to]);
      to = from + k;
    } else {
      ranges.push([from, from + k]);
      from += k;
    }
  }
  return ranges.reverse();
}

/**
 * The root an inclusion proof leads to, following RFC 9162 §2.1.3.2 (the same check as RFC 6962's
 * audit paths); `undefined` when the path has the wrong length for the leaf's position. Compare the
 * result with a signed tree head's root.
 *
 * @example
 * ```ts
 * const root = rootFromInclusionProof(5, 8, leafHash(entry), path);
 * const included = root !== undefined && equalBytes(root, signedRoot);
 * ```
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  // Arithmetic rather than bit operators: positions beyond 2^31 stay exact.
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** Constant-length byte comparison. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
