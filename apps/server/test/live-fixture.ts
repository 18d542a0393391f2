import type { LiveChange, LiveEvent } from '@bucketgrid/trpc';
import { call, type TestServer } from './helpers.ts';
import { type LiveStream, openLive } from './live-client.ts';
import { signUp } from './trpc-client.ts';

let nextKey = 1_700_000_000_000;

/** An owner (signed in through tRPC), a dashboard with `bucketNames` TSV buckets and a key. */
export async function ownerWithBuckets(server: TestServer, bucketNames = ['Temperatures']) {
  const owner = await signUp(server.url, 'Owner');
  const dashboard = await owner.client.dashboards.create.mutate({ name: 'Plant' });
  const buckets = [];
  for (const name of bucketNames) {
    buckets.push(
      await owner.client.buckets.create.mutate({ dashboardId: dashboard.id, name, type: 'TSV' }),
    );
  }
  const { key } = await owner.client.apiKeys.create.mutate({
    dashboardId: dashboard.id,
    name: 'Sensor',
    type: 'production',
  });
  /** One record written over REST with the dashboard's key; resolves with the answer. */
  const write = (bucketId: string) =>
    call(`${server.url}/api/buckets/${bucketId}`, {
      method: 'POST',
      key,
      body: [{ k: ++nextKey, d: [{ sk: 1, v: 20.5 }] }],
    });
  /** The dashboard's stream, as `jar`'s browser opens it. */
  const watch = (jar: Map<string, string> = owner.jar, input: Record<string, unknown> = {}) =>
    openLive(server.url, 'dashboards.live', { dashboardId: dashboard.id, ...input }, { jar });
  return { ...owner, dashboard, buckets, key, write, watch };
}

/** Signs a new user up and makes them a member of the owner's dashboard. */
export async function memberOf(
  server: TestServer,
  owner: Awaited<ReturnType<typeof ownerWithBuckets>>,
  role: 'user' | 'admin' = 'user',
) {
  const member = await signUp(server.url, 'Member');
  await owner.client.members.add.mutate({
    dashboardId: owner.dashboard.id,
    email: member.email,
    role,
  });
  return member;
}

/** The changes a stream was told of, in order: those sent together (`changes`) one by one. */
export const events = (stream: LiveStream): LiveChange[] =>
  stream.data.flatMap(({ data }) => {
    const event = data as LiveEvent;
    return event.type === 'changes' ? event.changes : [event];
  });

/** How many `records` events of the bucket the stream has received. */
export const recordEvents = (stream: LiveStream, bucketId: string) =>
  events(stream).filter((event) => event.type === 'records' && event.bucketId === bucketId).length;

/** `code:appCode` of the error a stream ended with, as `outcome()` gives for calls. */
export const endedWith = (stream: LiveStream) =>
  stream.error ? `${stream.error.data.code}:${stream.error.data.appCode}` : 'no error';
