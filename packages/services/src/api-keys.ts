import {
  type ApiKeyType,
  AppError,
  apiKeyNameSchema,
  apiKeyTypeSchema,
  describeKeyScopes,
  type KeyPermission,
  keyBucketIdsSchema,
  keyPermissions,
  keyScopesSchema,
  type RollGrace,
  rollGraceMs,
} from '@bucketgrid/shared';
import { generateApiKey, hashApiKey, parseApiKey } from '@bucketgrid/shared/api-key';
import { type ApiKeyRecord, MissingEntity, type Store } from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';
import { QUOTAS, withinQuota } from './quotas.ts';
import { validate } from './validate.ts';

export type ApiKeyState = 'active' | 'revoked' | 'expired';

export function apiKeyState(
  key: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>,
  now: number,
): ApiKeyState {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

export interface CreatedApiKey {
  apiKey: ApiKeyRecord;
  /** The full key: returned by this call only, never stored, never logged. */
  key: string;
}

export async function createApiKey(
  store: Store,
  input: {
    dashboardId: string;
    name: string;
    type: ApiKeyType;
    createdBy: string | null;
    expiresAt?: number | null;
    /** Without scopes: all three permissions. */
    scopes?: readonly KeyPermission[];
    /** Null or absent: every bucket of the dashboard. */
    bucketIds?: readonly string[] | null;
  },
  now: number,
  by?: ChangeAuthor,
  logAs: { action: 'key.created' | 'key.rolled'; before?: unknown } = { action: 'key.created' },
): Promise<CreatedApiKey> {
  const name = validate(apiKeyNameSchema, input.name, 'name');
  const type = validate(apiKeyTypeSchema, input.type, 'type');
  const scope = await validScope(store, input.dashboardId, input.scopes, input.bucketIds);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && expiresAt <= now) {
    throw new AppError('invalid_input', 'expiresAt: the expiry must be in the future');
  }
  const insert = async (): Promise<CreatedApiKey> => {
    const key = generateApiKey(type);
    const parsed = parseApiKey(key)!;
    try {
      const note = noteOf(
        by,
        input.dashboardId,
        logAs.action,
        { type: 'key', id: '', label: `${name} (${parsed.hint}…)` },
        { before: logAs.before, after: { type, ...scopeView(scope), expiresAt } },
      );
      const apiKey = await store.createApiKey(
        {
          dashboardId: input.dashboardId,
          name,
          type,
          hash: hashApiKey(key),
          hint: parsed.hint,
          ...scope,
          createdBy: input.createdBy,
          createdAt: now,
          expiresAt,
        },
        note,
      );
      return { apiKey, key };
    } catch (error) {
      // The dashboard was deleted between the check and the insert.
      if (error instanceof MissingEntity && error.entity === 'dashboard') {
        throw new AppError('not_found', 'No such dashboard.');
      }
      throw error;
    }
  };
  // A roll replaces a key rather than adding one: it needs no room under the quota.
  if (logAs.action === 'key.rolled') return insert();
  const active = async () =>
    (await store.listApiKeys(input.dashboardId)).filter((k) => apiKeyState(k, now) === 'active')
      .length;
  return withinQuota(
    `api-keys:${input.dashboardId}`,
    QUOTAS.apiKeysPerDashboard,
    active,
    `This dashboard has ${QUOTAS.apiKeysPerDashboard} active API keys, the most it may: revoke one it no longer uses first.`,
    insert,
  );
}

export function listApiKeys(store: Store, dashboardId: string): Promise<ApiKeyRecord[]> {
  return store.listApiKeys(dashboardId);
}

/**
 * Loads a key by id. With `dashboardId`, a key of another dashboard is reported exactly like
 * a key that does not exist, so ids of other tenants reveal nothing.
 */
export async function getApiKeyOrThrow(
  store: Store,
  id: string,
  dashboardId?: string,
): Promise<ApiKeyRecord> {
  const key = await store.getApiKey(id);
  if (!key || (dashboardId !== undefined && key.dashboardId !== dashboardId)) {
    throw new AppError('not_found', 'No such API key.');
  }
  return key;
}

