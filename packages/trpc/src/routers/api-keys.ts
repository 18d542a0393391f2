import {
  apiKeyState,
  createApiKey,
  getApiKeyOrThrow,
  listApiKeys,
  revokeApiKey,
  rollApiKey,
} from '@bucketgrid/services';
import { apiKeyNameSchema, apiKeyTypeSchema, idSchema, rollGraceSchema } from '@bucketgrid/shared';
import type { ApiKeyRecord, Store } from '@bucketgrid/store';
import { z } from 'zod';
import { dashboardProcedure, router } from '../trpc.ts';

export const createApiKeyInput = z.object({
  name: apiKeyNameSchema,
  type: apiKeyTypeSchema,
  /** Optional expiry, unix ms. */
  expiresAt: z.number().int().positive().nullable().optional(),
});
export const apiKeyInput = z.object({ keyId: idSchema });
export const rollApiKeyInput = apiKeyInput.extend({ grace: rollGraceSchema });

/** What anyone may see of a key: never the key, never its hash. */
async function toApiKeyView(store: Store, key: ApiKeyRecord, now: number) {
  const creator = key.createdBy ? await store.getUserById(key.createdBy) : null;
  return {
    id: key.id,
    name: key.name,
    type: key.type,
    hint: key.hint,
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
      );
      return { apiKey: await toApiKeyView(ctx.store, apiKey, now), key };
    }),

  revoke: dashboardProcedure('admin')
    .input(apiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const key = await getApiKeyOrThrow(ctx.store, input.keyId, ctx.dashboard.id);
      return toApiKeyView(ctx.store, await revokeApiKey(ctx.store, key, now), now);
    }),

  /** A replacement key (shown once); the old one works for the grace period, then stops. */
  roll: dashboardProcedure('admin')
    .input(rollApiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const old = await getApiKeyOrThrow(ctx.store, input.keyId, ctx.dashboard.id);
      const rolled = await rollApiKey(ctx.store, old, input.grace, ctx.user.id, now);
      return {
        apiKey: await toApiKeyView(ctx.store, rolled.apiKey, now),
        key: rolled.key,
        previous: await toApiKeyView(ctx.store, rolled.previous, now),
      };
    }),
});
