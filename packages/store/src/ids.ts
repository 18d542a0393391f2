import { randomBase62, toBase62 } from '@bucketgrid/shared';

/** A new opaque id: 22 base62 characters (about 130 random bits), URL-safe, unguessable. */
export function newId(): string {
  return randomBase62(22);
}

let sequence = 0;

/**
 * A new id that sorts (as bytes, as both backends compare text) after every id this process
 * made before: the time, a counter, then randomness. For log entries listed newest first with
 * ties by id: two entries of one millisecond keep the order they were written in.
 */
export function orderedId(): string {
  sequence = (sequence + 1) % 62 ** 6;
  return toBase62(Date.now(), 8) + toBase62(sequence, 6) + randomBase62(8);
}
