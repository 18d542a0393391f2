/**
 * A live dashboard refetches a bucket's records at most this often, however fast its events
 * come; the server gathers a dashboard's changes for its members' views over the same
 * interval, since events between two refetches would cost a delivery each and change nothing
 * on screen. The first change after a quiet interval still goes, and is refetched, at once.
 */
export const LIVE_REFRESH_GAP_MS = 250;
