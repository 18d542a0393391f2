import type { BucketType } from '@bucketgrid/shared';

export const bucketTypeList: BucketType[] = ['TSV', 'KV', 'IV'];

export const bucketTypeInfo: Record<BucketType, { label: string; keys: string }> = {
  TSV: { label: 'Time series', keys: 'timestamp keys (unix ms or ISO 8601)' },
  KV: { label: 'Key–value', keys: 'text keys, such as "berlin" or "2025"' },
  IV: { label: 'Integer keys', keys: 'integer keys, such as 42' },
};
