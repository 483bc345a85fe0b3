/**
 * SHA-256 (FIPS 180-4), synchronous and dependency-free, so the audit log's proofs check the same
 * way in browsers, mobile runtimes and Node without an async WebCrypto round trip per node. Tuned
 * for the short inputs of a Merkle tree (33 and 65 bytes): no allocation per 64-byte block.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const W = new Int32Array(64);
const H = new Int32Array(8);
const INITIAL_STATE = Int32Array.from(INITIAL);

/** Expands W[0..15] into the message schedule W[16..63] (FIPS 180-4 §6.2.2 step 1). */
function schedule(): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15] as number;
    const w2 = W[i - 2] as number;
    W[i] =
      ((W[i - 16] as number) +
        (((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3)) +
        (W[i - 7] as number) +
        (((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10))) |
      0;
  }
}

/** The 64 rounds over the schedule in W, added into H. */
function rounds(): void {
  let a = H[0] as number;
  let b = H[1] as number;
  let c = H[2] as number;
  let d = H[3] as number;
  let e = H[4] as number;
  let f = H[5] as number;
  let g = H[6] as number;
  let h = H[7] as number;
  for (let i = 0; i < 64; i++) {
    const t1 =
      (h +
        (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        ((e & f) ^ (~e & g)) +
        (K[i] as number) +
        (W[i] as number)) |
      0;
    const t2 =
      ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) ^ (a & c) ^ (b & c))) |
      0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = ((H[0] as number) + a) | 0;
  H[1] = ((H[1] as number) + b) | 0;
  H[2] = ((H[2] as number) + c) | 0;
  H[3] = ((H[3] as number) + d) | 0;
  H[4] = ((H[4] as number) + e) | 0;
  H[5] = ((H[5] as number) + f) | 0;
  H[6] = ((H[6] as number) + g) | 0;
  H[7] = ((H[7] as number) + h) | 0;
}

/** Compresses the 64 bytes of `block` from `offset`. */
function compress(block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] =
      ((block[j] as number) << 24) |
      ((block[j + 1] as number) << 16) |
      ((block[j + 2] as number) << 8) |
      (block[j + 3] as number);
  }
  schedule();
  rounds();
}

function digest(): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = H[i] as number;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}

/** Big-endian word of `bytes` from `j` (4 bytes). */
const word = (bytes: Uint8Array, j: number) =>
  ((bytes[j] as number) << 24) |
  ((bytes[j + 1] as number) << 16) |
  ((bytes[j + 2] as number) << 8) |
  (bytes[j + 3] as number);

/**
 * SHA-256(prefix || hash) for a one-byte prefix and a 32-byte hash: one block, filled straight
 * from the bytes (the Merkle leaf of an entry hash).
 */
export function sha256PrefixedHash(prefix: number, hash: Uint8Array): Uint8Array {
  H.set(INITIAL_STATE);
  W[0] = (prefix << 24) | ((hash[0] as number) << 16) | ((hash[1] as number) << 8) | (hash[2] as number);
  for (let i = 1; i < 8; i++) W[i] = word(hash, i * 4 - 1);
  W[8] = ((hash[31] as number) << 24) | 0x800000;
  W.fill(0, 9, 15);
  W[15] = 33 * 8;
  schedule();
  rounds();
  return digest();
}

/**
 * The second block of a 65-byte message depends only on its first byte: its 256 possible
 * schedules are expanded once, which saves a third of a Merkle node's work.
 */
const SECOND_BLOCKS = new Int32Array(256 * 64);
for (let v = 0; v < 256; v++) {
  W[0] = (v << 24) | 0x800000;
  W.fill(0, 1, 15);
  W[15] = 65 * 8;
  schedule();
  SECOND_BLOCKS.set(W, v * 64);
}

/** SHA-256(prefix || left || right) for a one-byte prefix and two 32-byte hashes (a Merkle node). */
export function sha256PrefixedPair(prefix: number, left: Uint8Array, right: Uint8Array): Uint8Array {
  H.set(INITIAL_STATE);
  W[0] = (prefix << 24) | ((left[0] as number) << 16) | ((left[1] as number) << 8) | (left[2] as number);
  for (let i = 1; i < 8; i++) W[i] = word(left, i * 4 - 1);
  W[8] =
    ((left[31] as number) << 24) | ((right[0] as number) << 16) | ((right[1] as number) << 8) | (right[2] as number);
  for (let i = 9; i < 16; i++) W[i] = word(right, i * 4 - 33);
  schedule();
  rounds();
  const last = right[31] as number;
  W.set(SECOND_BLOCKS.subarray(last * 64, last * 64 + 64));
  rounds();
  return digest();
}

/** Scratch for the padded tail: at most two blocks. */
const TAIL = new Uint8Array(128);

/**
 * SHA-256 of the concatenation of `parts` (saves the caller a copy when hashing `prefix || data`).
 *
 * @example
 * ```ts
 * const digest = sha256(Uint8Array.of(0x61, 0x62, 0x63)); // 'abc' → ba7816bf…
 * const node = sha256(Uint8Array.of(1), left, right);
 * ```
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  H.set(INITIAL_STATE);
  let length = 0;
  let filled = 0;
  for (const part of parts) {
    length += part.length;
    let i = 0;
    if (filled > 0) {
      const take = Math.min(64 - filled, part.length);
      TAIL.set(part.subarray(0, take), filled);
      filled += take;
      i = take;
      if (filled < 64) continue;
      compress(TAIL, 0);
      filled = 0;
    }
    for (; i + 64 <= part.length; i += 64) compress(part, i);
    if (i < part.length) {
      TAIL.set(part.subarray(i), 0);
      filled = part.length - i;
    }
  }
  TAIL[filled] = 0x80;
  const blocks = filled + 9 > 64 ? 2 : 1;
  TAIL.fill(0, filled + 1, blocks * 64 - 8);
  const bits = length * 8;
  const end = blocks * 64;
  // Message length in bits, big-endian 64-bit (exact below 2^53).
  const high = Math.floor(bits / 0x1_0000_0000);
  TAIL[end - 8] = high >>> 24;
  TAIL[end - 7] = high >>> 16;
  TAIL[end - 6] = high >>> 8;
  TAIL[end - 5] = high;
  TAIL[end - 4] = bits >>> 24;
  TAIL[end - 3] = bits >>> 16;
  TAIL[end - 2] = bits >>> 8;
  TAIL[end - 1] = bits;
  compress(TAIL, 0);
  if (blocks === 2) compress(TAIL, 64);
  return digest();
}
