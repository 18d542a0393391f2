/** A page cursor of the activity log: the last entry's time and id, opaque to clients. */
export function encodeActivityCursor(entry: { at: number; id: string }): string {
  return Buffer.from(`${entry.at}:${entry.id}`).toString('base64url');
}

/** The position a cursor names; null for anything that is not one (treated as the first page). */
export function decodeActivityCursor(cursor: string): { at: number; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const time = Number(at);
  return Number.isSafeInteger(time) && id ? { at: time, id } : null;
}
