import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  applyAnswerChange,
  MAX_SHARE_LINKS_PER_DASHBOARD,
  type ShareAnswer,
  type ShareAnswerChange,
  type WidgetInput,
} from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { openLive } from './live-client.ts';
import { browserClient, outcome, signUp } from './trpc-client.ts';

/**
 * Public share links end to end over HTTP: managed by owners and admins, opened by anyone
 * holding the token (no cookie), every read held to the saved widgets' buckets and series and
 * to the link's range, revocation felt at once, and each of their caps provoked.
 */

const BUSY_MACHINE = { timeout: 60_000 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PER_LINK_PER_MINUTE = 40;
/** Reads one link may start a minute (the read limits' per-principal rate), low to be provoked. */
const READS_PER_MINUTE = 8;

let server: TestServer;
let dist: string;

beforeAll(async () => {
  // The built app's two pages, as the server finds them in apps/web/dist.
  dist = mkdtempSync(join(tmpdir(), 'bucketgrid-share-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'share.html'), '<!doctype html><title>shared</title>');
  server = await startTestServer({
    webDist: dist,
    shareRequestsPerLinkPerMinute: PER_LINK_PER_MINUTE,
    liveLimits: { perShareLink: 3, perShareAddress: 4 },
    readLimits: { perMinute: READS_PER_MINUTE },
    // Every owner here signs up from 127.0.0.1: more than the default 20 an address may.
    signUpsPerAddress: 40,
  });
}, BUSY_MACHINE.timeout);
afterAll(async () => {
  await server.stopAll();
  rmSync(dist, { recursive: true, force: true });
});

const tokenOf = (url: string) => url.split('/s/')[1]!;
let n = 0;

/**
 * An owner's dashboard with three buckets: `shown` (a chart of series 1, a stat of series 2),
 * `table` (a table of every series), `hidden` (no widget); records an hour, two days and a
 * week old on `shown`, each with series 1, 2 and 3.
 */
async function sharedDashboard() {
  const owner = await signUp(server.url, 'Olivia');
  const dashboard = await owner.client.dashboards.create.mutate({ name: `Plant ${++n}` });
  const bucket = (name: string) =>
    owner.client.buckets.create.mutate({ dashboardId: dashboard.id, name, type: 'TSV' });
  const shown = await bucket('shown');
  const table = await bucket('table');
  const hidden = await bucket('hidden');
  const now = server.clock.now;
  const records = [now - 7 * DAY, now - 2 * DAY, now - HOUR].map((key) => ({
    key,
    data: [
      { series_key: 1, value: 1 },
      { series_key: 2, value: 2 },
      { series_key: 3, value: 3 },
    ],
  }));
  await owner.client.buckets.setSeries.mutate({
    dashboardId: dashboard.id,
    bucketId: shown.id,
    series: [
      { sk: 1, name: 'Temperature' },
      { sk: 3, name: 'Secret pressure' },
    ],
  });
  const { key } = await owner.client.apiKeys.create.mutate({
    dashboardId: dashboard.id,
    name: 'writer',
    type: 'production',
  });
  for (const target of [shown, table, hidden]) {
    const written = await call(`${server.url}/api/buckets/${target.id}`, {
      method: 'POST',
      key,
      body: records,
    });
    expect(written.status).toBe(200);
  }
  const widgets: WidgetInput[] = [
    {
      id: 'chart',
      type: 'timeChart',
      bucketId: shown.id,
      series: [{ sk: 1 }],
      pos: { x: 0, y: 0, w: 6, h: 4 },
    },
    { id: 'stat', type: 'stat', bucketId: shown.id, sk: 2, pos: { x: 6, y: 0, w: 3, h: 2 } },
    { id: 'rows', type: 'table', bucketId: table.id, pos: { x: 0, y: 4, w: 12, h: 4 } },
    { id: 'note', type: 'text', markdown: 'Hello', pos: { x: 9, y: 0, w: 3, h: 2 } },
  ];
  await owner.client.dashboards.saveLayout.mutate({
    dashboardId: dashboard.id,
    version: 0,
    widgets: widgets as never,
    defaultRange: '24h',
    maxWidth: null,
  });
  return { owner, dashboard, shown, table, hidden, key };
}

async function createLink(
  owner: Awaited<ReturnType<typeof signUp>>,
  dashboardId: string,
  settings: { allowRangeChange?: boolean; frameOrigins?: string[]; expiresAt?: number } = {},
) {
  const created = await owner.client.shareLinks.create.mutate({
    dashboardId,
    name: `Status page ${++n}`,
    ...settings,
  });
  return { ...created, token: tokenOf(created.url) };
}

/** Anyone: a client without cookies. */
const anonymous = () => browserClient(server.url).client;

describe('managing share links', () => {
  it(
    'shows the token once, keeps only its hash, lists who made it, and logs each change',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await sharedDashboard();
      const link = await createLink(owner, dashboard.id, {
        frameOrigins: ['https://intranet.example.com'],
      });
      expect(link.url).toMatch(new RegExp(`^${server.url}/s/[0-9A-Za-z]{32}$`));
      expect(link.link).toMatchObject({
        createdByName: 'Olivia',
        allowRangeChange: false,
        frameOrigins: ['https://intranet.example.com'],
        views: 0,
        lastViewedAt: null,
      });
      const hash = createHash('sha256').update(link.token).digest('hex');
      expect((await server.store.getShareLinkByTokenHash(hash))?.id).toBe(link.link.id);
      const listed = await owner.client.shareLinks.list.query({ dashboardId: dashboard.id });
      expect(listed).toEqual([link.link]);
      expect(JSON.stringify(listed)).not.toContain(link.token);
      expect(JSON.stringify(listed)).not.toContain(hash);

      // Views: each opening of the page, listed at once.
      await anonymous().share.open.query({ token: link.token });
      await anonymous().share.open.query({ token: link.token });
      const [viewed] = await owner.client.shareLinks.list.query({ dashboardId: dashboard.id });
      expect(viewed).toMatchObject({ views: 2, lastViewedAt: server.clock.now });

      const regenerated = await owner.client.shareLinks.regenerate.mutate({
        dashboardId: dashboard.id,
        shareLinkId: link.link.id,
      });
      expect(tokenOf(regenerated.url)).not.toBe(link.token);
      expect(await outcome(() => anonymous().share.open.query({ token: link.token }))).toBe(
        'NOT_FOUND:share_link_not_found',
      );
      await anonymous().share.open.query({ token: tokenOf(regenerated.url) });
      await owner.client.shareLinks.revoke.mutate({
        dashboardId: dashboard.id,
        shareLinkId: link.link.id,
      });
      expect(
        await outcome(() => anonymous().share.open.query({ token: tokenOf(regenerated.url) })),
      ).toBe('NOT_FOUND:share_link_not_found');
      expect(await owner.client.shareLinks.list.query({ dashboardId: dashboard.id })).toEqual([]);

      const { entries } = await owner.client.activity.list.query({
        dashboardId: dashboard.id,
        actorType: 'user',
        limit: 10,
      });
      const logged = entries
        .filter((entry) => entry.action.startsWith('share_link.'))
        .map((entry) => [entry.action, entry.target.id, entry.actor.label]);
      const email = (await owner.client.auth.me.query())!.email;
      // The server's clock stands still in tests: the three entries share one time.
      expect(logged.sort()).toEqual([
        ['share_link.created', link.link.id, email],
        ['share_link.regenerated', link.link.id, email],
        ['share_link.revoked', link.link.id, email],
      ]);
    },
  );

  it(
    'lets owners and admins manage links, not users, and refuses bad settings',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await sharedDashboard();
      const member = await signUp(server.url, 'Uma');
      await owner.client.members.add.mutate({
        dashboardId: dashboard.id,
        email: (await member.client.auth.me.query())!.email,
        role: 'user',
      });
      expect(
        await outcome(() => member.client.shareLinks.list.query({ dashboardId: dashboard.id })),
      ).toBe('FORBIDDEN:forbidden');
      expect(
        await outcome(() =>
          member.client.shareLinks.create.mutate({ dashboardId: dashboard.id, name: 'mine' }),
        ),
      ).toBe('FORBIDDEN:forbidden');
      const tooMany = Array.from({ length: 11 }, (_, i) => `https://site${i}.example.com`);
      for (const frameOrigins of [
        ['https://a.example.com/page'],
        ['javascript:alert(1)'],
        ["'self' *"],
        tooMany,
      ]) {
        expect(
          await outcome(() =>
            owner.client.shareLinks.create.mutate({
              dashboardId: dashboard.id,
              name: 'bad',
              frameOrigins,
            }),
          ),
        ).toBe('BAD_REQUEST:invalid_input');
      }
      expect(
        await outcome(() =>
          owner.client.shareLinks.create.mutate({
            dashboardId: dashboard.id,
            name: 'expired',
            expiresAt: server.clock.now - 1,
          }),
        ),
      ).toBe('UNPROCESSABLE_CONTENT:invalid_input');
    },
  );

  it('caps links per dashboard: each is a public entry to its reads', BUSY_MACHINE, async () => {
    const { owner, dashboard } = await sharedDashboard();
    const made = await Promise.all(
      Array.from({ length: MAX_SHARE_LINKS_PER_DASHBOARD + 2 }, (_, i) =>
        outcome(() =>
          owner.client.shareLinks.create.mutate({ dashboardId: dashboard.id, name: `link ${i}` }),
        ),
      ),
    );
    expect(made.filter((answer) => answer === 'ok')).toHaveLength(MAX_SHARE_LINKS_PER_DASHBOARD);
    expect(made.filter((answer) => answer === 'CONFLICT:quota_exceeded')).toHaveLength(2);
  });
});

describe('what a link reads', () => {
  it(
    'opens the saved grid with only the buckets and series its widgets show',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, table, hidden } = await sharedDashboard();
      const { token } = await createLink(owner, dashboard.id);
      const opened = await anonymous().share.open.query({ token });
      expect(opened.dashboard).toEqual({ id: dashboard.id, name: dashboard.name });
      expect(opened.layout.widgets.map((w) => w.id)).toEqual(['chart', 'stat', 'rows', 'note']);
      expect(opened.range).toEqual({ allowRangeChange: false, defaultRange: '24h' });
      expect(opened.buckets.map((b) => b.id).sort()).toEqual([shown.id, table.id].sort());
      // Series 3 of `shown` has a name, but no widget shows it.
      expect(opened.buckets.find((b) => b.id === shown.id)?.series).toEqual([
        expect.objectContaining({ sk: 1, name: 'Temperature' }),
      ]);
      expect(JSON.stringify(opened)).not.toContain('Secret pressure');
      expect(JSON.stringify(opened)).not.toContain(hidden.id);
    },
  );

  it(
    'holds every read to the shown buckets and series, whatever the request names',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, table, hidden } = await sharedDashboard();
      const other = await sharedDashboard();
      const { token } = await createLink(owner, dashboard.id, { allowRangeChange: true });
      const viewer = anonymous();

      const read = await viewer.share.downsample.query({ token, bucketId: shown.id, from: 0 });
      expect(Object.keys(read.series).sort()).toEqual(['1', '2']);
      const one = await viewer.share.downsample.query({
        token,
        bucketId: shown.id,
        from: 0,
        series: [1, 3],
      });
      expect(Object.keys(one.series)).toEqual(['1']);
      expect(
        await outcome(() =>
          viewer.share.downsample.query({ token, bucketId: shown.id, series: [3] }),
        ),
      ).toBe('FORBIDDEN:forbidden');

      const rows = await viewer.share.records.query({ token, bucketId: shown.id, from: 0 });
      expect(rows.records.map((r) => r.data.map((d) => d.series_key))).toEqual([
        [1, 2],
        [1, 2],
        [1, 2],
      ]);
      const all = await viewer.share.records.query({ token, bucketId: table.id, from: 0 });
      expect(all.records[0]!.data.map((d) => d.series_key)).toEqual([1, 2, 3]);

      // A bucket of the dashboard that no widget shows, a bucket of another dashboard and one
      // that never existed: the same answer.
      for (const bucketId of [hidden.id, other.shown.id, 'no-such-bucket']) {
        for (const procedure of ['downsample', 'records'] as const) {
          expect(
            await outcome(() => viewer.share[procedure].query({ token, bucketId })),
            `${procedure} of ${bucketId}`,
          ).toBe('NOT_FOUND:bucket_not_found');
        }
      }
    },
  );

  it(
    'holds a locked range on every read: the dashboard’s default range',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, table } = await sharedDashboard();
      const locked = await createLink(owner, dashboard.id);
      const open = await createLink(owner, dashboard.id, { allowRangeChange: true });
      const viewer = anonymous();
      const keysOf = async (token: string, input: { from?: number; to?: number }) =>
        (await viewer.share.records.query({ token, bucketId: table.id, ...input })).records.map(
          (r) => r.key,
        );
      const now = server.clock.now;
      // Only the record of an hour ago is in the last 24 hours.
      expect(await keysOf(locked.token, { from: 0 })).toEqual([now - HOUR]);
      expect(await keysOf(locked.token, {})).toEqual([now - HOUR]);
      expect(await keysOf(locked.token, { from: 0, to: now - DAY - 1 })).toEqual([]);
      expect(await keysOf(open.token, { from: 0 })).toHaveLength(3);

      const counted = async (token: string) => {
        const read = await viewer.share.downsample.query({
          token,
          bucketId: shown.id,
          from: 0,
          to: now,
        });
        return read.count.reduce((sum, c) => sum + c, 0);
      };
      expect(await counted(locked.token)).toBe(1);
      expect(await counted(open.token)).toBe(3);
    },
  );

  it('reaches no management procedure with a link, signed in or not', BUSY_MACHINE, async () => {
    const { owner, dashboard, shown } = await sharedDashboard();
    const { token, link } = await createLink(owner, dashboard.id);
    const viewer = anonymous();
    // The token in every place an id goes, and the calls a viewer could try.
    const attempts: [string, () => Promise<unknown>][] = [
      ['layout', () => viewer.dashboards.layout.query({ dashboardId: dashboard.id })],
      [
        'records',
        () => viewer.buckets.records.query({ dashboardId: dashboard.id, bucketId: shown.id }),
      ],
      ['links', () => viewer.shareLinks.list.query({ dashboardId: dashboard.id })],
      [
        'revoke',
        () => viewer.shareLinks.revoke.mutate({ dashboardId: dashboard.id, shareLinkId: link.id }),
      ],
      ['keys', () => viewer.apiKeys.list.query({ dashboardId: dashboard.id })],
      ['token as dashboard', () => viewer.dashboards.get.query({ dashboardId: token })],
    ];
    for (const [what, attempt] of attempts) {
      expect(await outcome(attempt), what).toBe('UNAUTHORIZED:unauthenticated');
    }
    expect(await owner.client.shareLinks.list.query({ dashboardId: dashboard.id })).toHaveLength(1);
  });

  it('expires: its token opens nothing after its expiry', BUSY_MACHINE, async () => {
    const { owner, dashboard } = await sharedDashboard();
    const { token } = await createLink(owner, dashboard.id, { expiresAt: server.clock.now + HOUR });
    await anonymous().share.open.query({ token });
    server.clock.now += HOUR;
    try {
      expect(await outcome(() => anonymous().share.open.query({ token }))).toBe(
        'NOT_FOUND:share_link_not_found',
      );
    } finally {
      server.clock.now -= HOUR;
    }
  });
});

