import type { ActivityAction, ActivityActorType } from '@bucketgrid/shared';

/** How the log names each action, in the words of the app. */
export const actionLabels: Record<ActivityAction, string> = {
  'key.created': 'API key created',
  'key.rolled': 'API key rolled',
  'key.revoked': 'API key revoked',
  'key.rescoped': 'API key scope changed',
  'member.added': 'Member added',
  'member.removed': 'Member removed',
  'member.role_changed': 'Member role changed',
  'bucket.created': 'Bucket created',
  'bucket.renamed': 'Bucket renamed',
  'bucket.deleted': 'Bucket deleted',
  'bucket.purged': 'Bucket purged',
  'bucket.series_changed': 'Series changed',
  'records.deleted': 'Records deleted',
  'dashboard.renamed': 'Dashboard renamed',
  'dashboard.retention_changed': 'Retention changed',
  'dashboard.deleted': 'Dashboard deleted',
  'layout.saved': 'Layout saved',
  'invitation.sent': 'Member invited',
  'invitation.resent': 'Invitation resent',
  'invitation.revoked': 'Invitation revoked',
  'invitation.accepted': 'Invitation accepted',
  'share_link.created': 'Share link created',
  'share_link.regenerated': 'Share link regenerated',
  'share_link.revoked': 'Share link revoked',
  'alert_rule.created': 'Alert rule created',
  'alert_rule.changed': 'Alert rule changed',
  'alert_rule.deleted': 'Alert rule deleted',
  'contact_point.created': 'Contact point created',
  'contact_point.deleted': 'Contact point deleted',
};

export const actorTypeLabels: Record<ActivityActorType, string> = {
  user: 'Person',
  apiKey: 'API key',
  shareLink: 'Share link',
  cli: 'Admin CLI',
};

/** A change's before/after as one short line: `role: user → admin`, `deleted: 2`. */
export function describeChange(before: unknown, after: unknown): string {
  const was = isRecord(before) ? before : {};
  const now = isRecord(after) ? after : {};
  const parts: string[] = [];
  for (const field of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (field === 'summary' || field === 'series') continue;
    const a = was[field];
    const b = now[field];
    if (field in was && field in now) {
      if (JSON.stringify(a) !== JSON.stringify(b)) parts.push(`${field}: ${show(a)} → ${show(b)}`);
    } else {
      parts.push(`${field}: ${show(field in now ? b : a)}`);
    }
  }
  return parts.join('; ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
