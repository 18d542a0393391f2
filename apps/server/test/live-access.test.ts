import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';
import { openLive } from './live-client.ts';
import { endedWith, memberOf, ownerWithBuckets } from './live-fixture.ts';
import { browserClient } from './trpc-client.ts';

// Bounded work (no test waits on the clock), slow only on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;

describe('views end with the access they were opened with, at once', () => {
  // The periodic re-check (30 s) cannot be what ends them here.
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stopAll());

  it('sign-out ends the views of that session at once, not those of other sessions', async () => {
    const owner = await ownerWithBuckets(server);
    const otherDevice = browserClient(server.url);
    await otherDevice.client.auth.signIn.mutate({
      email: owner.email,
      password: 'correct horse battery',
    });
    const tabs = [owner.watch(), owner.watch()];
    const phone = owner.watch(otherDevice.jar);
    await Promise.all([...tabs, phone].map((view) => view.started));

    await owner.client.auth.signOut.mutate();
    await Promise.all(tabs.map((view) => view.ended));
    expect(tabs.map(endedWith)).toEqual([
      'UNAUTHORIZED:unauthenticated',
      'UNAUTHORIZED:unauthenticated',
    ]);
    expect(phone.isEnded).toBe(false);
    phone.close();
  });

  it('a password change ends the views of every session of the user', async () => {
    const owner = await ownerWithBuckets(server);
    const otherDevice = browserClient(server.url);
    await otherDevice.client.auth.signIn.mutate({
      email: owner.email,
      password: 'correct horse battery',
    });
    const views = [owner.watch(), owner.watch(otherDevice.jar)];
    await Promise.all(views.map((view) => view.started));
    await owner.client.auth.changePassword.mutate({
      currentPassword: 'correct horse battery',
      newPassword: 'another staple battery horse',
    });
    await Promise.all(views.map((view) => view.ended));
    expect(views.map(endedWith)).toEqual([
      'UNAUTHORIZED:unauthenticated',
      'UNAUTHORIZED:unauthenticated',
    ]);
    // The session the change started works.
    const fresh = owner.watch();
    await fresh.started;
    expect(fresh.isEnded).toBe(false);
    fresh.close();
  });

  it('removing a member ends their views of that dashboard, and only theirs', async () => {
    const owner = await ownerWithBuckets(server);
    const member = await memberOf(server, owner);
    const elsewhere = await ownerWithBuckets(server);
    await elsewhere.client.members.add.mutate({
      dashboardId: elsewhere.dashboard.id,
      email: member.email,
      role: 'user',
    });
    const removed = owner.watch(member.jar);
    const bucketView = openLive(
      server.url,
      'buckets.live',
      { dashboardId: owner.dashboard.id, bucketId: owner.buckets[0]!.id },
      { jar: member.jar },
    );
    const stays = elsewhere.watch(member.jar);
    const ownerView = owner.watch();
    await Promise.all([removed, bucketView, stays, ownerView].map((view) => view.started));

    await owner.client.members.remove.mutate({
      dashboardId: owner.dashboard.id,
      userId: member.user.id,
    });
    await Promise.all([removed.ended, bucketView.ended]);
    expect(endedWith(removed)).toBe('NOT_FOUND:not_found');
    expect(endedWith(bucketView)).toBe('NOT_FOUND:not_found');
    expect(stays.isEnded).toBe(false);
    expect(ownerView.isEnded).toBe(false);
    // Reopening is refused like any dashboard they cannot see.
    const again = owner.watch(member.jar);
    await again.ended;
    expect(endedWith(again)).toBe('NOT_FOUND:not_found');
    stays.close();
    ownerView.close();
  });

  it("deleting a dashboard ends every view of it; deleting a bucket ends that bucket's views", async () => {
    const owner = await ownerWithBuckets(server, ['Kept', 'Dropped']);
    const member = await memberOf(server, owner);
    const kept = owner.buckets[0]!;
    const dropped = owner.buckets[1]!;
    const bucketView = (bucketId: string) =>
      openLive(
        server.url,
        'buckets.live',
        { dashboardId: owner.dashboard.id, bucketId },
        { jar: owner.jar },
      );
    const keptView = bucketView(kept.id);
    const droppedView = bucketView(dropped.id);
    const dashboardViews = [owner.watch(), owner.watch(member.jar)];
    await Promise.all([keptView, droppedView, ...dashboardViews].map((view) => view.started));

    await owner.client.buckets.delete.mutate({
      dashboardId: owner.dashboard.id,
      bucketId: dropped.id,
    });
    await droppedView.ended;
    expect(endedWith(droppedView)).toBe('NOT_FOUND:not_found');
    expect(keptView.isEnded).toBe(false);

    await owner.client.dashboards.delete.mutate({ dashboardId: owner.dashboard.id });
    await Promise.all([keptView.ended, ...dashboardViews.map((view) => view.ended)]);
    expect([keptView, ...dashboardViews].map(endedWith)).toEqual([
      'NOT_FOUND:not_found',
      'NOT_FOUND:not_found',
      'NOT_FOUND:not_found',
    ]);
  });
});

