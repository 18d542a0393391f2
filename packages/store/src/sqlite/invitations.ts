import type { Role } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { Invitation, InvitationWithInviter, Membership, Store } from '../store.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure, missingReference, rethrowUnique } from './errors.ts';

type InvitationMethods = Pick<
  Store,
  | 'createInvitation'
  | 'listInvitations'
  | 'getInvitationByTokenHash'
  | 'renewInvitation'
  | 'deleteInvitation'
  | 'acceptInvitation'
>;

export function invitationMethods(sqlite: SqliteDb): InvitationMethods {
  const { db, sql } = sqlite;
  const missingDashboardOr = missingReference(sqlite);
  const getById = (id: string) => {
    const row = sql('SELECT * FROM invitations WHERE id = ?').get(id) as Row | undefined;
    return row ? toInvitation(row) : null;
  };
  return {
    async createInvitation(input) {
      const invitation: Invitation = { ...input, id: newId(), createdAt: Date.now() };
      try {
        db.transaction(() => {
          // An expired invitation no longer holds its address.
          sql(
            'DELETE FROM invitations WHERE dashboard_id = ? AND email = ? AND expires_at <= ?',
          ).run(invitation.dashboardId, invitation.email, invitation.createdAt);
          sql(
            `INSERT INTO invitations
               (id, dashboard_id, email, role, token_hash, invited_by, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            invitation.id,
            invitation.dashboardId,
            invitation.email,
            invitation.role,
            invitation.tokenHash,
            invitation.invitedBy,
            invitation.createdAt,
            invitation.expiresAt,
          );
        }).immediate();
      } catch (error) {
        if (isForeignKeyFailure(error)) throw missingDashboardOr('user', invitation.dashboardId);
        rethrowUnique(error);
      }
      return invitation;
    },

    async listInvitations(dashboardId, now) {
      const rows = sql(
        `SELECT i.*, u.name AS invited_by_name FROM invitations i
         JOIN users u ON u.id = i.invited_by
         WHERE i.dashboard_id = ? AND i.expires_at > ?
         ORDER BY i.created_at, i.id`,
      ).all(dashboardId, now) as Row[];
      return rows.map(
        (row): InvitationWithInviter => ({
          ...toInvitation(row),
          invitedByName: row.invited_by_name as string,
        }),
      );
    },

    async getInvitationByTokenHash(tokenHash) {
      const row = sql('SELECT * FROM invitations WHERE token_hash = ?').get(tokenHash) as
        | Row
        | undefined;
      return row ? toInvitation(row) : null;
    },

    async renewInvitation(dashboardId, id, change) {
      const result = sql(
        `UPDATE invitations SET token_hash = ?, invited_by = ?, expires_at = ?
         WHERE id = ? AND dashboard_id = ?`,
      ).run(change.tokenHash, change.invitedBy, change.expiresAt, id, dashboardId);
      return result.changes === 0 ? null : getById(id);
    },

    async deleteInvitation(dashboardId, id) {
      const result = sql('DELETE FROM invitations WHERE id = ? AND dashboard_id = ?').run(
        id,
        dashboardId,
      );
      return result.changes > 0;
    },

    async acceptInvitation(id, userId, now) {
      try {
        return db
          .transaction((): Membership | null => {
            const invitation = getById(id);
            if (!invitation || invitation.expiresAt <= now) return null;
            const membership: Membership = {
              dashboardId: invitation.dashboardId,
              userId,
              role: invitation.role,
              createdAt: now,
            };
            sql(
              'INSERT INTO memberships (dashboard_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
            ).run(membership.dashboardId, userId, membership.role, now);
            sql('DELETE FROM invitations WHERE id = ?').run(id);
            return membership;
          })
          .immediate();
      } catch (error) {
        rethrowUnique(error);
      }
    },
  };
}

function toInvitation(r: Row): Invitation {
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    email: r.email as string,
    role: r.role as Role,
    tokenHash: r.token_hash as string,
    invitedBy: r.invited_by as string,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
  };
}
