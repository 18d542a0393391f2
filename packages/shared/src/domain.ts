import { z } from 'zod';
import { bucketTypes } from './bucket-key.ts';

/** Roles are per dashboard, ordered: each one can do everything the ones below it can. */
export const roles = ['user', 'admin', 'owner'] as const;
export type Role = (typeof roles)[number];
export const roleRank: Record<Role, number> = { user: 0, admin: 1, owner: 2 };
export function roleAtLeast(role: Role, needed: Role): boolean {
  return roleRank[role] >= roleRank[needed];
}

export const apiKeyTypes = ['production', 'development'] as const;
export type ApiKeyType = (typeof apiKeyTypes)[number];
export const apiKeyTypeSchema = z.enum(apiKeyTypes);

export const retentionChoices = [1_000, 10_000, 100_000, 1_000_000] as const;
export type Retention = (typeof retentionChoices)[number];
export const DEFAULT_RETENTION: Retention = 100_000;

/** How long a rolled key keeps working beside its replacement. */
export const rollGraceMs = { none: 0, '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };
export type RollGrace = keyof typeof rollGraceMs;

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

export const emailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
export const passwordSchema = z
  .string()
  .min(10, 'use at least 10 characters')
  .max(256, 'use at most 256 characters');
export const displayNameSchema = z.string().trim().min(1).max(100);
/**
 * First path segments the server and the app use for their own pages: a workspace of that
 * name would have its dashboards' addresses (`/<workspace>/<dashboard>`) taken by them.
 */
export const RESERVED_WORKSPACES: ReadonlySet<string> = new Set([
  's',
  'invite',
  'reset-password',
  'forgot-password',
  'signin',
  'signup',
  'account',
  'api',
  'api-reference',
  'assets',
  'trpc',
  'mcp',
  'healthz',
  'readyz',
  'metrics',
]);
export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'lowercase letters, digits and inner hyphens, 1 to 48 characters');
export const dashboardNameSchema = z.string().trim().min(1).max(100);
export const bucketNameSchema = z.string().trim().min(1).max(100);
export const bucketTypeSchema = z.enum(bucketTypes);
export const roleSchema = z.enum(roles);
export const retentionSchema = z.union(retentionChoices.map((n) => z.literal(n)));
export const apiKeyNameSchema = z.string().trim().min(1).max(100);
export const rollGraceSchema = z.enum(['none', '1h', '24h', '7d']);
/** Ids are opaque strings; the length cap keeps junk out of lookups. */
/**
 * A tRPC batch runs its calls concurrently: the server takes at most this many per request,
 * and the web app's batching link never sends more.
 */
export const MAX_TRPC_BATCH_CALLS = 20;

export const idSchema = z.string().min(1).max(64);

/** A URL-safe slug from a free-form name ("Q3 Sales!" → "q3-sales"); never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug || 'dashboard';
}
