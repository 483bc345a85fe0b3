/**
 * Raw DEFLATE decompression (RFC 1951) with a hard cap on the output, so a small file cannot expand
 * into gigabytes on a phone. Uses the runtime's `DecompressionStream('deflate-raw')` (browsers,
 * Node 20) and falls back to a small pure implementation where there is none (some mobile
 * JavaScript runtimes).
 */

/** Why inflation stopped: the output passed the cap, or the input is not valid raw DEFLATE. */
export class InflateError extends Error {
  override name = 'InflateError';
  constructor(
    readonly reason: 'too_large' | 'corrupt',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Inflates raw DEFLATE data; throws `InflateError` past `maxLength` bytes or on corrupt input. */
export async function inflateRaw(data: Uint8Array, maxLength: number): Promise<Uint8Array> {
  let stream: DecompressionStream;
  try {
    stream = new DecompressionStream('deflate-raw');
  } catch {
    return inflateRawPure(data, maxLength);
  }
  return inflateWithStream(stream, data, maxLength);
}

async function inflateWithStream(stream: DecompressionStream, data: Uint8Array, maxLength: number) {
  const writer = stream.writable.getWriter();
  // Errors surface on the readable side; these promises only need handling.
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > maxLength) {
        await reader.cancel().catch(() => {});
        throw new InflateError('too_large', `inflated content exceeds ${maxLength} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof InflateError) throw error;
    throw new InflateError('corrupt', 'the compressed content is not valid raw DEFLATE', { cause: error });
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const LENGTH_BASE = Uint16Array.of(
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  13,
  15,
  17,
  19,
  23,
  27,
  31,
  35,
  43,
  51,
  59,
  67,
  83,
  99,
  115,
  131,
  163,
  195,
  227,
  258,
);
const LENGTH_EXTRA = Uint8Array.of(
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  0,
);
const DIST_BASE = Uint16Array.of(
  1,
  2,
  3,
  4,
  5,
  7,
  9,
  13,
  17,
  25,
  33,
  49,
  65,
  97,
  129,
  193,
  257,
  385,
  513,
  769,
  1025,
  1537,
  2049,
  3073,
  4097,
  6145,
  8193,
  12289,
  16385,
  24577,
);
const DIST_EXTRA = Uint8Array.of(
  0,
  0,
  0,
  0,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  5,
  6,
  6,
  7,
  7,
  8,
  8,
  9,
  9,
  10,
  10,
  11,
  11,
  12,
  12,
  13,
  13,
);
/** The order code-length code lengths are sent in (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);

const corrupt = (message: string) => new InflateError('corrupt', message);

/**
 * A canonical Huffman code as a lookup table indexed by the next `bits` input bits (least
 * significant first); each entry is `symbol << 4 | code length`, 0 where no code lands.
 */
interface Huffman {
  table: Uint16Array;
  bits: number;
}

function huffman(lengths: Uint8Array): Huffman {
  const count = new Uint16Array(16);
  for (const length of lengths) count[length] = (count[length] as number) + 1;
  count[0] = 0;
  let bits = 0;
  let left = 1;
  for (let b = 1; b < 16; b++) {
    left = (left << 1) - (count[b] as number);
    if (left < 0) throw corrupt('over-subscribed Huffman code');
    if (count[b]) bits = b;
  }
  const next = new Uint16Array(16);
  for (let b = 1, code = 0; b < 16; b++) {
    code = (code + (count[b - 1] as number)) << 1;
    next[b] = code;
  }
  // An empty code (a block of literals only) still gets a table, every entry of which is invalid.
  const size = 1 << Math.max(bits, 1);
  const table = new Uint16Array(size);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol] as number;
    if (length === 0) continue;
    const code = next[length] as number;
    next[length] = code + 1;
    let reversed = 0;
    for (let k = 0; k < length; k++) reversed |= ((code >> k) & 1) << (length - 1 - k);
    for (let j = reversed; j < size; j += 1 << length) table[j] = (symbol << 4) | length;
  }
  return { table, bits: Math.max(bits, 1) };
}

let fixedCodes: { literal: Huffman; distance: Huffman } | undefined;

function fixed(): { literal: Huffman; distance: Huffman } {
  if (!fixedCodes) {
    const literal = new Uint8Array(288);
    literal.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    fixedCodes = { literal: huffman(literal), distance: huffman(new Uint8Array(30).fill(5)) };
  }
  return fixedCodes;
}

/** Reads bits least significant first, as DEFLATE packs them. */
class BitReader {
  position = 0;
  buffer = 0;
  count = 0;
  constructor(readonly data: Uint8Array) {}

  private fill(n: number): void {
    while (this.count < n && this.position < this.data.length) {
      this.buffer |= (this.data[this.position++] as number) << this.count;
      this.count += 8;
    }
  }

  /** The next `n` (≤ 16) bits as a number. */
  read(n: number): number {
    this.fill(n);
    if (this.count < n) throw corrupt('unexpected end of data');
    const value = this.buffer & ((1 << n) - 1);
    this.buffer >>>= n;
    this.count -= n;
    return value;
  }

  decode(code: Huffman): number {
    this.fill(code.bits);
    const entry = code.table[this.buffer & ((1 << code.bits) - 1)] as number;
    const length = entry & 15;
    if (length === 0) throw corrupt('invalid Huffman code');
    if (length > this.count) throw corrupt('unexpected end of data');
    this.buffer >>>= length;
    this.count -= length;
    return entry >> 4;
  }

  /** Drops the bits left in the current byte and returns whole buffered bytes to the input. */
  alignToByte(): void {
    this.position -= this.count >> 3;
    this.buffer = 0;
    this.count = 0;
  }
}

/** A growing output buffer that refuses to pass `max` bytes. */
class Output {
  bytes: Uint8Array;
  length = 0;
  constructor(
    private readonly max: number,
    sizeHint: number,
  ) {
    this.bytes = new Uint8Array(Math.min(max, Math.max(sizeHint, 1024)));
  }

  reserve(n: number): void {
    const needed = this.length + n;
    if (needed > this.max) throw new InflateError('too_large', `inflated content exceeds ${this.max} bytes`);
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.min(this.max, Math.max(needed, this.bytes.length * 2)));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
  }
}

function readDynamicCodes(input: BitReader): { literal: Huffman; distance: Huffman } {
  const literals = input.read(5) + 257;
  const distances = input.read(5) + 1;
  const codeLengthCodes = input.read(4) + 4;
  if (literals > 286 || distances > 30) throw corrupt('too many length or distance codes');
  const codeLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCodes; i++) codeLengths[CODE_LENGTH_ORDER[i] as number] = input.read(3);
  const codeLengthCode = huffman(codeLengths);
  const lengths = new Uint8Array(literals + distances);
  for (let i = 0; i < lengths.length; ) {
    const symbol = input.decode(codeLengthCode);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (symbol === 16) {
      if (i === 0) throw corrupt('repeat with no previous length');
      value = lengths[i - 1] as number;
      repeat = 3 + input.read(2);
    } else if (symbol === 17) {
      repeat = 3 + input.read(3);
    } else {
      repeat = 11 + input.read(7);
    }
    if (i + repeat > lengths.length) throw corrupt('code lengths overflow');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw corrupt('no end-of-block code');
  return { literal: huffman(lengths.subarray(0, literals)), distance: huffman(lengths.subarray(literals)) };
}

function inflateBlock(input: BitReader, out: Output, codes: { literal: Huffman; distance: Huffman }): void {
  for (;;) {
    const symbol = input.decode(codes.literal);
    if (symbol < 256) {
      out.reserve(1);
      out.bytes[out.length++] = symbol;
      continue;
    }
    if (symbol === 256) return;
    const li = symbol - 257;
    if (li >= 29) throw corrupt('invalid length code');
    const length = (LENGTH_BASE[li] as number) + input.read(LENGTH_EXTRA[li] as number);
    const di = input.decode(codes.distance);
    if (di >= 30) throw corrupt('invalid distance code');
    const distance = (DIST_BASE[di] as number) + input.read(DIST_EXTRA[di] as number);
    if (distance > out.length) throw corrupt('distance before the start of the output');
    out.reserve(length);
    const bytes = out.bytes;
    // Byte by byte: a copy may overlap its own output (distance < length).
    for (let from = out.length - distance, end = out.length + length; out.length < end; ) {
      bytes[out.length++] = bytes[from++] as number;
    }
  }
}

/**
 * The pure implementation, exported for tests and for runtimes without `DecompressionStream`.
 * Strict: trailing bytes after the final block are an error.
 */
export function inflateRawPure(data: Uint8Array, maxLength: number): Uint8Array {
  const input = new BitReader(data);
  const out = new Output(maxLength, data.length * 4);
  let final = 0;
  do {
    final = input.read(1);
    const type = input.read(2);
    if (type === 0) {
      input.alignToByte();
      const at = input.position;
      if (at + 4 > data.length) throw corrupt('unexpected end of data');
      const length = (data[at] as number) | ((data[at + 1] as number) << 8);
      const check = (data[at + 2] as number) | ((data[at + 3] as number) << 8);
      if (length !== (~check & 0xffff)) throw corrupt('stored block length check failed');
      if (at + 4 + length > data.length) throw corrupt('unexpected end of data');
      out.reserve(length);
      out.bytes.set(data.subarray(at + 4, at + 4 + length), out.length);
      out.length += length;
      input.position = at + 4 + length;
    } else if (type === 1) {
      inflateBlock(input, out, fixed());
    } else if (type === 2) {
      inflateBlock(input, out, readDynamicCodes(input));
    } else {
      throw corrupt('invalid block type');
    }
  } while (!final);
  input.alignToByte();
  if (input.position !== data.length) throw corrupt('trailing data after the final block');
  return out.bytes.length === out.length ? out.bytes : out.bytes.slice(0, out.length);
}
