import { randomBase62 } from '@bucketgrid/shared';

/** A new opaque id: 22 base62 characters (about 130 random bits), URL-safe, unguessable. */
export function newId(): string {
  return randomBase62(22);
}
