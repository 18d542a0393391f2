import type { AppRouter } from '@bucketgrid/trpc';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { outcome, signUp } from './trpc-client.ts';

/**
 * A dashboard never loses its last owner, however the calls that would remove it arrive: in
 * one tRPC batch (whose procedures run concurrently) or in concurrent requests of two owners.
 */

const ROUNDS = 10;
/** The work is bounded (ROUNDS); the time it takes on a busy machine is not. */
const BUSY_MACHINE = { timeout: 60_000 };

let server: TestServer;
let alice: Awaited<ReturnType<typeof signUp>>;
let bob: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  server = await startTestServer();
  alice = await signUp(server.url, 'Alice');
  bob = await signUp(server.url, 'Bob');
}, BUSY_MACHINE.timeout);
afterAll(() => server.stopAll());

/** A client of Alice's session whose calls made together go out as one batch request. */
function batchOf(session: { jar: Map<string, string> }) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        headers: () => ({
          origin: server.url,
          cookie: [...session.jar].map(([name, value]) => `${name}=${value}`).join('; '),
        }),
      }),
    ],
  });
}

/** A dashboard of Alice's with Bob as a second owner. */
async function twoOwners() {
  const dashboard = await alice.client.dashboards.create.mutate({ name: 'Shared' });
  await alice.client.members.add.mutate({
    dashboardId: dashboard.id,
    email: bob.email,
    role: 'owner',
  });
  return dashboard.id;
}

async function owners(dashboardId: string): Promise<string[]> {
  const members = await server.store.listMembers(dashboardId);
  return members.filter((member) => member.role === 'owner').map((member) => member.userId);
}

const LAST_OWNER = 'CONFLICT:last_owner';

describe('the last owner', BUSY_MACHINE, () => {
  it('survives one batch that removes, or demotes, both owners', async () => {
    const batch = batchOf(alice);
    for (let round = 0; round < ROUNDS; round++) {
      const dashboardId = await twoOwners();
      const calls =
        round % 2 === 0
          ? [
              () => batch.members.remove.mutate({ dashboardId, userId: bob.user.id }),
              () => batch.members.remove.mutate({ dashboardId, userId: alice.user.id }),
            ]
          : [
              () =>
                batch.members.setRole.mutate({ dashboardId, userId: bob.user.id, role: 'user' }),
              () =>
                batch.members.setRole.mutate({ dashboardId, userId: alice.user.id, role: 'admin' }),
            ];
      const outcomes = await Promise.all(calls.map((run) => outcome(run)));
      expect(outcomes.sort()).toEqual([LAST_OWNER, 'ok']);
      expect(await owners(dashboardId)).toHaveLength(1);
    }
  });

  it('survives two owners removing, or demoting, each other at the same moment', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dashboardId = await twoOwners();
      const calls =
        round % 2 === 0
          ? [
              () => alice.client.members.remove.mutate({ dashboardId, userId: bob.user.id }),
              () => bob.client.members.remove.mutate({ dashboardId, userId: alice.user.id }),
            ]
          : [
              () =>
                alice.client.members.setRole.mutate({
                  dashboardId,
                  userId: bob.user.id,
                  role: 'user',
                }),
              () =>
                bob.client.members.setRole.mutate({
                  dashboardId,
                  userId: alice.user.id,
                  role: 'admin',
                }),
            ];
      const outcomes = await Promise.all(calls.map((run) => outcome(run)));
      // The loser either hit the rule or was no longer an owner when its call ran.
      expect(outcomes).toContain('ok');
      expect(await owners(dashboardId)).toHaveLength(1);
    }
  });

  it('can hand over: a second owner first, then the first may leave', async () => {
    const dashboardId = await twoOwners();
    expect(
      await outcome(() =>
        alice.client.members.remove.mutate({ dashboardId, userId: alice.user.id }),
      ),
    ).toBe('ok');
    expect(await owners(dashboardId)).toEqual([bob.user.id]);
    expect(
      await outcome(() => bob.client.members.remove.mutate({ dashboardId, userId: bob.user.id })),
    ).toBe(LAST_OWNER);
  });
});

describe('deleting a dashboard', BUSY_MACHINE, () => {
  it('stops its API keys on the very next request', async () => {
    const dashboard = await alice.client.dashboards.create.mutate({ name: 'Short-lived' });
    const dashboardId = dashboard.id;
    const bucket = await alice.client.buckets.create.mutate({ dashboardId, name: 'b', type: 'IV' });
    const { key } = await alice.client.apiKeys.create.mutate({
      dashboardId,
      name: 'sensor',
      type: 'production',
    });
    const write = () =>
      call(`${server.url}/api/buckets/${bucket.id}`, {
        method: 'POST',
        key,
        body: [{ k: 1, d: [{ sk: 1, v: 1 }] }],
      });
    expect((await write()).status).toBe(200);
    await alice.client.dashboards.delete.mutate({ dashboardId });
    const refused = await write();
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('invalid_api_key');
    const read = await call(`${server.url}/api/buckets/${bucket.id}`, { key });
    expect(read.json.code).toBe('invalid_api_key');
  });
});
