import { z } from 'zod';

/**
 * What an API key may do (docs/sharing.md, "Scoped keys"): `write` is POST and PUT, `read` is
 * GET and downsample, `delete` is DELETE and purge. A key holds a non-empty set of them and,
 * optionally, the only buckets of its dashboard it may touch (null: all of them).
 */
export const keyPermissions = ['write', 'read', 'delete'] as const;
export type KeyPermission = (typeof keyPermissions)[number];
export const keyPermissionSchema = z.enum(keyPermissions);

/** Keys made before scopes existed hold all three. */
export const ALL_KEY_PERMISSIONS: readonly KeyPermission[] = keyPermissions;

/** A bucket-limited key names at most this many buckets (a dashboard rarely has more). */
export const MAX_KEY_BUCKETS = 100;

export const keyScopesSchema = z
  .array(keyPermissionSchema)
  .min(1, 'a key needs at least one of write, read, delete')
  .max(keyPermissions.length)
  .transform((scopes) => keyPermissions.filter((p) => scopes.includes(p)));

export const keyBucketIdsSchema = z
  .array(z.string().min(1).max(64))
  .min(1, 'list at least one bucket, or none to allow every bucket')
  .max(MAX_KEY_BUCKETS)
  .transform((ids) => [...new Set(ids)]);

/** The scope presets the create dialog offers. */
export const keyScopePresets = {
  ingest: ['write'],
  read: ['read'],
  full: ['write', 'read', 'delete'],
} as const satisfies Record<string, readonly KeyPermission[]>;

/** "write, read" or "full"; for lists and the CLI. */
export function describeKeyScopes(scopes: readonly KeyPermission[]): string {
  return scopes.length === keyPermissions.length ? 'full' : scopes.join(', ');
}
