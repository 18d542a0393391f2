import type { BucketType } from '@bucketgrid/shared';

/**
 * The data API reference page (its own document, apps/web/api-reference.html, served at
 * /api-reference), with a bucket's id and type filled into its examples.
 */
export function apiReferenceHref(bucket?: { id: string; type: BucketType }): string {
  if (!bucket) return '/api-reference';
  return `/api-reference?${new URLSearchParams({ bucket: bucket.id, type: bucket.type })}`;
}
