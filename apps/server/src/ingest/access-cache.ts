import type { ApiKeyRecord, BucketRef, Store } from '@bucketgrid/store';

/** A key as access needs it: without its last use, which changes with every request. */
export type ApiKeyGrant = Omit<ApiKeyRecord, 'lastUsedAt'>;

/**
 * Entries each map holds at most before it starts again empty. Misses are never kept, so
 * only keys and buckets that exist fill it; the account quotas bound those far below this.
 */
export const ACCESS_CACHE_ENTRIES = 10_000;

/**
 * The two lookups every REST request makes (its key by hash, its bucket by id), kept in
 * memory while the store's AccessVersion stays the same: exact, not a time-to-live, so a
 * key revoked, rescoped or expired early, or a bucket deleted, by this process or the CLI
 * is refused on its very next request. On a store without an AccessVersion (MongoDB) every
 * call looks up. Both lookups cost 20 µs of a one-record write's 120 (docs/performance.md).
 */
export class AccessCache {
  private readonly keys = new Map<string, ApiKeyGrant>();
  private readonly buckets = new Map<string, BucketRef>();
  private version: number | undefined;

  constructor(
    private readonly store: Pick<Store, 'getApiKeyByHash' | 'getBucket' | 'accessVersion'>,
    private readonly entries = ACCESS_CACHE_ENTRIES,
  ) {}

  getApiKeyByHash(hash: string): Promise<ApiKeyGrant | null> {
    return this.through(this.keys, hash, async () => {
      const found = await this.store.getApiKeyByHash(hash);
      if (found === null) return null;
      const { lastUsedAt: _changesWithUse, ...key } = found;
      return key;
    });
  }

  getBucket(id: string): Promise<BucketRef | null> {
    return this.through(this.buckets, id, async () => {
      const found = await this.store.getBucket(id);
      if (found === null) return null;
      const { recordCount: _changesWithWrites, lastWriteAt: _too, ...bucket } = found;
      return bucket;
    });
  }

  /** What `map` holds for `id` while exact, else what `lookUp` finds (kept unless null). */
  private async through<T>(
    map: Map<string, T>,
    id: string,
    lookUp: () => Promise<T | null>,
  ): Promise<T | null> {
    if (this.current()) {
      const held = map.get(id);
      if (held !== undefined) return held;
    }
    const found = await lookUp();
    return found === null ? null : this.remember(map, id, found);
  }

  /** Whether the entries held are still exact; forgets them all when they may not be. */
  private current(): boolean {
    const version = this.store.accessVersion?.current();
    if (version === undefined) return false;
    if (version !== this.version) {
      this.keys.clear();
      this.buckets.clear();
      this.version = version;
    }
    return true;
  }

  /**
   * Keeps what a lookup found, unless the version moved while it ran (the lookup may have
   * read the state before the change, or after it: either way the next call looks again).
   */
  private remember<T>(map: Map<string, T>, id: string, value: T): T {
    if (this.store.accessVersion?.current() !== this.version) return value;
    if (map.size >= this.entries) map.clear();
    map.set(id, value);
    return value;
  }
}
