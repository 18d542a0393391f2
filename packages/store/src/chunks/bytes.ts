/**
 * Byte and bit streams for the chunk codec: unsigned varints (7 bits a byte, low first),
 * zigzag for signed ones, float64s, and a bit stream for the XOR float encoding. Varints
 * are computed with arithmetic, not 32-bit operators, so they stay exact up to 2^53.
 */

/** Zigzag: small magnitudes of either sign become small unsigned numbers. Exact for |n| ≤ 2^52. */
export function zigzag(n: number): number {
  return n < 0 ? -2 * n - 1 : 2 * n;
}

export function unzigzag(z: number): number {
  return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
}

/** Bytes the unsigned varint of `n` takes. */
export function varintLength(n: number): number {
  if (n < 128) return 1;
  if (n < 16_384) return 2;
  if (n < 2_097_152) return 3;
  let length = 4;
  for (let rest = Math.floor(n / 268_435_456); rest > 0; rest = Math.floor(rest / 128)) length++;
  return length;
}

export class ByteWriter {
  private bytes: Uint8Array;
  length = 0;
  /** Bits of a bit run not yet written out (fewer than 8), and how many. */
  private pending = 0;
  private pendingBits = 0;

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b;
  }

  varint(n: number): void {
    this.reserve(8);
    if (n < 128) {
      this.bytes[this.length++] = n;
      return;
    }
    while (n >= 128) {
      this.bytes[this.length++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.bytes[this.length++] = n;
  }

  float64(value: number): void {
    this.reserve(8);
    new DataView(this.bytes.buffer, this.bytes.byteOffset).setFloat64(this.length, value, true);
    this.length += 8;
  }

  raw(source: Uint8Array): void {
    this.reserve(source.length);
    this.bytes.set(source, this.length);
    this.length += source.length;
  }

  /** The low `count` (≤ 32) bits of `value`, most significant first. */
  bits(value: number, count: number): void {
    if (count > 24) {
      this.bits(Math.floor(value / 65536), count - 16);
      this.bits(value & 0xffff, 16);
      return;
    }
    // Fewer than 8 bits wait in `pending`, so pending + count stays within 31 bits.
    this.pending = (this.pending << count) | (value & ((1 << count) - 1));
    this.pendingBits += count;
    if (this.pendingBits < 8) return;
    this.reserve(4);
    while (this.pendingBits >= 8) {
      this.pendingBits -= 8;
      this.bytes[this.length++] = (this.pending >>> this.pendingBits) & 255;
    }
    this.pending &= (1 << this.pendingBits) - 1;
  }

  /** Ends a bit run: its last bits are padded with zeros to a whole byte. */
  alignToByte(): void {
    if (this.pendingBits > 0) {
      this.reserve(1);
      this.bytes[this.length++] = (this.pending << (8 - this.pendingBits)) & 255;
    }
    this.pending = 0;
    this.pendingBits = 0;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

export class ByteReader {
  offset = 0;
  private pending = 0;
  private pendingBits = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw new RangeError('chunk ends too early');
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      this.need(1);
      const b = this.bytes[this.offset++]!;
      n += (b & 127) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
  }

  float64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  raw(length: number): Uint8Array {
    this.need(length);
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** `count` (≤ 32) bits as an unsigned number, most significant first. */
  bits(count: number): number {
    if (count > 24) {
      const high = this.bits(count - 16);
      return high * 65536 + this.bits(16);
    }
    while (this.pendingBits < count) {
      this.need(1);
      this.pending = (this.pending << 8) | this.bytes[this.offset++]!;
      this.pendingBits += 8;
    }
    this.pendingBits -= count;
    const value = (this.pending >>> this.pendingBits) & ((1 << count) - 1);
    this.pending &= (1 << this.pendingBits) - 1;
    return value;
  }

  /** Ends a bit run: the rest of its last byte is padding. */
  alignToByte(): void {
    this.pending = 0;
    this.pendingBits = 0;
  }
}

/** The two 32-bit halves of a float64's bits, through one shared buffer. */
const floatView = new Float64Array(1);
const wordView = new Uint32Array(floatView.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

export function floatWords(value: number): [high: number, low: number] {
  floatView[0] = value;
  return [wordView[HIGH]!, wordView[LOW]!];
}

export function wordsFloat(high: number, low: number): number {
  wordView[HIGH] = high;
  wordView[LOW] = low;
  return floatView[0]!;
}
