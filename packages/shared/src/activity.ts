import { z } from 'zod';

/**
 * The activity log of a dashboard (docs/sharing.md, "Activity log"): who changed what, when,
 * from where. Actions are `<target>.<verb>`; other features add theirs to this list.
 */
export const activityActions = [
  'key.created',
  'key.rolled',
  'key.revoked',
  'key.rescoped',
  'member.added',
  'member.removed',
  'member.role_changed',
  'bucket.created',
  'bucket.renamed',
  'bucket.deleted',
  'bucket.purged',
  'bucket.series_changed',
  'records.deleted',
  'dashboard.renamed',
  'dashboard.retention_changed',
  'dashboard.deleted',
  'layout.saved',
  'invitation.sent',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'share_link.created',
  'share_link.regenerated',
  'share_link.revoked',
  'alert_rule.created',
  'alert_rule.changed',
  'alert_rule.deleted',
  'contact_point.created',
  'contact_point.deleted',
] as const;
export type ActivityAction = (typeof activityActions)[number];
export const activityActionSchema = z.enum(activityActions);

export const activityActorTypes = ['user', 'apiKey', 'shareLink', 'cli'] as const;
export type ActivityActorType = (typeof activityActorTypes)[number];

/** Who made a change: a signed-in user, an API key, a share link or the admin CLI. */
export interface ActivityActor {
  type: ActivityActorType;
  /** The user's, key's or link's id; null for the CLI. */
  id: string | null;
  /** What people recognise it by when the log is read: an email, a key's name and hint. */
  label: string;
}

/** What a change was made to. */
export interface ActivityTarget {
  type: 'key' | 'member' | 'bucket' | 'dashboard' | 'layout' | (string & {});
  id: string;
  label: string;
}

/** Entries are kept this long, then trimmed by upkeep. */
export const ACTIVITY_RETENTION_MS = 365 * 86_400_000;
/** One page of the log holds at most this many entries. */
export const MAX_ACTIVITY_PAGE = 200;

/** Account-level history: what happened to a person's account, shown on the Account page. */
export const accountEventKinds = ['signed_in', 'password_changed'] as const;
export type AccountEventKind = (typeof accountEventKinds)[number];
/** An account event keeps this much of the browser's User-Agent. */
export const MAX_USER_AGENT = 200;
/** The Account page shows this many of the latest account events. */
export const ACCOUNT_HISTORY_LENGTH = 50;
