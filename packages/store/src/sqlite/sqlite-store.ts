import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataRecord, ReadQuery, Role } from '@bucketgrid/shared';
import Database from 'better-sqlite3';
import { newId } from '../ids.ts';
import type {
  ApiKeyRecord,
  Bucket,
  Dashboard,
  Membership,
  MemberWithUser,
  ReadResult,
  RecordSelection,
  Session,
  Store,
  User,
  WriteMode,
  WriteResult,
} from '../store.ts';
import { UniqueViolation } from '../store.ts';
import { GroupCommit } from './group-commit.ts';
import { SqliteRecords } from './records.ts';
import { migrate } from './schema.ts';

type Row = Record<string, unknown>;

const toUser = (r: Row): User => ({
  id: r.id as string,
  email: r.email as string,
  name: r.name as string,
  workspace: r.workspace as string,
  passwordHash: r.password_hash as string,
  createdAt: r.created_at as number,
});

const toSession = (r: Row): Session => ({
  id: r.id as string,
  userId: r.user_id as string,
  expiresAt: r.expires_at as number,
});

const toDashboard = (r: Row): Dashboard => ({
  id: r.id as string,
  workspace: r.workspace as string,
  slug: r.slug as string,
  name: r.name as string,
  retention: r.retention as number,
  createdAt: r.created_at as number,
});

const toBucket = (r: Row): Bucket => ({
  id: r.id as string,
  dashboardId: r.dashboard_id as string,
  name: r.name as string,
  type: r.type as Bucket['type'],
  retention: r.retention as number,
  recordCount: r.record_count as number,
  lastWriteAt: r.last_write_at as number | null,
  createdAt: r.created_at as number,
});

const toApiKey = (r: Row): ApiKeyRecord => ({
  id: r.id as string,
  dashboardId: r.dashboard_id as string,
  name: r.name as string,
  type: r.type as ApiKeyRecord['type'],
  hash: r.hash as string,
  hint: r.hint as string,
  createdBy: r.created_by as string | null,
  createdAt: r.created_at as number,
  expiresAt: r.expires_at as number | null,
  revokedAt: r.revoked_at as number | null,
  lastUsedAt: r.last_used_at as number | null,
});

const BUCKET_SELECT = `SELECT b.*, d.retention FROM buckets b JOIN dashboards d ON d.id = b.dashboard_id`;

