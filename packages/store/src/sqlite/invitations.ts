import type { Role } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { Invitation, InvitationWithInviter, Membership, Store } from '../store.ts';
import type { ActivityWriter } from './activity.ts';
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

export function invitationMethods(
  sqlite: SqliteDb,
  writeActivity: ActivityWriter,
): InvitationMethods {
  const { db, sql } = sqlite;
  const missingDashboardOr = missingReference(sqlite);
  const getById = (id: string) => {
    const row = sql('SELECT * FROM invitations WHERE id = ?').get(id) as Row | undefined;
    return row ? toInvitation(row) : null;
  };
  return {
    async createInvitation(input, activity) {
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
          writeActivity(
            activity && { ...activity, target: { ...activity.target, id: invitation.id } },
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

    async renewInvitation(dashboardId, id, change, activity) {
      return db.transaction(() => {
        const result = sql(
          `UPDATE invitations SET token_hash = ?, invited_by = ?, expires_at = ?
           WHERE id = ? AND dashboard_id = ?`,
        ).run(change.tokenHash, change.invitedBy, change.expiresAt, id, dashboardId);
        if (result.changes === 0) return null;
        writeActivity(activity);
        return getById(id);
      })();
    },

    async deleteInvitation(dashboardId, id, activity) {
      return db.transaction(() => {
        const result = sql('DELETE FROM invitations WHERE id = ? AND dashboard_id = ?').run(
          id,
          dashboardId,
        );
        if (result.changes > 0) writeActivity(activity);
        return result.changes > 0;
      })();
    },

    async acceptInvitation(id, userId, now, activity) {
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
            writeActivity(activity);
            return membership;
          })
          .immediate();
      } catch (error) {
        rethrowUnique(error);
      }
    },
  };
}

/** Expired invitations and password resets one upkeep step removes, of each. */
const EXPIRE_BATCH = 1_000;

/**
 * Upkeep: removes a batch of the invitations and password resets that expired by `now` (the
 * real clock); says whether more may remain. Neither is ever used once expired.
 */
export function expireLinkTokens({ sql }: SqliteDb, now: number): boolean {
  const invitations = sql(
    `DELETE FROM invitations WHERE id IN
       (SELECT id FROM invitations WHERE expires_at <= ? LIMIT ${EXPIRE_BATCH})`,
  ).run(now).changes;
  const resets = sql(
    `DELETE FROM password_resets WHERE token_hash IN
       (SELECT token_hash FROM password_resets WHERE expires_at <= ? LIMIT ${EXPIRE_BATCH})`,
  ).run(now).changes;
  return invitations === EXPIRE_BATCH || resets === EXPIRE_BATCH;
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
