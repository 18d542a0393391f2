import {
  apiKeyState,
  createApiKey,
  getApiKeyOrThrow,
  listApiKeys,
  revokeApiKey,
  rollApiKey,
  scopeView,
  setApiKeyScopes,
} from '@bucketgrid/services';
import {
  apiKeyNameSchema,
  apiKeyTypeSchema,
  idSchema,
  keyBucketIdsSchema,
  keyScopesSchema,
  rollGraceSchema,
} from '@bucketgrid/shared';
import type { ApiKeyRecord, Store } from '@bucketgrid/store';
import { z } from 'zod';
import { dashboardProcedure, router } from '../trpc.ts';

export const createApiKeyInput = z.object({
  name: apiKeyNameSchema,
  type: apiKeyTypeSchema,
  /** Optional expiry, unix ms. */
  expiresAt: z.number().int().positive().nullable().optional(),
  /** What the key may do; all three when omitted. */
  scopes: keyScopesSchema.optional(),
  /** The only buckets it may touch; every bucket when null or omitted. */
  bucketIds: keyBucketIdsSchema.nullable().optional(),
});
export const apiKeyInput = z.object({ keyId: idSchema });
export const rollApiKeyInput = apiKeyInput.extend({ grace: rollGraceSchema });
export const setApiKeyScopesInput = apiKeyInput.extend({
  scopes: keyScopesSchema,
  bucketIds: keyBucketIdsSchema.nullable(),
});

/** What anyone may see of a key: never the key, never its hash. */
async function toApiKeyView(store: Store, key: ApiKeyRecord, now: number) {
  const creator = key.createdBy ? await store.getUserById(key.createdBy) : null;
  return {
    id: key.id,
    name: key.name,
    type: key.type,
    hint: key.hint,
    ...scopeView(key),
    createdBy: creator ? { id: creator.id, name: creator.name, email: creator.email } : null,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    lastUsedAt: key.lastUsedAt,
    state: apiKeyState(key, now),
  };
}
export type ApiKeyView = Awaited<ReturnType<typeof toApiKeyView>>;

export const apiKeysRouter = router({
  list: dashboardProcedure('admin').query(async ({ ctx }) => {
    const keys = await listApiKeys(ctx.store, ctx.dashboard.id);
    const now = ctx.now();
    return Promise.all(keys.map((key) => toApiKeyView(ctx.store, key, now)));
  }),

  /** The only answer that ever contains the full key. */
  create: dashboardProcedure('admin')
    .input(createApiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const { apiKey, key } = await createApiKey(
        ctx.store,
        { ...input, dashboardId: ctx.dashboard.id, createdBy: ctx.user.id },
        now,
        ctx.author,
      );
      return { apiKey: await toApiKeyView(ctx.store, apiKey, now), key };
    }),

  revoke: dashboardProcedure('admin')
    .input(apiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const key = await getApiKeyOrThrow(ctx.store, input.keyId, ctx.dashboard.id);
      return toApiKeyView(ctx.store, await revokeApiKey(ctx.store, key, now, ctx.author), now);
    }),

  /** A replacement key (shown once); the old one works for the grace period, then stops. */
  roll: dashboardProcedure('admin')
    .input(rollApiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const old = await getApiKeyOrThrow(ctx.store, input.keyId, ctx.dashboard.id);
      const rolled = await rollApiKey(ctx.store, old, input.grace, ctx.user.id, now, ctx.author);
      return {
        apiKey: await toApiKeyView(ctx.store, rolled.apiKey, now),
        key: rolled.key,
        previous: await toApiKeyView(ctx.store, rolled.previous, now),
      };
    }),

  /** Changes what the key may do; its next request is held to the new scope. */
  setScopes: dashboardProcedure('admin')
    .input(setApiKeyScopesInput)
    .mutation(async ({ ctx, input }) => {
      const key = await getApiKeyOrThrow(ctx.store, input.keyId, ctx.dashboard.id);
      const changed = await setApiKeyScopes(ctx.store, key, input, ctx.author);
      return toApiKeyView(ctx.store, changed, ctx.now());
    }),
});
