import type { CellGroup } from '../downsample/program.ts';
import { addSum, type Sum } from '../downsample/sum.ts';
import type { ChunkColumns } from './codec.ts';

/**
 * Bytes per series in a figures blob: sk, n, sum, min, max, last as little-endian float64s.
 * The blob of a sealed chunk and of a cell of `aggregates` (../sqlite/downsample.ts) alike.
 * A negative n marks a sum kept scaled (Σ v·SUM_SCALE, ../downsample/sum.ts) because the
 * plain one overflowed; the count is then −n. Blobs written before scaling have n > 0.
 */
export const FIGURES_BYTES = 48;

/** One series' figures, as a blob holds them. */
type SeriesFigures = Pick<CellGroup, 'series' | 'n' | 'sum' | 'scaled' | 'min' | 'max' | 'last'>;

/** The blob of these series' figures (in ascending series key). */
export function figuresBlob(series: readonly SeriesFigures[]): Buffer {
  const blob = Buffer.allocUnsafe(series.length * FIGURES_BYTES);
  let at = 0;
  for (const figures of series) {
    blob.writeDoubleLE(figures.series, at);
    blob.writeDoubleLE(figures.scaled ? -figures.n : figures.n, at + 8);
    blob.writeDoubleLE(figures.sum, at + 16);
    blob.writeDoubleLE(figures.min, at + 24);
    blob.writeDoubleLE(figures.max, at + 32);
    blob.writeDoubleLE(figures.last, at + 40);
    at += FIGURES_BYTES;
  }
  return blob;
}

/** Each series' figures of a blob, in its order. */
export function* readFigures(blob: Buffer): Generator<SeriesFigures> {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let at = 0; at < blob.byteLength; at += FIGURES_BYTES) {
    const n = view.getFloat64(at + 8, true);
    yield {
      series: view.getFloat64(at, true),
      n: Math.abs(n),
      sum: view.getFloat64(at + 16, true),
      scaled: n < 0,
      min: view.getFloat64(at + 24, true),
      max: view.getFloat64(at + 32, true),
      last: view.getFloat64(at + 40, true),
    };
  }
}

/**
 * A sealed chunk's figures, in the layout of a cell's `aggregates.figures` blob, so reads
 * fold a chunk that lies inside one interval exactly as they fold a cell: per series with a
 * non-null value, in ascending series key, how many non-null values, their sum, min, max,
 * and the last of them by key.
 */
export function chunkFigures({ series, values }: ChunkColumns): Buffer {
  const parts: SeriesFigures[] = [];
  series.forEach((sk, s) => {
    let n = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let last = 0;
    for (const value of values[s]!) {
      if (value === null || value === undefined) continue;
      n++;
      sum += value;
      if (value < min) min = value;
      if (value > max) max = value;
      last = value;
    }
    if (n === 0) return;
    if (Number.isFinite(sum)) {
      parts.push({ series: sk, n, sum, scaled: false, min, max, last });
      return;
    }
    // The plain sum overflowed (values are finite): sum again, scaling where it would.
    const scaled: Sum = { sum: 0, scaled: false };
    for (const value of values[s]!) {
      if (value !== null && value !== undefined) addSum(scaled, value, false);
    }
    parts.push({ series: sk, n, ...scaled, min, max, last });
  });
  return figuresBlob(parts);
}
