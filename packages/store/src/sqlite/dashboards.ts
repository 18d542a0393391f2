import type { Role } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { DashboardStore, MemberStore } from '../roles/tenancy.ts';
import { type Dashboard, LastOwner, type Membership, MissingEntity } from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure, missingReference, rethrowUnique } from './errors.ts';
import type { SqliteSweeper } from './sweeper.ts';

export function dashboardMethods(
  sqlite: SqliteDb,
  sweeper: SqliteSweeper,
  writeActivity: ActivityWriter,
): DashboardStore & MemberStore {
  const { db, sql } = sqlite;
  const missingDashboardOr = missingReference(sqlite);
  const getDashboard = async (id: string) => {
    const row = sql('SELECT * FROM dashboards WHERE id = ?').get(id) as Row | undefined;
    return row ? toDashboard(row) : null;
  };

  /**
   * Runs `change` on the member's row unless it is the dashboard's last owner. IMMEDIATE takes
   * the write lock before the count, so another process (the CLI) cannot change the owners
   * between the count and the change.
   */
  const changeUnlessLastOwner = (
    dashboardId: string,
    userId: string,
    change: () => void,
    keepsOwner: boolean,
  ) =>
    db
      .transaction(() => {
        const target = sql(
          'SELECT role FROM memberships WHERE dashboard_id = ? AND user_id = ?',
        ).get(dashboardId, userId) as { role: Role } | undefined;
        if (!target) return;
        if (target.role === 'owner' && !keepsOwner) {
          const { n } = sql(
            `SELECT count(*) AS n FROM memberships WHERE dashboard_id = ? AND role = 'owner'`,
          ).get(dashboardId) as { n: number };
          if (n <= 1) throw new LastOwner();
        }
        change();
      })
      .immediate();
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
        // The dashboard is new: only the owner can be missing.
        if (isForeignKeyFailure(error)) throw new MissingEntity('user');
        rethrowUnique(error);
      }
      return dashboard;
    },

    getDashboard,

    async getDashboardForMember(ref, userId) {
      // The same statement shape on both paths: a missing dashboard and a foreign one both
      // come back as no row from one indexed lookup.
      const row = (
        typeof ref === 'string'
          ? sql(
              `SELECT d.*, m.role FROM dashboards d
               JOIN memberships m ON m.dashboard_id = d.id AND m.user_id = ?
               WHERE d.id = ?`,
            ).get(userId, ref)
          : sql(
              `SELECT d.*, m.role FROM dashboards d
               JOIN memberships m ON m.dashboard_id = d.id AND m.user_id = ?
               WHERE d.workspace = ? AND d.slug = ?`,
            ).get(userId, ref.workspace, ref.slug)
      ) as Row | undefined;
      return row ? { ...toDashboard(row), role: row.role as Role } : null;
    },

    async listDashboardsForUser(userId) {
      const rows = sql(
        `SELECT d.*, m.role FROM dashboards d JOIN memberships m ON m.dashboard_id = d.id
         WHERE m.user_id = ? ORDER BY d.created_at, d.id`,
      ).all(userId) as Row[];
      return rows.map((row) => ({ ...toDashboard(row), role: row.role as Role }));
    },

    async updateDashboard(id, patch, activity) {
      try {
        db.transaction(() => {
          sql(
            `UPDATE dashboards SET name = coalesce(?, name), slug = coalesce(?, slug),
             retention = coalesce(?, retention) WHERE id = ?`,
          ).run(patch.name ?? null, patch.slug ?? null, patch.retention ?? null, id);
          // Buckets now over their retention are trimmed by upkeep (Store.maintain), in batches.
          if (patch.retention !== undefined) {
            sql(
              `INSERT OR IGNORE INTO retention_backlog (bucket)
               SELECT rowid FROM buckets WHERE dashboard_id = ? AND record_count > ?`,
            ).run(id, patch.retention);
          }
          writeActivity(activity);
        })();
      } catch (error) {
        rethrowUnique(error);
      }
      return getDashboard(id);
    },

    async deleteDashboard(id, activity) {
      // Gone from every read at once; upkeep removes its records in batches (sweeper.ts).
      db.transaction(() => {
        sweeper.mark('SELECT rowid FROM buckets WHERE dashboard_id = ?', id);
        // Buckets, keys, memberships and the layout go with it through ON DELETE CASCADE.
        sql('DELETE FROM dashboards WHERE id = ?').run(id);
        writeActivity(activity);
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
         WHERE m.dashboard_id = ? ORDER BY m.created_at, m.user_id`,
      ).all(dashboardId) as Row[];
      return rows.map((row) => ({
        ...toMembership(row),
        email: row.email as string,
        name: row.name as string,
      }));
    },

    async addMember(dashboardId, userId, role, activity) {
      const membership: Membership = { dashboardId, userId, role, createdAt: Date.now() };
      try {
        db.transaction(() => {
          sql(
            'INSERT INTO memberships (dashboard_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
          ).run(dashboardId, userId, role, membership.createdAt);
          writeActivity(activity);
        })();
      } catch (error) {
        if (isForeignKeyFailure(error)) throw missingDashboardOr('user', dashboardId);
        rethrowUnique(error);
      }
      return membership;
    },

    async setMemberRole(dashboardId, userId, role, activity) {
      changeUnlessLastOwner(
        dashboardId,
        userId,
        () => {
          sql('UPDATE memberships SET role = ? WHERE dashboard_id = ? AND user_id = ?').run(
            role,
            dashboardId,
            userId,
          );
          writeActivity(activity);
        },
        role === 'owner',
      );
    },

    async removeMember(dashboardId, userId, activity) {
      changeUnlessLastOwner(
        dashboardId,
        userId,
        () => {
          sql('DELETE FROM memberships WHERE dashboard_id = ? AND user_id = ?').run(
            dashboardId,
            userId,
          );
          writeActivity(activity);
        },
        false,
      );
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
