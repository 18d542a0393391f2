import { MAX_WRITE_BODY_BYTES } from '@bucketgrid/shared';

export { MAX_TRPC_BATCH_CALLS } from '@bucketgrid/shared';

/**
 * The server's limits against abuse from outside, in one place (docs/architecture.md,
 * "Limits and abuse", says why each has its value).
 */

/** REST writes and deletes: 5 MiB (the spec's write limit), also after gunzip. */
export const MAX_API_BODY_BYTES = MAX_WRITE_BODY_BYTES;
/**
 * MCP (POST /mcp): 5 MiB, as a REST write, since its largest message is a write_records call
 * of the same records (read by the same reader, under the same limit, gzip included).
 */
export const MAX_MCP_BODY_BYTES = MAX_API_BODY_BYTES;
/**
 * tRPC: 1 MiB. The largest legitimate input is a dashboard layout of 50 text widgets with
 * 4,000-character notes: 210 KB in ASCII, 610 KB in a 3-byte script (apps/server/test/
 * body-limits.test.ts builds it from the shared schemas and checks that it fits).
 */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;
/**
 * A write or delete body over its limit but no longer than this in all is still read (and
 * thrown away) before the 413: clients that send a whole body before reading the answer
 * (Node's fetch, most HTTP libraries) would otherwise see EPIPE or a reset instead of it.
 * Longer ones are refused unread and their connection closed, so refusing costs at most this.
 */
export const MAX_DRAINED_BODY_BYTES = 8 * 1024 * 1024;
/**
 * A CSV export streams its range in pages of this many records, each written (at the pace the
 * client reads) before the next is read: an export of a million records holds one page.
 */
export const CSV_EXPORT_PAGE_RECORDS = 5_000;
/**
 * CSV exports running at once in a process (more are refused with 429, retry in 5 s). Each
 * keeps the store busy for seconds (a million records); a few at once leave it to everyone
 * else.
 */
export const MAX_CONCURRENT_CSV_EXPORTS = 4;
/** A CSV export whose client takes nothing for this long is cut off (it frees its slot). */
export const CSV_EXPORT_STALL_MS = 30_000;
/** Routes that read no body (health checks, static files, GET, purge): a small one is tolerated. */
export const MAX_UNREAD_BODY_BYTES = 16 * 1024;

/** Open connections one client address may hold at once (0: no cap, e.g. behind a proxy). */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
/**
 * All connections together stay this far below the process's descriptor limit, so a flood
 * from many addresses cannot leave the store without a file to open (the server then refuses
 * new connections until some close).
 */
export const DESCRIPTOR_RESERVE = 512;
/**
 * This far below the connection cap, each new connection sheds the oldest one still waiting
 * for a request head instead of being refused at the cap (room for the closes in flight).
 */
export const SHED_HEADROOM = 64;
/** The whole request head must arrive within this. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included, must arrive within this (5 MiB at ~1 Mbit/s). */
export const REQUEST_TIMEOUT_MS = 60_000;
/** An idle keep-alive connection is closed after this. */
export const KEEP_ALIVE_TIMEOUT_MS = 10_000;
/** How often Node checks the two timeouts above (its default, 30 s, would let them overrun). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * The shortest BACKUP_INTERVAL: a typo (`1s` for `1d`) must not make the server copy its whole
 * database over and over, filling the disk's bandwidth and rotating good backups away.
 */
export const MIN_BACKUP_INTERVAL_MS = 5 * 60_000;
