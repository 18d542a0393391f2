import { MAX_ACTIVITY_PAGE, MAX_USER_AGENT } from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { browserClient, outcome, signUp } from './trpc-client.ts';

/**
 * The activity log as owners and admins read it: who (a person or an API key) changed what,
 * from which address, through tRPC and REST alike; and each account's own history.
 */

const BUSY_MACHINE = { timeout: 60_000 };

let server: TestServer;
let owner: Awaited<ReturnType<typeof signUp>>;
let member: Awaited<ReturnType<typeof signUp>>;
let dashboardId: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signUp(server.url, 'Olga');
  member = await signUp(server.url, 'Mia');
  dashboardId = (await owner.client.dashboards.create.mutate({ name: 'Line 3' })).id;
}, BUSY_MACHINE.timeout);
afterAll(() => server.stopAll());

/** The server's clock moves a millisecond: each step below gets its own time. */
const tick = () => {
  server.clock.now += 1;
};

describe('activity log', () => {
  it('lists key, member and REST record changes with their actors, newest first', async () => {
    const bucket = await owner.client.buckets.create.mutate({
      dashboardId,
      name: 'temps',
      type: 'IV',
    });
    tick();
    const { key, apiKey } = await owner.client.apiKeys.create.mutate({
      dashboardId,
      name: 'gateway',
      type: 'production',
    });
    tick();
    await owner.client.members.add.mutate({ dashboardId, email: member.email, role: 'user' });
    tick();
    await owner.client.members.setRole.mutate({
      dashboardId,
      userId: member.user.id,
      role: 'admin',
    });
    const url = `${server.url}/api/buckets/${bucket.id}`;
    const records = [1, 2, 3].map((k) => ({ k, d: [{ sk: 1, v: k }] }));
    expect((await call(url, { method: 'POST', key, body: records })).status).toBe(200);
    tick();
    expect((await call(`${url}?from=1&to=2`, { method: 'DELETE', key })).json).toEqual({
      deleted: 2,
    });

    const { entries, nextCursor } = await owner.client.activity.list.query({ dashboardId });
    expect(nextCursor).toBeNull();
    // Individual writes are no entries; everything else is, newest first.
    expect(entries.map((e) => e.action)).toEqual([
      'records.deleted',
      'member.role_changed',
      'member.added',
      'key.created',
      'bucket.created',
    ]);
    const [deleted, roleChanged, added, created] = entries;
    expect(deleted).toMatchObject({
      actor: { type: 'apiKey', id: apiKey.id, label: `gateway (${apiKey.hint}…)` },
      target: { type: 'bucket', id: bucket.id, label: 'temps' },
      before: { from: 1, to: 2 },
      after: { deleted: 2 },
      address: '127.0.0.1',
    });
    const byOwner = { type: 'user', id: owner.user.id, label: owner.email };
    expect(roleChanged).toMatchObject({
      actor: byOwner,
      target: { type: 'member', id: member.user.id, label: member.email },
      before: { role: 'user' },
      after: { role: 'admin' },
    });
    expect(added).toMatchObject({ actor: byOwner, after: { role: 'user' } });
    expect(created).toMatchObject({
      actor: byOwner,
      target: { type: 'key', id: apiKey.id },
      after: { scopes: ['write', 'read', 'delete'], bucketIds: null },
    });
  });

  it('filters by actor, action and time, and pages with a cursor', async () => {
    const byKey = await owner.client.activity.list.query({ dashboardId, actorType: 'apiKey' });
    expect(byKey.entries.map((e) => e.action)).toEqual(['records.deleted']);
    const byAction = await owner.client.activity.list.query({
      dashboardId,
      action: 'member.added',
    });
    expect(byAction.entries).toHaveLength(1);
    const future = await owner.client.activity.list.query({
      dashboardId,
      from: Date.now() + 60_000,
    });
    expect(future.entries).toEqual([]);
    const first = await owner.client.activity.list.query({ dashboardId, limit: 2 });
    const second = await owner.client.activity.list.query({
      dashboardId,
      limit: 2,
      cursor: first.nextCursor,
    });
    const all = await owner.client.activity.list.query({ dashboardId });
    expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(
      all.entries.slice(0, 4).map((e) => e.id),
    );
  });

  it('answers at most MAX_ACTIVITY_PAGE entries a page', async () => {
    expect(
      await outcome(() =>
        owner.client.activity.list.query({ dashboardId, limit: MAX_ACTIVITY_PAGE + 1 }),
      ),
    ).toBe('BAD_REQUEST:invalid_input');
  });

  it('is for owners and admins of the dashboard only', async () => {
    const reader = await signUp(server.url, 'Rita');
    await owner.client.members.add.mutate({ dashboardId, email: reader.email, role: 'user' });
    expect(await outcome(() => reader.client.activity.list.query({ dashboardId }))).toBe(
      'FORBIDDEN:forbidden',
    );
    const stranger = await signUp(server.url, 'Sam');
    expect(await outcome(() => stranger.client.activity.list.query({ dashboardId }))).toBe(
      'NOT_FOUND:not_found',
    );
    // Mia is an admin now: she reads the log, which names her promotion.
    const seen = await member.client.activity.list.query({
      dashboardId,
      action: 'member.role_changed',
    });
    expect(seen.entries[0]?.target.id).toBe(member.user.id);
  });
});

describe('account history', () => {
  it('shows the account its own sign-ins and password changes, newest first', async () => {
    const person = await signUp(server.url, 'Hana');
    const browser = browserClient(server.url, { userAgent: 'x'.repeat(10_000) });
    await browser.client.auth.signIn.mutate({
      email: person.email,
      password: 'correct horse battery',
    });
    tick();
    await browser.client.auth.changePassword.mutate({
      currentPassword: 'correct horse battery',
      newPassword: 'an even better one',
    });
    const history = await browser.client.activity.account.query();
    expect(history.map((e) => e.kind)).toEqual(['password_changed', 'signed_in']);
    expect(history[0]).toMatchObject({ address: '127.0.0.1' });
    // A 10,000-character User-Agent is kept to MAX_USER_AGENT characters.
    expect(history[1]?.userAgent).toBe('x'.repeat(MAX_USER_AGENT));
    // Another account sees none of it.
    expect(await owner.client.activity.account.query()).toEqual([]);
  });
});
