import type { Retention } from '@bucketgrid/shared';

export type { Retention };

/** SPEC §2's choices; the type ties this list to the server's. */
export const retentionChoices: readonly Retention[] = [1_000, 10_000, 100_000, 1_000_000];