describe('live views and revocation', () => {
  it(
    'streams the shown buckets’ writes, and revoking ends the stream within a second',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, hidden, key } = await sharedDashboard();
      const { token, link } = await createLink(owner, dashboard.id);
      const stream = openLive(server.url, 'share.live', { token });
      await stream.started;
      const write = (bucketId: string) =>
        call(`${server.url}/api/buckets/${bucketId}`, {
          method: 'POST',
          key,
          body: [{ key: server.clock.now, data: [{ series_key: 1, value: 5 }] }],
        });
      await write(hidden.id);
      await write(shown.id);
      await stream.until((s) => s.data.some((e) => JSON.stringify(e.data).includes(shown.id)));
      // A bucket no widget shows: its writes are not the viewer's business.
      expect(JSON.stringify(stream.data)).not.toContain(hidden.id);

      const revokedAt = Date.now();
      await owner.client.shareLinks.revoke.mutate({
        dashboardId: dashboard.id,
        shareLinkId: link.id,
      });
      await stream.ended;
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      expect(stream.error?.data.appCode).toBe('share_link_not_found');
      const again = openLive(server.url, 'share.live', { token });
      await again.ended;
      expect(again.error?.data.appCode).toBe('share_link_not_found');
    },
  );
});

describe('live views re-checked', () => {
  it(
    'ends a link’s views once it expires, or its token is replaced by another process',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await sharedDashboard();
      const expiring = await createLink(owner, dashboard.id, {
        expiresAt: server.clock.now + HOUR,
      });
      const replaced = await createLink(owner, dashboard.id);
      const streams = [expiring, replaced].map(({ token }) =>
        openLive(server.url, 'share.live', { token }),
      );
      await Promise.all(streams.map((s) => s.started));
      // As the CLI or another server process would: straight in the store, no live hub told.
      await server.store.regenerateShareLink(dashboard.id, replaced.link.id, 'f'.repeat(64));
      server.clock.now += HOUR;
      try {
        await server.live.recheck();
        await Promise.all(streams.map((s) => s.ended));
      } finally {
        server.clock.now -= HOUR;
      }
      for (const stream of streams) {
        expect(stream.error?.data.appCode).toBe('share_link_not_found');
      }
    },
  );
});

