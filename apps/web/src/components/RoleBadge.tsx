import type { Role } from '@bucketgrid/shared';
import { roleLabels } from '../lib/roles.ts';
import { Badge, type BadgeTone } from './Badge.tsx';

const tones: Record<Role, BadgeTone> = { owner: 'accent', admin: 'info', user: 'neutral' };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={tones[role]}>{roleLabels[role]}</Badge>;
}
