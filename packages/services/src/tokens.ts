import { createHash } from 'node:crypto';
import { randomBase62 } from '@bucketgrid/shared';

/**
 * The secret tokens of links (invitations, password resets): 32 base62 characters (190 bits)
 * from the CSPRNG, shown once and stored only as their hex SHA-256. A fast hash suffices for
 * random secrets of this length: nobody can guess one, so nobody can try guesses against it.
 */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBase62(32);
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