describe('what many viewers cost', () => {
  it(
    'answers a locked link’s viewers one read a second, fresh after every write',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, key } = await sharedDashboard();
      const { token } = await createLink(owner, dashboard.id);
      const read = () =>
        anonymous().share.downsample.query({ token, bucketId: shown.id, points: 50 });
      // More viewers asking than the link may read a minute: one read serves them all.
      const answers = await Promise.all(
        Array.from({ length: READS_PER_MINUTE * 3 }, () => outcome(read)),
      );
      expect(answers.every((answer) => answer === 'ok')).toBe(true);
      const before = (await read()).count.reduce((sum, c) => sum + c, 0);
      const written = await call(`${server.url}/api/buckets/${shown.id}`, {
        method: 'POST',
        key,
        body: [{ key: server.clock.now - 1, data: [{ series_key: 1, value: 9 }] }],
      });
      expect(written.status).toBe(200);
      // The write changed the bucket: the next viewer is not answered from before it.
      expect((await read()).count.reduce((sum, c) => sum + c, 0)).toBe(before + 1);
      // Distinct reads each cost one: past the link's reads a minute, they are refused.
      const distinct = await Promise.all(
        Array.from({ length: READS_PER_MINUTE }, (_, i) =>
          outcome(() =>
            anonymous().share.downsample.query({ token, bucketId: shown.id, points: 60 + i }),
          ),
        ),
      );
      expect(distinct).toContain('TOO_MANY_REQUESTS:rate_limited');
    },
  );

  it(
    'with viewers live, shares answers until their next event, which brings the writes it tells of',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, key } = await sharedDashboard();
      const { token } = await createLink(owner, dashboard.id);
      const stream = openLive(server.url, 'share.live', { token });
      await stream.started;
      const read = async () =>
        (
          await anonymous().share.downsample.query({ token, bucketId: shown.id, points: 50 })
        ).count.reduce((sum, c) => sum + c, 0);
      const writeAndHear = async (value: number) => {
        const heard = stream.data.length;
        await call(`${server.url}/api/buckets/${shown.id}`, {
          method: 'POST',
          key,
          body: [{ key: server.clock.now - 1_000 + value, data: [{ series_key: 1, value }] }],
        });
        await stream.until((s) => s.data.length > heard);
      };
      const start = await read();
      await writeAndHear(1);
      expect(await read()).toBe(start + 1);
      // Many viewers between two events: one read answers them all (the link may start 8).
      const many = await Promise.all(
        Array.from({ length: READS_PER_MINUTE * 2 }, () => outcome(read)),
      );
      expect(many.every((answer) => answer === 'ok')).toBe(true);
      await writeAndHear(2);
      expect(await read()).toBe(start + 2);
      stream.close();
    },
  );

  it(
    'pushes a locked link’s widget answers with each event, the same as a read gets; none when the range is open',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, table, key } = await sharedDashboard();
      const locked = await createLink(owner, dashboard.id);
      const open = await createLink(owner, dashboard.id, { allowRangeChange: true });
      const reads = [
        { kind: 'downsample', bucketId: shown.id, points: 50, series: [1] },
        { kind: 'records', bucketId: table.id, order: 'desc', limit: 5 },
      ];
      const viewer = openLive(server.url, 'share.live', { token: locked.token, reads });
      const openViewer = openLive(server.url, 'share.live', { token: open.token, reads });
      await Promise.all([viewer.started, openViewer.started]);
      const value = 42;
      await call(`${server.url}/api/buckets/${shown.id}`, {
        method: 'POST',
        key,
        body: [{ key: server.clock.now - 1_000, data: [{ series_key: 1, value }] }],
      });
      const types = (stream: typeof viewer) =>
        stream.data.map((e) => (e.data as { type: string }).type);
      await viewer.until((s) => types(s).includes('records'));
      await openViewer.until((s) => types(s).includes('records'));
      // The answer of the shown bucket's read comes first, then the event; none of the table's.
      expect(types(viewer)).toEqual(['answer', 'records']);
      const pushed = viewer.data[0]!.data as { read: unknown; data: { count: number[] } };
      expect(pushed.read).toEqual(reads[0]);
      const fetched = await anonymous().share.downsample.query({
        token: locked.token,
        bucketId: shown.id,
        points: 50,
        series: [1],
      });
      expect(pushed.data).toEqual(JSON.parse(JSON.stringify(fetched)));
      expect(fetched.series[1]!.last).toContain(value);
      expect(types(openViewer)).toEqual(['records']);
      // The next answer comes as what changed since the one this page holds.
      await call(`${server.url}/api/buckets/${shown.id}`, {
        method: 'POST',
        key,
        body: [{ key: server.clock.now - 500, data: [{ series_key: 1, value: value + 1 }] }],
      });
      await viewer.until((s) => types(s).length === 4);
      expect(types(viewer)).toEqual(['answer', 'records', 'answerChange', 'records']);
      const told = viewer.data[2]!.data as ShareAnswerChange;
      expect(told.base).toBe((pushed as ShareAnswer).version);
      const refetched = await anonymous().share.downsample.query({
        token: locked.token,
        bucketId: shown.id,
        points: 50,
        series: [1],
      });
      expect(refetched.series[1]!.last).toContain(value + 1);
      expect(applyAnswerChange('downsample', pushed.data, told.change)).toEqual(
        JSON.parse(JSON.stringify(refetched)),
      );
      // A page that comes later is pushed the whole answer first.
      const later = openLive(server.url, 'share.live', { token: locked.token, reads });
      await later.started;
      await call(`${server.url}/api/buckets/${shown.id}`, {
        method: 'POST',
        key,
        body: [{ key: server.clock.now - 250, data: [{ series_key: 1, value: value + 2 }] }],
      });
      await later.until((s) => types(s).includes('records'));
      await viewer.until((s) => types(s).length === 6);
      expect(types(later)).toEqual(['answer', 'records']);
      expect(types(viewer).slice(4)).toEqual(['answerChange', 'records']);
      later.close();
      viewer.close();
      openViewer.close();
    },
  );

  it(
    'pushes only reads a link may make: another series is never pushed, another bucket refused',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, hidden, key } = await sharedDashboard();
      const { token } = await createLink(owner, dashboard.id);
      const hiddenRead = { kind: 'downsample', bucketId: hidden.id, points: 50 };
      const refused = openLive(server.url, 'share.live', { token, reads: [hiddenRead] });
      await refused.ended;
      expect(refused.error?.data.appCode).toBe('bucket_not_found');
      const reads = [{ kind: 'downsample', bucketId: shown.id, points: 50, series: [3] }];
      const viewer = openLive(server.url, 'share.live', { token, reads });
      await viewer.started;
      await call(`${server.url}/api/buckets/${shown.id}`, {
        method: 'POST',
        key,
        body: [{ key: server.clock.now - 1_000, data: [{ series_key: 3, value: 7 }] }],
      });
      await viewer.until((s) => s.data.length > 0);
      await sleep(1_500);
      expect(viewer.data.map((e) => (e.data as { type: string }).type)).toEqual(['records']);
      const tooMany = openLive(server.url, 'share.live', {
        token,
        reads: Array.from({ length: 33 }, () => reads[0]),
      });
      await tooMany.ended;
      expect(tooMany.error?.data.code).toBe('BAD_REQUEST');
      viewer.close();
    },
  );

  it(
    'paces a link’s live events to one a second per bucket, whatever the writers do',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard, shown, key } = await sharedDashboard();
      const { token } = await createLink(owner, dashboard.id);
      const viewer = openLive(server.url, 'share.live', { token });
      const member = openLive(
        server.url,
        'dashboards.live',
        { dashboardId: dashboard.id },
        {
          jar: owner.jar,
        },
      );
      await Promise.all([viewer.started, member.started]);
      const started = Date.now();
      for (let i = 0; i < 10; i++) {
        await call(`${server.url}/api/buckets/${shown.id}`, {
          method: 'POST',
          key,
          body: [{ key: server.clock.now + i, data: [{ series_key: 1, value: i }] }],
        });
        await sleep(120);
      }
      // The last write's event reaches the viewer too (at the end of its second).
      await sleep(1_100);
      const seconds = (Date.now() - started) / 1000;
      const of = (stream: typeof viewer) =>
        stream.data.filter((e) => JSON.stringify(e.data).includes(shown.id)).length;
      expect(of(member)).toBeGreaterThanOrEqual(5);
      expect(of(viewer)).toBeGreaterThanOrEqual(2);
      expect(of(viewer)).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
      viewer.close();
      member.close();
    },
  );
});

