import {
  type ApiKeyType,
  AppError,
  apiKeyNameSchema,
  apiKeyTypeSchema,
  type RollGrace,
  rollGraceMs,
} from '@bucketgrid/shared';
import { generateApiKey, hashApiKey, parseApiKey } from '@bucketgrid/shared/api-key';
import { type ApiKeyRecord, MissingEntity, type Store } from '@bucketgrid/store';
import { QUOTAS, withinQuota } from './quotas.ts';
import { validate } from './validate.ts';

export type ApiKeyState = 'active' | 'revoked' | 'expired';

export function apiKeyState(key: ApiKeyRecord, now: number): ApiKeyState {
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
  },
  now: number,
): Promise<CreatedApiKey> {
  const name = validate(apiKeyNameSchema, input.name, 'name');
  const type = validate(apiKeyTypeSchema, input.type, 'type');
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && expiresAt <= now) {
    throw new AppError('invalid_input', 'expiresAt: the expiry must be in the future');
  }
  const active = async () =>
    (await store.listApiKeys(input.dashboardId)).filter((k) => apiKeyState(k, now) === 'active')
      .length;
  return withinQuota(
    `api-keys:${input.dashboardId}`,
    QUOTAS.apiKeysPerDashboard,
    active,
    `This dashboard has ${QUOTAS.apiKeysPerDashboard} active API keys, the most it may: revoke one it no longer uses first.`,
    () => insertApiKey(store, { ...input, name, type, expiresAt }, now),
  );
}

/** A new key, without the quota check (a roll replaces a key rather than adding one). */
async function insertApiKey(
  store: Store,
  input: {
    dashboardId: string;
    name: string;
    type: ApiKeyType;
    createdBy: string | null;
    expiresAt: number | null;
  },
  now: number,
): Promise<CreatedApiKey> {
  const key = generateApiKey(input.type);
  const parsed = parseApiKey(key)!;
  try {
    const apiKey = await store.createApiKey({
      dashboardId: input.dashboardId,
      name: input.name,
      type: input.type,
      hash: hashApiKey(key),
      hint: parsed.hint,
      createdBy: input.createdBy,
      createdAt: now,
      expiresAt: input.expiresAt,
    });
    return { apiKey, key };
  } catch (error) {
    // The dashboard was deleted between the check and the insert.
    if (error instanceof MissingEntity && error.entity === 'dashboard') {
      throw new AppError('not_found', 'No such dashboard.');
    }
    throw error;
  }
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
): Promise<ApiKeyRecord> {
  await store.revokeApiKey(key.id, now);
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
): Promise<CreatedApiKey & { previous: ApiKeyRecord }> {
  if (apiKeyState(key, now) !== 'active') {
    throw new AppError('key_not_active', 'Only an active key can be rolled.');
  }
  const created = await insertApiKey(
    store,
    {
      dashboardId: key.dashboardId,
      name: key.name,
      type: key.type,
      createdBy: actorId,
      expiresAt: null,
    },
    now,
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
