import { type ByteReader, type ByteWriter, floatWords, wordsFloat } from './bytes.ts';

/**
 * XOR float64 encoding (the idea of Facebook's Gorilla paper, as Prometheus uses it): each
 * value is XORed with the one before; an unchanged value costs one bit, a change whose
 * meaningful bits fit in the previous window costs 2 bits plus the window, otherwise 13 bits
 * (leading zeros in 5, width in 6) plus the meaningful bits. Exact for every float64,
 * negative zero included: the encoding of last resort for values no decimal scale fits.
 */

function clz64(high: number, low: number): number {
  return high !== 0 ? Math.clz32(high) : 32 + Math.clz32(low);
}

function ctz32(word: number): number {
  return 31 - Math.clz32(word & -word);
}

function ctz64(high: number, low: number): number {
  return low !== 0 ? ctz32(low) : 32 + ctz32(high);
}

/** Writes the `width` bits of (high, low) that start `shift` bits from the right. */
function writeWindow(out: ByteWriter, high: number, low: number, shift: number, width: number) {
  let h = high;
  let l = low;
  if (shift >= 32) {
    l = h >>> (shift - 32);
    h = 0;
  } else if (shift > 0) {
    l = ((l >>> shift) | (h << (32 - shift))) >>> 0;
    h >>>= shift;
  }
  if (width > 32) {
    out.bits(h, width - 32);
    out.bits(l, 32);
  } else {
    out.bits(l, width);
  }
}

/** Reads `width` bits and puts them `shift` bits from the right: [high, low]. */
function readWindow(input: ByteReader, shift: number, width: number): [number, number] {
  let h = 0;
  let l: number;
  if (width > 32) {
    h = input.bits(width - 32);
    l = input.bits(32);
  } else {
    l = input.bits(width);
  }
  if (shift >= 32) return [(l << (shift - 32)) >>> 0, 0];
  if (shift > 0) return [((h << shift) | (l >>> (32 - shift))) >>> 0, (l << shift) >>> 0];
  return [h, l];
}

export function writeXor(out: ByteWriter, values: readonly number[]): void {
  if (values.length === 0) return;
  let [previousHigh, previousLow] = floatWords(values[0]!);
  out.bits(previousHigh, 32);
  out.bits(previousLow, 32);
  let leading = -1;
  let trailing = 0;
  for (let i = 1; i < values.length; i++) {
    const [high, low] = floatWords(values[i]!);
    const xHigh = (high ^ previousHigh) >>> 0;
    const xLow = (low ^ previousLow) >>> 0;
    previousHigh = high;
    previousLow = low;
    if (xHigh === 0 && xLow === 0) {
      out.bits(0, 1);
      continue;
    }
    const lead = Math.min(clz64(xHigh, xLow), 31);
    const trail = ctz64(xHigh, xLow);
    if (leading >= 0 && lead >= leading && trail >= trailing) {
      out.bits(0b10, 2);
      writeWindow(out, xHigh, xLow, trailing, 64 - leading - trailing);
    } else {
      leading = lead;
      trailing = trail;
      const width = 64 - lead - trail;
      out.bits(0b11, 2);
      out.bits(lead, 5);
      out.bits(width & 63, 6);
      writeWindow(out, xHigh, xLow, trail, width);
    }
  }
  out.alignToByte();
}

export function readXor(input: ByteReader, count: number, into: number[]): void {
  if (count === 0) return;
  let high = input.bits(32);
  let low = input.bits(32);
  into.push(wordsFloat(high, low));
  let leading = 0;
  let trailing = 0;
  for (let i = 1; i < count; i++) {
    if (input.bits(1) === 1) {
      if (input.bits(1) === 1) {
        leading = input.bits(5);
        const width = input.bits(6) || 64;
        trailing = 64 - leading - width;
      }
      const [xHigh, xLow] = readWindow(input, trailing, 64 - leading - trailing);
      high = (high ^ xHigh) >>> 0;
      low = (low ^ xLow) >>> 0;
    }
    into.push(wordsFloat(high, low));
  }
  input.alignToByte();
}
