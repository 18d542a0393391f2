import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';
import { browserClient, type Client, outcome, signUp } from './trpc-client.ts';

/**
 * Every dashboard-scoped procedure, run as a visitor (signed out), a stranger (signed in,
 * not a member), and a member with each role. Each cell gets a fresh dashboard so that no
 * cell's side effects leak into another.
 */

type Role = 'visitor' | 'stranger' | 'user' | 'admin' | 'owner';
const actors: Role[] = ['visitor', 'stranger', 'user', 'admin', 'owner'];

interface Fixture {
  dashboardId: string;
  bucketId: string;
  keyId: string;
  /** A second plain member, the target of member management calls. */
  memberId: string;
  memberEmail: string;
}

let server: TestServer;
let clients: Record<Role, Client>;
let userIds: Record<'user' | 'admin' | 'owner', string>;
let spare: { id: string; email: string }[];

beforeAll(async () => {
  server = await startTestServer();
  const [stranger, user, admin, owner, ...others] = await Promise.all(
    ['Stranger', 'User', 'Admin', 'Owner', 'Extra1', 'Extra2'].map((name) =>
      signUp(server.url, name),
    ),
  );
  clients = {
    visitor: browserClient(server.url).client,
    stranger: stranger!.client,
    user: user!.client,
    admin: admin!.client,
    owner: owner!.client,
  };
  userIds = { user: user!.user.id, admin: admin!.user.id, owner: owner!.user.id };
  spare = others.map((o) => ({ id: o.user.id, email: o.email }));
}, 30_000);
afterAll(() => server.stopAll());

let fixtures = 0;
async function fixture(): Promise<Fixture> {
  const owner = clients.owner;
  const dashboard = await owner.dashboards.create.mutate({ name: `Matrix ${++fixtures}` });
  const dashboardId = dashboard.id;
  await owner.members.add.mutate({ dashboardId, email: await emailOf('user'), role: 'user' });
  await owner.members.add.mutate({ dashboardId, email: await emailOf('admin'), role: 'admin' });
  await owner.members.add.mutate({ dashboardId, email: spare[0]!.email, role: 'user' });
  const bucket = await owner.buckets.create.mutate({ dashboardId, name: 'b', type: 'IV' });
  const key = await owner.apiKeys.create.mutate({ dashboardId, name: 'k', type: 'development' });
  return {
    dashboardId,
    bucketId: bucket.id,
    keyId: key.apiKey.id,
    memberId: spare[0]!.id,
    memberEmail: spare[0]!.email,
  };
}

const emails = new Map<string, string>();
async function emailOf(role: 'user' | 'admin'): Promise<string> {
  if (!emails.has(role)) {
    const me = await clients[role].auth.me.query();
    emails.set(role, me!.email);
  }
  return emails.get(role)!;
}

const OK = 'ok';
const UNAUTH = 'UNAUTHORIZED:unauthenticated';
const NOT_FOUND = 'NOT_FOUND:not_found';
const FORBIDDEN = 'FORBIDDEN:forbidden';

