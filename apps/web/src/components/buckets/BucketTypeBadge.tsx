import type { BucketType } from '@bucketgrid/shared';
import { bucketTypeInfo } from '../../lib/bucket-types.ts';
import { Badge } from '../Badge.tsx';

export function BucketTypeBadge({ type }: { type: BucketType }) {
  return (
    <span title={bucketTypeInfo[type].label}>
      <Badge tone="info">{type}</Badge>
    </span>
  );
}