/** Permanent and immediate: the next request with the key gets 401 revoked_api_key. */
export async function revokeApiKey(
  store: Store,
  key: ApiKeyRecord,
  now: number,
  by?: ChangeAuthor,
): Promise<ApiKeyRecord> {
  await store.revokeApiKey(key.id, now, noteOf(by, key.dashboardId, 'key.revoked', keyTarget(key)));
  return (await store.getApiKey(key.id))!;
}

/**
 * Makes a replacement with the same name and type. The old key keeps working for the grace
 * period (never longer than it would have anyway), then stops; with no grace it is revoked.
 */
export async function rollApiKey(
  store: Store,
  key: ApiKeyRecord,
  grace: RollGrace,
  actorId: string | null,
  now: number,
  by?: ChangeAuthor,
): Promise<CreatedApiKey & { previous: ApiKeyRecord }> {
  if (apiKeyState(key, now) !== 'active') {
    throw new AppError('key_not_active', 'Only an active key can be rolled.');
  }
  const created = await createApiKey(
    store,
    {
      dashboardId: key.dashboardId,
      name: key.name,
      type: key.type,
      createdBy: actorId,
      // The replacement may do exactly what the old key could.
      scopes: key.scopes,
      bucketIds: key.bucketIds,
    },
    now,
    by,
    { action: 'key.rolled', before: { key: keyTarget(key).label, grace } },
  );
  const graceMs = rollGraceMs[grace];
  if (graceMs === 0) {
    await store.revokeApiKey(key.id, now);
  } else {
    const until = now + graceMs;
    await store.setApiKeyExpiry(
      key.id,
      key.expiresAt === null ? until : Math.min(until, key.expiresAt),
    );
  }
  return { ...created, previous: (await store.getApiKey(key.id))! };
}

/** Changes what the key may do; the next request with it is held to the new scope. */
export async function setApiKeyScopes(
  store: Store,
  key: ApiKeyRecord,
  input: { scopes: readonly KeyPermission[]; bucketIds: readonly string[] | null },
  by?: ChangeAuthor,
): Promise<ApiKeyRecord> {
  const scope = await validScope(store, key.dashboardId, input.scopes, input.bucketIds);
  const note = noteOf(by, key.dashboardId, 'key.rescoped', keyTarget(key), {
    before: scopeView(key),
    after: scopeView(scope),
  });
  await store.setApiKeyScopes(key.id, scope, note);
  return (await store.getApiKey(key.id))!;
}

/** What a key may do, as "write, read" and its buckets, for lists and the log. */
export function scopeView(key: Pick<ApiKeyRecord, 'scopes' | 'bucketIds'>) {
  return { scopes: key.scopes, bucketIds: key.bucketIds, summary: describeKeyScopes(key.scopes) };
}

function keyTarget(key: ApiKeyRecord) {
  return { type: 'key', id: key.id, label: `${key.name} (${key.hint}…)` };
}

/**
 * A non-empty set of permissions (all three when none is given), and buckets that all belong
 * to the key's dashboard: a bucket of another dashboard is refused exactly like one that
 * never existed.
 */
async function validScope(
  store: Store,
  dashboardId: string,
  scopes: readonly KeyPermission[] | undefined,
  bucketIds: readonly string[] | null | undefined,
): Promise<Pick<ApiKeyRecord, 'scopes' | 'bucketIds'>> {
  const cleanScopes = validate(keyScopesSchema, scopes ?? [...keyPermissions], 'scopes');
  if (bucketIds === null || bucketIds === undefined) {
    return { scopes: cleanScopes, bucketIds: null };
  }
  const ids = validate(keyBucketIdsSchema, bucketIds, 'bucketIds');
  for (const [index, id] of ids.entries()) {
    const bucket = await store.getBucket(id);
    if (!bucket || bucket.dashboardId !== dashboardId) {
      throw new AppError('invalid_input', `bucketIds: no such bucket in this dashboard`, {
        errors: [{ pointer: `/bucketIds/${index}`, detail: 'no such bucket in this dashboard' }],
      });
    }
  }
  return { scopes: cleanScopes, bucketIds: ids };
}
