import type { ApiKeyType } from '@bucketgrid/shared';
import { Badge } from '../Badge.tsx';

export function KeyTypeBadge({ type }: { type: ApiKeyType }) {
  return type === 'production' ? (
    <Badge tone="accent">Production</Badge>
  ) : (
    <Badge tone="neutral">Development</Badge>
  );
}