describe('limits of share links', () => {
  it(
    'caps live views per link: a script opening views cannot take the server’s',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await sharedDashboard();
      const { token } = await createLink(owner, dashboard.id);
      // Each from its own address (behind no proxy, all are 127.0.0.1: the per-address cap
      // is 4, above this link's 3).
      const streams = [1, 2, 3].map(() => openLive(server.url, 'share.live', { token }));
      await Promise.all(streams.map((s) => s.started));
      expect(streams.every((s) => !s.isEnded)).toBe(true);
      const fourth = openLive(server.url, 'share.live', { token });
      await fourth.ended;
      expect(fourth.error?.data.appCode).toBe('too_many_live_views');
      expect(fourth.error?.message).toContain('This share link');
      for (const s of streams) s.close();
    },
  );

  it('caps live views per address over every link', BUSY_MACHINE, async () => {
    const { owner, dashboard } = await sharedDashboard();
    const first = await createLink(owner, dashboard.id);
    const second = await createLink(owner, dashboard.id);
    const streams = [first, first, second, second].map(({ token }) =>
      openLive(server.url, 'share.live', { token }),
    );
    await Promise.all(streams.map((s) => s.started));
    expect(streams.every((s) => !s.isEnded)).toBe(true);
    const fifth = openLive(server.url, 'share.live', { token: second.token });
    await fifth.ended;
    expect(fifth.error?.data.appCode).toBe('too_many_live_views');
    expect(fifth.error?.message).toContain('network address');
    for (const s of streams) s.close();
    // Closing frees the address's views.
    await sleep(100);
    const after = openLive(server.url, 'share.live', { token: second.token });
    await after.started;
    expect(after.isEnded).toBe(false);
    after.close();
  });

  it('caps requests per link per minute, over all its viewers', BUSY_MACHINE, async () => {
    const { owner, dashboard } = await sharedDashboard();
    const { token } = await createLink(owner, dashboard.id);
    const busy = await createLink(owner, dashboard.id);
    // Start at a minute's start, so that the window does not turn during the test.
    const minute = server.clock.now - (server.clock.now % 60_000) + 60_000;
    const saved = server.clock.now;
    server.clock.now = minute;
    try {
      const answers: string[] = [];
      for (let i = 0; i < PER_LINK_PER_MINUTE + 1; i++) {
        answers.push(await outcome(() => anonymous().share.open.query({ token: busy.token })));
      }
      expect(answers.slice(0, PER_LINK_PER_MINUTE).every((a) => a === 'ok')).toBe(true);
      expect(answers.at(-1)).toBe('TOO_MANY_REQUESTS:rate_limited');
      // Another link of the dashboard is not affected; the next minute the link answers again.
      expect(await outcome(() => anonymous().share.open.query({ token }))).toBe('ok');
      server.clock.now += 60_000;
      expect(await outcome(() => anonymous().share.open.query({ token: busy.token }))).toBe('ok');
    } finally {
      server.clock.now = saved;
    }
  });
});

