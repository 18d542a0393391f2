import {
  apiKeyState,
  CLI_AUTHOR,
  createApiKey,
  createBucket,
  createDashboard,
  createUser,
  getApiKeyOrThrow,
  getDashboardOrThrow,
  getUserByEmailOrThrow,
  listActivity,
  listApiKeys,
  listBuckets,
  listDashboardsForUser,
  revokeApiKey,
  scopeView,
  setUserPassword,
} from '@bucketgrid/services';
import {
  type ApiKeyType,
  AppError,
  activityActionSchema,
  activityActions,
  type BucketType,
  type KeyPermission,
  MAX_ACTIVITY_PAGE,
} from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import { importCsv } from './csv-import.ts';

export interface OptionSpec {
  /** What to pass, as the help shows it: `--email EMAIL`. */
  value: string;
  description: string;
  optional?: true;
}

export interface Command {
  summary: string;
  options: Record<string, OptionSpec>;
  /** Runs with every required option present; returns the one JSON object to print. */
  run(store: Store, options: Record<string, string | undefined>): Promise<Record<string, unknown>>;
}

/** Every command, by noun and verb. */
export const commands: Record<string, Record<string, Command>> = {
  user: {
    create: {
      summary: 'Create a user (who can then sign in to the web app).',
      options: {
        email: { value: 'EMAIL', description: 'their sign-in email' },
        password: { value: 'PASSWORD', description: 'at least 10 characters, not a common one' },
        name: { value: 'NAME', description: 'their display name' },
      },
      run: async (store, o) => {
        const user = await createUser(store, {
          email: o.email!,
          password: o.password!,
          name: o.name!,
        });
        return { id: user.id, email: user.email, workspace: user.workspace };
      },
    },
    'set-password': {
      summary: 'Set a user’s password and sign them out everywhere (when email is off).',
      options: {
        email: { value: 'EMAIL', description: 'their sign-in email' },
        password: { value: 'PASSWORD', description: 'at least 10 characters, not a common one' },
      },
      run: async (store, o) => {
        const user = await setUserPassword(store, { email: o.email!, password: o.password! });
        return { id: user.id, email: user.email, sessionsEnded: true };
      },
    },
  },
  dashboard: {
    create: {
      summary: 'Create a dashboard owned by a user.',
      options: {
        owner: { value: 'EMAIL', description: 'the owner’s email' },
        name: { value: 'NAME', description: 'the dashboard’s name' },
        slug: {
          value: 'SLUG',
          description: 'its URL slug (default: from the name)',
          optional: true,
        },
        retention: {
          value: 'N',
          description: 'records each bucket keeps: 1000, 10000, 100000 (default) or 1000000',
          optional: true,
        },
      },
      run: async (store, o) => {
        const owner = await getUserByEmailOrThrow(store, o.owner!);
        const dashboard = await createDashboard(store, {
          ownerId: owner.id,
          name: o.name!,
          slug: o.slug,
          retention: o.retention === undefined ? undefined : Number(o.retention),
        });
        return { id: dashboard.id, slug: dashboard.slug };
      },
    },
    list: {
      summary: 'List the dashboards a user is a member of, with their role.',
      options: { user: { value: 'EMAIL', description: 'the user’s email' } },
      run: async (store, o) => {
        const user = await getUserByEmailOrThrow(store, o.user!);
        const dashboards = await listDashboardsForUser(store, user.id);
        return {
          dashboards: dashboards.map((d) => ({
            id: d.id,
            name: d.name,
            path: `/${d.workspace}/${d.slug}`,
            role: d.role,
            retention: d.retention,
            createdAt: d.createdAt,
          })),
        };
      },
    },
  },
  activity: {
    list: {
      summary:
        "List a dashboard's activity log, newest first (who changed what, when, from where).",
      options: {
        dashboard: { value: 'ID', description: 'the dashboard’s id' },
        action: {
          value: 'ACTION',
          description: 'only this action (key.created, …)',
          optional: true,
        },
        limit: {
          value: 'N',
          description: `at most this many entries (default 50, at most ${MAX_ACTIVITY_PAGE})`,
          optional: true,
        },
        cursor: {
          value: 'CURSOR',
          description: 'the nextCursor of the page before',
          optional: true,
        },
      },
      run: async (store, o) => {
        const dashboard = await getDashboardOrThrow(store, o.dashboard!);
        const limit = o.limit === undefined ? 50 : Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ACTIVITY_PAGE) {
          throw new AppError(
            'invalid_input',
            `--limit: a whole number from 1 to ${MAX_ACTIVITY_PAGE}`,
          );
        }
        const action =
          o.action === undefined ? undefined : activityActionSchema.safeParse(o.action);
        if (action && !action.success) {
          throw new AppError('invalid_input', `--action: one of ${activityActions.join(', ')}`);
        }
        const page = await listActivity(
          store,
          dashboard.id,
          { action: action?.data },
          { limit, cursor: o.cursor },
        );
        return { entries: page.entries, nextCursor: page.nextCursor };
      },
    },
  },
  bucket: {
    create: {
      summary: 'Create a bucket in a dashboard.',
      options: {
        dashboard: { value: 'ID', description: 'the dashboard’s id' },
        name: { value: 'NAME', description: 'the bucket’s name' },
        type: {
          value: 'TYPE',
          description: 'TSV (time keys), KV (string keys) or IV (integer keys); fixed for good',
        },
      },
      run: async (store, o) => {
        const bucket = await createBucket(
          store,
          { dashboardId: o.dashboard!, name: o.name!, type: o.type as BucketType },
          CLI_AUTHOR,
        );
        return { id: bucket.id, type: bucket.type };
      },
    },
    import: {
      summary:
        'Import a CSV file into a bucket (streamed, in batches of 5,000): the key from one column, series from the others (matched by series name).',
      options: {
        bucket: { value: 'ID', description: 'the bucket’s id' },
        file: { value: 'FILE', description: 'the CSV file; its first row names the columns' },
        'key-column': { value: 'NAME', description: 'the column holding each record’s key' },
        series: {
          value: 'NAME=SK,…',
          description: 'only these columns, to these series keys (default: every other column)',
          optional: true,
        },
        'time-format': {
          value: 'FORMAT',
          description:
            'TSV keys: iso (default; no zone = UTC), unix_s, unix_ms, or a pattern such as "DD.MM.YYYY HH:mm:ss" (UTC)',
          optional: true,
        },
        'bad-rows': {
          value: 'all|skip',
          description: 'all (default): write nothing if a row fails; skip: write the rest',
          optional: true,
        },
      },
      run: async (store, o) => {
        const bucket = await store.getBucket(o.bucket!);
        if (!bucket) throw new AppError('not_found', `No bucket ${o.bucket} (check its id).`);
        const report = await importCsv(store, bucket, {
          file: o.file!,
          keyColumn: o['key-column']!,
          series: o.series,
          timeFormat: o['time-format'],
          badRows: o['bad-rows'],
        });
        return { bucket: bucket.id, ...report };
      },
    },
    list: {
      summary: 'List the buckets of a dashboard.',
      options: { dashboard: { value: 'ID', description: 'the dashboard’s id' } },
      run: async (store, o) => {
        const dashboard = await getDashboardOrThrow(store, o.dashboard!);
        const buckets = await listBuckets(store, dashboard.id);
        return {
          buckets: buckets.map((b) => ({
            id: b.id,
            name: b.name,
            type: b.type,
            recordCount: b.recordCount,
            lastWriteAt: b.lastWriteAt,
            createdAt: b.createdAt,
          })),
        };
      },
    },
  },
  key: {
    create: {
      summary: 'Create an API key for a dashboard; the key is printed this once.',
      options: {
        dashboard: { value: 'ID', description: 'the dashboard’s id' },
        name: { value: 'NAME', description: 'what the key is for' },
        type: { value: 'TYPE', description: 'production or development' },
        scopes: {
          value: 'LIST',
          description: 'what it may do, of write,read,delete (default: all three)',
          optional: true,
        },
        buckets: {
          value: 'IDS',
          description: 'the only bucket ids it may touch, comma-separated (default: all)',
          optional: true,
        },
      },
      run: async (store, o) => {
        const { apiKey, key } = await createApiKey(
          store,
          {
            dashboardId: o.dashboard!,
            name: o.name!,
            type: o.type as ApiKeyType,
            createdBy: null,
            scopes: listOption(o.scopes) as KeyPermission[] | undefined,
            bucketIds: listOption(o.buckets),
          },
          Date.now(),
          CLI_AUTHOR,
        );
        return { id: apiKey.id, key, ...scopeView(apiKey) };
      },
    },
    list: {
      summary: 'List the API keys of a dashboard (never the keys themselves).',
      options: { dashboard: { value: 'ID', description: 'the dashboard’s id' } },
      run: async (store, o) => {
        const dashboard = await getDashboardOrThrow(store, o.dashboard!);
        const now = Date.now();
        const keys = await listApiKeys(store, dashboard.id);
        return {
          keys: keys.map((k) => ({
            id: k.id,
            name: k.name,
            type: k.type,
            hint: k.hint,
            ...scopeView(k),
            state: apiKeyState(k, now),
            createdAt: k.createdAt,
            lastUsedAt: k.lastUsedAt,
            expiresAt: k.expiresAt,
            revokedAt: k.revokedAt,
          })),
        };
      },
    },
    revoke: {
      summary: 'Revoke an API key, at once and for good.',
      options: { id: { value: 'ID', description: 'the key’s id (from key list)' } },
      run: async (store, o) => {
        const key = await getApiKeyOrThrow(store, o.id!);
        const revoked = await revokeApiKey(store, key, Date.now(), CLI_AUTHOR);
        return { id: revoked.id, revokedAt: revoked.revokedAt };
      },
    },
  },
};

/** A comma-separated option as a list; absent stays absent. */
function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim());
}
