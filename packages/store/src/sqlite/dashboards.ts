import type { Role } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { Dashboard, Membership, Store } from '../store.ts';
import type { Row, SqliteDb } from './connection.ts';
import { rethrowUnique } from './errors.ts';

type DashboardMethods = Pick<
  Store,
  | 'createDashboard'
  | 'getDashboard'
  | 'getDashboardBySlug'
  | 'listDashboardsForUser'
  | 'updateDashboard'
  | 'deleteDashboard'
  | 'getMembership'
  | 'listMembers'
  | 'addMember'
  | 'setMemberRole'
  | 'removeMember'
  | 'countOwners'
>;

export function dashboardMethods({ db, sql }: SqliteDb): DashboardMethods {
  const getDashboard = async (id: string) => {
    const row = sql('SELECT * FROM dashboards WHERE id = ?').get(id) as Row | undefined;
    return row ? toDashboard(row) : null;
  };
  return {
    async createDashboard(input) {
      const { ownerId, ...fields } = input;
      const dashboard: Dashboard = { id: newId(), createdAt: Date.now(), ...fields };
      try {
        db.transaction(() => {
          sql(
            `INSERT INTO dashboards (id, workspace, slug, name, retention, created_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          ).run(
            dashboard.id,
            dashboard.workspace,
            dashboard.slug,
            dashboard.name,
            dashboard.retention,
            dashboard.createdAt,
          );
          sql(
            `INSERT INTO memberships (dashboard_id, user_id, role, created_at)
             VALUES (?, ?, 'owner', ?)`,
          ).run(dashboard.id, ownerId, dashboard.createdAt);
        })();
      } catch (error) {
        rethrowUnique(error);
      }
      return dashboard;
    },

    getDashboard,

    async getDashboardBySlug(workspace, slug) {
      const row = sql('SELECT * FROM dashboards WHERE workspace = ? AND slug = ?').get(
        workspace,
        slug,
      ) as Row | undefined;
      return row ? toDashboard(row) : null;
    },

    async listDashboardsForUser(userId) {
      const rows = sql(
        `SELECT d.*, m.role FROM dashboards d JOIN memberships m ON m.dashboard_id = d.id
         WHERE m.user_id = ? ORDER BY d.created_at, d.id`,
      ).all(userId) as Row[];
      return rows.map((row) => ({ ...toDashboard(row), role: row.role as Role }));
    },

    async updateDashboard(id, patch) {
      try {
        sql(
          `UPDATE dashboards SET name = coalesce(?, name), slug = coalesce(?, slug),
           retention = coalesce(?, retention) WHERE id = ?`,
        ).run(patch.name ?? null, patch.slug ?? null, patch.retention ?? null, id);
      } catch (error) {
        rethrowUnique(error);
      }
      return getDashboard(id);
    },

    async deleteDashboard(id) {
      db.transaction(() => {
        sql(
          'DELETE FROM records WHERE bucket IN (SELECT rowid FROM buckets WHERE dashboard_id = ?)',
        ).run(id);
        // Buckets, keys and memberships go with it through ON DELETE CASCADE.
        sql('DELETE FROM dashboards WHERE id = ?').run(id);
      })();
    },

    async getMembership(dashboardId, userId) {
      const row = sql('SELECT * FROM memberships WHERE dashboard_id = ? AND user_id = ?').get(
        dashboardId,
        userId,
      ) as Row | undefined;
      return row ? toMembership(row) : null;
    },

    async listMembers(dashboardId) {
      const rows = sql(
        `SELECT m.*, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.dashboard_id = ? ORDER BY m.created_at, u.email`,
      ).all(dashboardId) as Row[];
      return rows.map((row) => ({
        ...toMembership(row),
        email: row.email as string,
        name: row.name as string,
      }));
    },

    async addMember(dashboardId, userId, role) {
      const membership: Membership = { dashboardId, userId, role, createdAt: Date.now() };
      try {
        sql(
          'INSERT INTO memberships (dashboard_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
        ).run(dashboardId, userId, role, membership.createdAt);
      } catch (error) {
        rethrowUnique(error);
      }
      return membership;
    },

    async setMemberRole(dashboardId, userId, role) {
      sql('UPDATE memberships SET role = ? WHERE dashboard_id = ? AND user_id = ?').run(
        role,
        dashboardId,
        userId,
      );
    },

    async removeMember(dashboardId, userId) {
      sql('DELETE FROM memberships WHERE dashboard_id = ? AND user_id = ?').run(
        dashboardId,
        userId,
      );
    },

    async countOwners(dashboardId) {
      const row = sql(
        `SELECT count(*) AS n FROM memberships WHERE dashboard_id = ? AND role = 'owner'`,
      ).get(dashboardId) as { n: number };
      return row.n;
    },
  };
}

function toDashboard(r: Row): Dashboard {
  return {
    id: r.id as string,
    workspace: r.workspace as string,
    slug: r.slug as string,
    name: r.name as string,
    retention: r.retention as number,
    createdAt: r.created_at as number,
  };
}

function toMembership(r: Row): Membership {
  return {
    dashboardId: r.dashboard_id as string,
    userId: r.user_id as string,
    role: r.role as Role,
    createdAt: r.created_at as number,
  };
}
