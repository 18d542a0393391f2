import {
  apiKeyState,
  type BatchedWindowLimiter,
  type RateLimitOutcome,
  type SharedWindowLimiter,
} from '@bucketgrid/services';
import { AppError, type KeyPermission } from '@bucketgrid/shared';
import { hashApiKey, parseApiKey } from '@bucketgrid/shared/api-key';
import type { AccessCache, ApiKeyGrant } from './access-cache.ts';
import type { LastUsedTracker } from './last-used.ts';

/** Why a presented key was refused; each is a 401 with this code. */
export type KeyRefusal =
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'revoked_api_key'
  | 'expired_api_key';

export type KeyVerification =
  | { valid: true; key: ApiKeyGrant }
  | { valid: false; code: KeyRefusal }
  /** Too many failed attempts from this address: refused even with a valid key. */
  | { valid: false; code: 'rate_limited'; limit: RateLimitOutcome };

export type KeySpend =
  | { allowed: true; limit: RateLimitOutcome }
  | { allowed: false; code: 'rate_limited'; limit: RateLimitOutcome }
  /** One request asks for more than a whole window's budget: waiting will never help. */
  | { allowed: false; code: 'batch_exceeds_rate_limit'; limit: RateLimitOutcome };

export interface KeyServiceDeps {
  /** Keys by hash, kept in memory while exact (access-cache.ts). */
  access: Pick<AccessCache, 'getApiKeyByHash'>;
  /** Per client address, counting failed attempts (each one counted in the store). */
  failedAttempts: SharedWindowLimiter;
  /** Per key, weighted by records written (1 for other requests); decided in the process. */
  usage: BatchedWindowLimiter;
  lastUsed: LastUsedTracker;
  now: () => number;
}

/**
 * API key authentication for the REST data API, as one small service: the expected outcomes
 * (no key, a bad key, a revoked or expired key, an address or a key over its limit) are typed
 * results, never exceptions; only a failing store throws.
 */
export class KeyService {
  constructor(private readonly deps: KeyServiceDeps) {}

  /**
   * Format and checksum first (no lookup for junk), then one lookup by SHA-256 hash, then
   * revocation and expiry. Failures count against the address, in the store, so that every
   * process refuses an address that failed too often on any of them (a process learns it
   * with the address's next failure there); the last-used time is noted.
   */
  async verify(presented: string | undefined, address: string): Promise<KeyVerification> {
    const { failedAttempts, lastUsed } = this.deps;
    const now = this.deps.now();
    const gate = failedAttempts.peek(address, now);
    if (!gate.allowed) return { valid: false, code: 'rate_limited', limit: gate };
    const found = await this.find(presented, now);
    if (typeof found !== 'string') {
      lastUsed.note(found.id, now);
      return { valid: true, key: found };
    }
    await failedAttempts.consume(address, 1, now);
    return { valid: false, code: found };
  }

  private async find(
    presented: string | undefined,
    now: number,
  ): Promise<ApiKeyGrant | KeyRefusal> {
    if (presented === undefined || presented === '') return 'missing_api_key';
    if (!parseApiKey(presented)) return 'invalid_api_key';
    const key = await this.deps.access.getApiKeyByHash(hashApiKey(presented));
    if (!key) return 'invalid_api_key';
    switch (apiKeyState(key, now)) {
      case 'revoked':
        return 'revoked_api_key';
      case 'expired':
        return 'expired_api_key';
      default:
        return key;
    }
  }

  /**
   * Refuses with 403 insufficient_scope a request the key may not make: a permission it does
   * not hold, or (`bucketId`, once known to be of the key's dashboard) a bucket outside its
   * list. The REST handlers and the MCP server both ask here, so a key means the same on both.
   */
  checkScope(key: ApiKeyGrant, permission: KeyPermission, bucketId?: string): void {
    if (!key.scopes.includes(permission)) {
      throw new AppError(
        'insufficient_scope',
        `This API key does not have the ${permission} permission (it has ${key.scopes.join(', ')}); use a key with ${permission}, or change this key's scope.`,
      );
    }
    if (bucketId !== undefined && key.bucketIds !== null && !key.bucketIds.includes(bucketId)) {
      throw new AppError(
        'insufficient_scope',
        `This API key may not touch bucket ${bucketId}; it is limited to other buckets of its dashboard.`,
      );
    }
  }

  /** Spends `weight` units of the key's per-minute budget (records for a write, else 1). */
  spend(key: ApiKeyGrant, weight: number): KeySpend {
    const { usage } = this.deps;
    const limit = usage.consume(key.id, weight, this.deps.now());
    if (limit.allowed) return { allowed: true, limit };
    if (weight > usage.limit) return { allowed: false, code: 'batch_exceeds_rate_limit', limit };
    return { allowed: false, code: 'rate_limited', limit };
  }
}