/** Turns SQLite's unique-constraint error into the store's UniqueViolation. */
function rethrowUnique(error: unknown): never {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('UNIQUE constraint failed')) {
    if (message.includes('users.email')) throw new UniqueViolation('email');
    if (message.includes('users.workspace')) throw new UniqueViolation('workspace');
    if (message.includes('dashboards.')) throw new UniqueViolation('slug');
    if (message.includes('memberships.')) throw new UniqueViolation('membership');
  }
  throw error;
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly records: SqliteRecords;
  private readonly groupCommit: GroupCommit;

  constructor(private readonly db: Database.Database) {
    this.records = new SqliteRecords(db);
    this.groupCommit = new GroupCommit(db);
  }

  /** Prepares each SQL text once and reuses the statement. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.groupCommit.drain();
    this.db.close();
  }

  async createUser(input: Omit<User, 'id' | 'createdAt'>): Promise<User> {
    const user: User = { id: newId(), createdAt: Date.now(), ...input };
    try {
      this.sql(
        `INSERT INTO users (id, email, name, workspace, password_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(user.id, user.email, user.name, user.workspace, user.passwordHash, user.createdAt);
    } catch (error) {
      rethrowUnique(error);
    }
    return user;
  }

  async getUserById(id: string): Promise<User | null> {
    const row = this.sql('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row ? toUser(row) : null;
  }

  async getUserByEmail(email: string): Promise<User | null> {
    const row = this.sql('SELECT * FROM users WHERE email = ?').get(email) as Row | undefined;
    return row ? toUser(row) : null;
  }

  async setUserPassword(userId: string, passwordHash: string): Promise<void> {
    this.sql('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
  }

  async createSession(session: Session): Promise<void> {
    this.sql('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)').run(
      session.id,
      session.userId,
      session.expiresAt,
    );
  }

  async getSession(id: string): Promise<Session | null> {
    const row = this.sql('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    if (!row) return null;
    return {
      id: row.id as string,
      userId: row.user_id as string,
      expiresAt: row.expires_at as number,
    };
  }

  async listUserSessions(userId: string): Promise<Session[]> {
    const rows = this.sql('SELECT * FROM sessions WHERE user_id = ? ORDER BY expires_at').all(
      userId,
    ) as Row[];
    return rows.map(toSession);
  }

  async setSessionExpiry(id: string, expiresAt: number): Promise<void> {
    this.sql('UPDATE sessions SET expires_at = ? WHERE id = ?').run(expiresAt, id);
  }

  async deleteSession(id: string): Promise<void> {
    this.sql('DELETE FROM sessions WHERE id = ?').run(id);
  }

  async deleteUserSessions(userId: string): Promise<void> {
    this.sql('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  async deleteExpiredSessions(now: number): Promise<void> {
    this.sql('DELETE FROM sessions WHERE expires_at <= ?').run(now);
  }

  async createDashboard(
    input: Omit<Dashboard, 'id' | 'createdAt'> & { ownerId: string },
  ): Promise<Dashboard> {
    const { ownerId, ...fields } = input;
    const dashboard: Dashboard = { id: newId(), createdAt: Date.now(), ...fields };
    try {
      this.db.transaction(() => {
        this.sql(
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
        this.sql(
          `INSERT INTO memberships (dashboard_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)`,
        ).run(dashboard.id, ownerId, dashboard.createdAt);
      })();
    } catch (error) {
      rethrowUnique(error);
    }
    return dashboard;
  }

  async getDashboard(id: string): Promise<Dashboard | null> {
    const row = this.sql('SELECT * FROM dashboards WHERE id = ?').get(id) as Row | undefined;
    return row ? toDashboard(row) : null;
  }

  async getDashboardBySlug(workspace: string, slug: string): Promise<Dashboard | null> {
    const row = this.sql('SELECT * FROM dashboards WHERE workspace = ? AND slug = ?').get(
      workspace,
      slug,
    ) as Row | undefined;
    return row ? toDashboard(row) : null;
  }

  async listDashboardsForUser(userId: string): Promise<(Dashboard & { role: Role })[]> {
    const rows = this.sql(
      `SELECT d.*, m.role FROM dashboards d JOIN memberships m ON m.dashboard_id = d.id
       WHERE m.user_id = ? ORDER BY d.created_at, d.id`,
    ).all(userId) as Row[];
    return rows.map((row) => ({ ...toDashboard(row), role: row.role as Role }));
  }

  async updateDashboard(
    id: string,
    patch: Partial<Pick<Dashboard, 'name' | 'slug' | 'retention'>>,
  ): Promise<Dashboard | null> {
    try {
      this.sql(
        `UPDATE dashboards SET name = coalesce(?, name), slug = coalesce(?, slug),
         retention = coalesce(?, retention) WHERE id = ?`,
      ).run(patch.name ?? null, patch.slug ?? null, patch.retention ?? null, id);
    } catch (error) {
      rethrowUnique(error);
    }
    return this.getDashboard(id);
  }

  async deleteDashboard(id: string): Promise<void> {
    this.db.transaction(() => {
      this.sql(
        'DELETE FROM records WHERE bucket IN (SELECT rowid FROM buckets WHERE dashboard_id = ?)',
      ).run(id);
      // Buckets, keys and memberships go with it through ON DELETE CASCADE.
      this.sql('DELETE FROM dashboards WHERE id = ?').run(id);
    })();
  }

  async getMembership(dashboardId: string, userId: string): Promise<Membership | null> {
    const row = this.sql('SELECT * FROM memberships WHERE dashboard_id = ? AND user_id = ?').get(
      dashboardId,
      userId,
    ) as Row | undefined;
    if (!row) return null;
    return {
      dashboardId,
      userId,
      role: row.role as Role,
      createdAt: row.created_at as number,
    };
  }

  async listMembers(dashboardId: string): Promise<MemberWithUser[]> {
    const rows = this.sql(
      `SELECT m.*, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.dashboard_id = ? ORDER BY m.created_at, u.email`,
    ).all(dashboardId) as Row[];
    return rows.map((row) => ({
      dashboardId,
      userId: row.user_id as string,
      role: row.role as Role,
      createdAt: row.created_at as number,
      email: row.email as string,
      name: row.name as string,
    }));
  }

  async addMember(dashboardId: string, userId: string, role: Role): Promise<Membership> {
    const membership: Membership = { dashboardId, userId, role, createdAt: Date.now() };
    try {
      this.sql(
        'INSERT INTO memberships (dashboard_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
      ).run(dashboardId, userId, role, membership.createdAt);
    } catch (error) {
      rethrowUnique(error);
    }
    return membership;
  }

  async setMemberRole(dashboardId: string, userId: string, role: Role): Promise<void> {
    this.sql('UPDATE memberships SET role = ? WHERE dashboard_id = ? AND user_id = ?').run(
      role,
      dashboardId,
      userId,
    );
  }

  async removeMember(dashboardId: string, userId: string): Promise<void> {
    this.sql('DELETE FROM memberships WHERE dashboard_id = ? AND user_id = ?').run(
      dashboardId,
      userId,
    );
  }

  async countOwners(dashboardId: string): Promise<number> {
    const row = this.sql(
      `SELECT count(*) AS n FROM memberships WHERE dashboard_id = ? AND role = 'owner'`,
    ).get(dashboardId) as { n: number };
    return row.n;
  }

  async createBucket(input: {
    dashboardId: string;
    name: string;
    type: Bucket['type'];
  }): Promise<Bucket> {
    const id = newId();
    this.sql(
      'INSERT INTO buckets (id, dashboard_id, name, type, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(id, input.dashboardId, input.name, input.type, Date.now());
    return (await this.getBucket(id))!;
  }

  async getBucket(id: string): Promise<Bucket | null> {
    const row = this.sql(`${BUCKET_SELECT} WHERE b.id = ?`).get(id) as Row | undefined;
    return row ? toBucket(row) : null;
  }

  async listBuckets(dashboardId: string): Promise<Bucket[]> {
    const rows = this.sql(
      `${BUCKET_SELECT} WHERE b.dashboard_id = ? ORDER BY b.created_at, b.rowid`,
    ).all(dashboardId) as Row[];
    return rows.map(toBucket);
  }

  async renameBucket(id: string, name: string): Promise<void> {
    this.sql('UPDATE buckets SET name = ? WHERE id = ?').run(name, id);
  }

  async deleteBucket(id: string): Promise<void> {
    this.db.transaction(() => {
      this.sql('DELETE FROM records WHERE bucket = (SELECT rowid FROM buckets WHERE id = ?)').run(
        id,
      );
      this.sql('DELETE FROM buckets WHERE id = ?').run(id);
    })();
  }

  upsertRecords(bucket: Bucket, records: DataRecord[], mode: WriteMode): Promise<WriteResult> {
    return this.groupCommit.submit(() => this.records.upsert(bucket, records, mode));
  }

  async readRecords(bucket: Bucket, query: ReadQuery): Promise<ReadResult> {
    return this.records.read(bucket, query);
  }

  async deleteRecords(bucket: Bucket, selection: RecordSelection): Promise<number> {
    return this.db.transaction(() => this.records.delete(bucket, selection))();
  }

  async purgeRecords(bucket: Bucket): Promise<number> {
    return this.db.transaction(() => this.records.purge(bucket))();
  }

  async createApiKey(
    input: Omit<ApiKeyRecord, 'id' | 'revokedAt' | 'lastUsedAt'>,
  ): Promise<ApiKeyRecord> {
    const key: ApiKeyRecord = { id: newId(), revokedAt: null, lastUsedAt: null, ...input };
    this.sql(
      `INSERT INTO api_keys (id, dashboard_id, name, type, hash, hint, created_by, created_at,
         expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      key.id,
      key.dashboardId,
      key.name,
      key.type,
      key.hash,
      key.hint,
      key.createdBy,
      key.createdAt,
      key.expiresAt,
    );
    return key;
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | null> {
    const row = this.sql('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
    return row ? toApiKey(row) : null;
  }

  async getApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = this.sql('SELECT * FROM api_keys WHERE hash = ?').get(hash) as Row | undefined;
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(dashboardId: string): Promise<ApiKeyRecord[]> {
    const rows = this.sql(
      'SELECT * FROM api_keys WHERE dashboard_id = ? ORDER BY created_at DESC, id',
    ).all(dashboardId) as Row[];
    return rows.map(toApiKey);
  }

  async revokeApiKey(id: string, at: number): Promise<void> {
    this.sql('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id);
  }

  async setApiKeyExpiry(id: string, expiresAt: number | null): Promise<void> {
    this.sql('UPDATE api_keys SET expires_at = ? WHERE id = ?').run(expiresAt, id);
  }

  async touchApiKeys(lastUsed: Map<string, number>): Promise<void> {
    const touch = this.sql(
      'UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?',
    );
    this.db.transaction(() => {
      for (const [id, at] of lastUsed) touch.run(at, id);
    })();
  }
}

/** Opens (creating if needed) the database file, in WAL mode with full fsync on commit. */
export function openSqliteStore(path: string): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: every commit fsyncs the WAL, so an acknowledged write survives a power loss.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db);
}