describe('the share page', () => {
  it('keeps its path: a person named S gets another workspace', BUSY_MACHINE, async () => {
    const person = browserClient(server.url);
    const user = await person.client.auth.signUp.mutate({
      email: `s-${Date.now()}@example.com`,
      name: 'S',
      password: 'correct horse battery',
    });
    expect(user.workspace).toBe('s-2');
    const dashboard = await person.client.dashboards.create.mutate({ name: 'Mine' });
    // The dashboard's address is the app's, not a share link's page.
    const page = await call(`${server.url}/${user.workspace}/${dashboard.slug}`);
    expect(page.text).toContain('<title>app</title>');
  });

  it(
    'is kept out of search engines and framed only by the link’s origins',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await sharedDashboard();
      const framed = await createLink(owner, dashboard.id, {
        frameOrigins: ['https://intranet.example.com', 'http://localhost:8080'],
      });
      const plain = await createLink(owner, dashboard.id);

      const page = await call(`${server.url}/s/${framed.token}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('shared');
      expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
      expect(page.headers.get('content-security-policy')).toContain(
        'frame-ancestors https://intranet.example.com http://localhost:8080',
      );
      expect(page.headers.get('x-frame-options')).toBeNull();
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');

      const closed = await call(`${server.url}/s/${plain.token}`);
      expect(closed.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(closed.headers.get('x-frame-options')).toBe('DENY');

      // The app's own pages keep refusing every frame.
      const app = await call(`${server.url}/${dashboard.workspace}/${dashboard.slug}`);
      expect(app.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(app.headers.get('x-robots-tag')).toBeNull();

      await owner.client.shareLinks.revoke.mutate({
        dashboardId: dashboard.id,
        shareLinkId: framed.link.id,
      });
      // A token no link has, or not even text: the same page, 404.
      for (const path of ['/s/nosuchtoken', '/s/%E0%A4%A']) {
        const answer = await call(`${server.url}${path}`);
        expect([answer.status, answer.text], path).toEqual([
          404,
          expect.stringContaining('shared'),
        ]);
      }
      const gone = await call(`${server.url}/s/${framed.token}`);
      expect(gone.status).toBe(404);
      expect(gone.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(gone.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    },
  );
});