/** procedure → call, and the expected outcome for visitor, stranger, user, admin, owner. */
const matrix: [string, (c: Client, f: Fixture) => Promise<unknown>, string[]][] = [
  [
    'dashboards.get',
    (c, f) => c.dashboards.get.query({ dashboardId: f.dashboardId }),
    [UNAUTH, NOT_FOUND, OK, OK, OK],
  ],
  [
    'dashboards.update',
    (c, f) => c.dashboards.update.mutate({ dashboardId: f.dashboardId, name: 'Renamed' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'dashboards.delete',
    (c, f) => c.dashboards.delete.mutate({ dashboardId: f.dashboardId }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK],
  ],
  [
    'members.list',
    (c, f) => c.members.list.query({ dashboardId: f.dashboardId }),
    [UNAUTH, NOT_FOUND, OK, OK, OK],
  ],
  [
    'members.add',
    (c, f) =>
      c.members.add.mutate({ dashboardId: f.dashboardId, email: spare[1]!.email, role: 'user' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'members.setRole',
    (c, f) =>
      c.members.setRole.mutate({ dashboardId: f.dashboardId, userId: f.memberId, role: 'admin' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'members.remove',
    (c, f) => c.members.remove.mutate({ dashboardId: f.dashboardId, userId: f.memberId }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'shareLinks.list',
    (c, f) => c.shareLinks.list.query({ dashboardId: f.dashboardId }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'shareLinks.create',
    (c, f) => c.shareLinks.create.mutate({ dashboardId: f.dashboardId, name: 'Status' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'shareLinks.regenerate',
    async (c, f) => {
      const { link } = await clients.owner.shareLinks.create.mutate({
        dashboardId: f.dashboardId,
        name: 'Status',
      });
      return c.shareLinks.regenerate.mutate({ dashboardId: f.dashboardId, shareLinkId: link.id });
    },
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'shareLinks.revoke',
    async (c, f) => {
      const { link } = await clients.owner.shareLinks.create.mutate({
        dashboardId: f.dashboardId,
        name: 'Status',
      });
      return c.shareLinks.revoke.mutate({ dashboardId: f.dashboardId, shareLinkId: link.id });
    },
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'buckets.list',
    (c, f) => c.buckets.list.query({ dashboardId: f.dashboardId }),
    [UNAUTH, NOT_FOUND, OK, OK, OK],
  ],
  [
    'buckets.get',
    (c, f) => c.buckets.get.query({ dashboardId: f.dashboardId, bucketId: f.bucketId }),
    [UNAUTH, NOT_FOUND, OK, OK, OK],
  ],
  [
    'buckets.records',
    (c, f) => c.buckets.records.query({ dashboardId: f.dashboardId, bucketId: f.bucketId }),
    [UNAUTH, NOT_FOUND, OK, OK, OK],
  ],
  [
    'buckets.series',
    (c, f) => c.buckets.series.query({ dashboardId: f.dashboardId, bucketId: f.bucketId }),
    [UNAUTH, NOT_FOUND, OK, OK, OK],
  ],
  [
    'buckets.create',
    (c, f) => c.buckets.create.mutate({ dashboardId: f.dashboardId, name: 'n', type: 'KV' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'buckets.rename',
    (c, f) =>
      c.buckets.rename.mutate({ dashboardId: f.dashboardId, bucketId: f.bucketId, name: 'n' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'buckets.purge',
    (c, f) => c.buckets.purge.mutate({ dashboardId: f.dashboardId, bucketId: f.bucketId }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'buckets.delete',
    (c, f) => c.buckets.delete.mutate({ dashboardId: f.dashboardId, bucketId: f.bucketId }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'bucketImport.write',
    (c, f) =>
      c.bucketImport.write.mutate({
        dashboardId: f.dashboardId,
        bucketId: f.bucketId,
        records: [{ key: 1, data: [{ series_key: 1, value: 1 }] }],
      }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'apiKeys.list',
    (c, f) => c.apiKeys.list.query({ dashboardId: f.dashboardId }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'apiKeys.create',
    (c, f) =>
      c.apiKeys.create.mutate({ dashboardId: f.dashboardId, name: 'n', type: 'production' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'apiKeys.revoke',
    (c, f) => c.apiKeys.revoke.mutate({ dashboardId: f.dashboardId, keyId: f.keyId }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
  [
    'apiKeys.roll',
    (c, f) => c.apiKeys.roll.mutate({ dashboardId: f.dashboardId, keyId: f.keyId, grace: '1h' }),
    [UNAUTH, NOT_FOUND, FORBIDDEN, OK, OK],
  ],
];

describe('authorization matrix', () => {
  it.each(matrix)('%s', async (_name, call, expected) => {
    const actual: string[] = [];
    for (const actor of actors) {
      actual.push(await outcome(() => fixture().then((f) => call(clients[actor], f))));
    }
    expect(actual).toEqual(expected);
  });

  it('dashboards.bySlug: members resolve the path, strangers get NOT_FOUND', async () => {
    const f = await fixture();
    const dashboard = await clients.owner.dashboards.get.query({ dashboardId: f.dashboardId });
    const input = { workspace: dashboard.workspace, slug: dashboard.slug };
    const results = await Promise.all(
      actors.map((actor) => outcome(() => clients[actor].dashboards.bySlug.query(input))),
    );
    expect(results).toEqual([UNAUTH, NOT_FOUND, OK, OK, OK]);
  });
});

describe('a stranger cannot tell a foreign id from a random one', () => {
  it('dashboards, buckets and keys answer exactly like ids that never existed', async () => {
    const f = await fixture();
    const stranger = clients.stranger;
    const describeError = async (call: () => Promise<unknown>) => {
      try {
        await call();
        return 'ok';
      } catch (error) {
        const { message, data } = error as { message: string; data: Record<string, unknown> };
        return JSON.stringify({ message, code: data.code, appCode: data.appCode });
      }
    };
    const random = 'AAAAAAAAAAAAAAAAAAAAAA';
    expect(
      await describeError(() => stranger.dashboards.get.query({ dashboardId: f.dashboardId })),
    ).toBe(await describeError(() => stranger.dashboards.get.query({ dashboardId: random })));
    // Inside a dashboard of their own, foreign bucket and key ids look like unknown ones.
    const own = await stranger.dashboards.create.mutate({ name: 'Own' });
    expect(
      await describeError(() =>
        stranger.buckets.records.query({ dashboardId: own.id, bucketId: f.bucketId }),
      ),
    ).toBe(
      await describeError(() =>
        stranger.buckets.records.query({ dashboardId: own.id, bucketId: random }),
      ),
    );
    expect(
      await describeError(() =>
        stranger.apiKeys.revoke.mutate({ dashboardId: own.id, keyId: f.keyId }),
      ),
    ).toBe(
      await describeError(() =>
        stranger.apiKeys.revoke.mutate({ dashboardId: own.id, keyId: random }),
      ),
    );
    expect(await server.store.getApiKey(f.keyId)).toMatchObject({ revokedAt: null });
  });
});

describe('role rules', () => {
  it('nobody grants above their own role; admins cannot touch owners', async () => {
    const f = await fixture();
    const { admin, owner } = clients;
    const d = f.dashboardId;
    expect(
      await outcome(() =>
        admin.members.setRole.mutate({ dashboardId: d, userId: f.memberId, role: 'owner' }),
      ),
    ).toBe(FORBIDDEN);
    expect(
      await outcome(() =>
        admin.members.setRole.mutate({ dashboardId: d, userId: userIds.owner, role: 'user' }),
      ),
    ).toBe(FORBIDDEN);
    expect(
      await outcome(() => admin.members.remove.mutate({ dashboardId: d, userId: userIds.owner })),
    ).toBe(FORBIDDEN);
    expect(
      await outcome(() =>
        admin.members.add.mutate({ dashboardId: d, email: spare[1]!.email, role: 'owner' }),
      ),
    ).toBe(FORBIDDEN);
    expect(
      await outcome(() =>
        owner.members.setRole.mutate({ dashboardId: d, userId: f.memberId, role: 'owner' }),
      ),
    ).toBe(OK);
    expect(
      await outcome(() =>
        owner.members.add.mutate({ dashboardId: d, email: f.memberEmail, role: 'user' }),
      ),
    ).toBe('CONFLICT:already_member');
  });

  it('the last owner can neither leave nor be demoted; with a second owner they can', async () => {
    const f = await fixture();
    const { owner } = clients;
    const d = f.dashboardId;
    const lastOwner = 'CONFLICT:last_owner';
    expect(
      await outcome(() =>
        owner.members.setRole.mutate({ dashboardId: d, userId: userIds.owner, role: 'admin' }),
      ),
    ).toBe(lastOwner);
    expect(
      await outcome(() => owner.members.remove.mutate({ dashboardId: d, userId: userIds.owner })),
    ).toBe(lastOwner);
    await owner.members.setRole.mutate({ dashboardId: d, userId: userIds.admin, role: 'owner' });
    expect(
      await outcome(() => owner.members.remove.mutate({ dashboardId: d, userId: userIds.owner })),
    ).toBe(OK);
    expect(await outcome(() => owner.dashboards.get.query({ dashboardId: d }))).toBe(NOT_FOUND);
  });

  it('any member may leave a dashboard', async () => {
    const f = await fixture();
    expect(
      await outcome(() =>
        clients.user.members.remove.mutate({ dashboardId: f.dashboardId, userId: userIds.user }),
      ),
    ).toBe(OK);
    expect(
      await outcome(() => clients.user.dashboards.get.query({ dashboardId: f.dashboardId })),
    ).toBe(NOT_FOUND);
  });
});