describe('changes made elsewhere (the CLI, another process) end views within a re-check', () => {
  beforeAll(async () => {
    server = await startTestServer({ liveLimits: { recheckMs: 100 } });
  });
  afterAll(() => server.stopAll());

  it('a membership removed in the store', async () => {
    const owner = await ownerWithBuckets(server);
    const member = await memberOf(server, owner);
    const view = owner.watch(member.jar);
    const ownerView = owner.watch();
    await Promise.all([view.started, ownerView.started]);
    await server.store.removeMember(owner.dashboard.id, member.user.id);
    await view.ended;
    expect(endedWith(view)).toBe('NOT_FOUND:not_found');
    expect(ownerView.isEnded).toBe(false);
    ownerView.close();
  });

  it('a dashboard or bucket deleted in the store', async () => {
    const owner = await ownerWithBuckets(server, ['A', 'B']);
    const bucketView = openLive(
      server.url,
      'buckets.live',
      { dashboardId: owner.dashboard.id, bucketId: owner.buckets[1]!.id },
      { jar: owner.jar },
    );
    const dashboardView = owner.watch();
    await Promise.all([bucketView.started, dashboardView.started]);
    await server.store.deleteBucket(owner.buckets[1]!.id);
    await bucketView.ended;
    expect(endedWith(bucketView)).toBe('NOT_FOUND:not_found');
    expect(dashboardView.isEnded).toBe(false);
    await server.store.deleteDashboard(owner.dashboard.id);
    await dashboardView.ended;
    expect(endedWith(dashboardView)).toBe('NOT_FOUND:not_found');
  });

  it('a session that expired or was deleted', async () => {
    const owner = await ownerWithBuckets(server);
    const otherDevice = browserClient(server.url);
    await otherDevice.client.auth.signIn.mutate({
      email: owner.email,
      password: 'correct horse battery',
    });
    const expiring = owner.watch();
    const deleted = owner.watch(otherDevice.jar);
    await Promise.all([expiring.started, deleted.started]);

    const [session] = await server.store.listUserSessions(owner.user.id);
    const otherSession = (await server.store.listUserSessions(owner.user.id)).find(
      (candidate) => candidate.id !== session!.id,
    )!;
    await server.store.deleteSession(otherSession.id);
    await deleted.ended;
    expect(endedWith(deleted)).toBe('UNAUTHORIZED:unauthenticated');
    expect(expiring.isEnded).toBe(false);

    // 31 days later, with no request in between, the first session has expired.
    server.clock.now += 31 * 24 * 3_600_000;
    try {
      await expiring.ended;
      expect(endedWith(expiring)).toBe('UNAUTHORIZED:unauthenticated');
    } finally {
      server.clock.now = Date.now();
    }
  });
});
