import type { ChunkColumns } from './codec.ts';

/** Bytes per series in a figures blob: sk, n, sum, min, max, last as little-endian float64s. */
export const FIGURES_BYTES = 48;

/**
 * A sealed chunk's figures, in the layout of a cell's `aggregates.figures` blob (see
 * ../sqlite/downsample.ts), so reads fold a chunk that lies inside one interval exactly as
 * they fold a cell: per series with a non-null value, in ascending series key, how many
 * non-null values, their sum, min, max, and the last of them by key.
 */
export function chunkFigures({ series, values }: ChunkColumns): Buffer {
  const parts: number[] = [];
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
    if (n > 0) parts.push(sk, n, sum, min, max, last);
  });
  const blob = Buffer.allocUnsafe(parts.length * 8);
  for (let i = 0; i < parts.length; i++) blob.writeDoubleLE(parts[i]!, i * 8);
  return blob;
}
