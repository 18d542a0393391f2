import type { Role } from '@bucketgrid/shared';
import type { Activity } from './activity.ts';
import type { Membership } from './tenancy.ts';

/**
 * Expired invitations are removed by upkeep (`maintain`), a batch per step. Every change takes an optional `activity`, written in the same transaction (roles/activity.ts);
 * a change that changes nothing writes none.
 *
 * Invitations of an email address to a dashboard, pending until accepted. The token itself is
 * never stored: only its hex SHA-256. All times are unix milliseconds.
 */
export interface Invitation {
  id: string;
  dashboardId: string;
  /** Normalised (trimmed, lower case), as accounts store emails. */
  email: string;
  role: Role;
  tokenHash: string;
  /** The user who invited (or last resent), shown to members as "invited by". */
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
}

export interface InvitationWithInviter extends Invitation {
  invitedByName: string;
}

export interface InvitationStore {
  /**
   * Stores a pending invitation; an expired one to the same address is replaced. Throws
   * UniqueViolation('invitation') while another is pending for that address and dashboard,
   * MissingEntity('dashboard') when the dashboard is gone.
   */
  createInvitation(
    invitation: Omit<Invitation, 'id' | 'createdAt'>,
    activity?: Activity,
  ): Promise<Invitation>;
  /** The dashboard's pending (unexpired at `now`) invitations, oldest first. */
  listInvitations(dashboardId: string, now: number): Promise<InvitationWithInviter[]>;
  /** The invitation holding this token hash, expired or not (the caller says which). */
  getInvitationByTokenHash(tokenHash: string): Promise<Invitation | null>;
  /** A new token and expiry for a pending invitation of this dashboard; false when none. */
  renewInvitation(
    dashboardId: string,
    id: string,
    change: { tokenHash: string; invitedBy: string; expiresAt: number },
    activity?: Activity,
  ): Promise<Invitation | null>;
  /** Removes the dashboard's invitation; false when it has none with this id. */
  deleteInvitation(dashboardId: string, id: string, activity?: Activity): Promise<boolean>;
  /**
   * Accepts in one step: the invitation (unexpired at `now`) is removed and the user becomes a
   * member with its role. Null when no such invitation is pending (used, revoked, expired);
   * UniqueViolation('membership') when the user is a member already (the invitation stays).
   */
  acceptInvitation(
    id: string,
    userId: string,
    now: number,
    activity?: Activity,
  ): Promise<Membership | null>;
}
