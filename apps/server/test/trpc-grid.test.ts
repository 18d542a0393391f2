import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { outcome, signUp } from './trpc-client.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stopAll());

/** An owner with a dashboard, a TSV bucket and a key, plus a member with the `user` role. */
async function dashboardWithViewer() {
  const owner = await signUp(server.url, 'Owner');
  const viewer = await signUp(server.url, 'Viewer');
  const dashboard = await owner.client.dashboards.create.mutate({ name: 'Plant' });
  const dashboardId = dashboard.id;
  await owner.client.members.add.mutate({ dashboardId, email: viewer.email, role: 'user' });
  const bucket = await owner.client.buckets.create.mutate({
    dashboardId,
    name: 'Temperatures',
    type: 'TSV',
  });
  const { key } = await owner.client.apiKeys.create.mutate({
    dashboardId,
    name: 'sensor',
    type: 'production',
  });
  const write = (body: unknown) =>
    call(`${server.url}/api/buckets/${bucket.id}`, { method: 'POST', key, body });
  return { owner: owner.client, viewer: viewer.client, dashboardId, bucket, write };
}

/** The tRPC error a call fails with (its data carries our code and the fields). */
async function failure(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    if (error instanceof TRPCClientError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

const chart = {
  id: 'temps',
  type: 'timeChart' as const,
  bucketId: 'x',
  pos: { x: 0, y: 0, w: 6, h: 4 },
  series: [{ sk: 1 }],
};

describe('the widget grid', () => {
  it('admins save layouts with a version check; members read them', async () => {
    const { owner, viewer, dashboardId, bucket } = await dashboardWithViewer();
    const empty = await viewer.dashboards.layout.query({ dashboardId });
    expect(empty).toMatchObject({ version: 0, widgets: [], defaultRange: '24h' });
    const widgets = [{ ...chart, bucketId: bucket.id }];
    const saved = await owner.dashboards.saveLayout.mutate({
      dashboardId,
      version: 0,
      widgets,
      defaultRange: '7d',
    });
    expect(saved).toMatchObject({ version: 1, defaultRange: '7d' });
    // The schema's defaults are filled in and kept.
    expect(saved.widgets[0]).toMatchObject({ style: 'line', stacked: false, preset: 'high' });
    expect(await viewer.dashboards.layout.query({ dashboardId })).toEqual(saved);

    const stale = await failure(() =>
      owner.dashboards.saveLayout.mutate({
        dashboardId,
        version: 0,
        widgets: [],
        defaultRange: '1h',
      }),
    );
    expect(stale.data).toMatchObject({ code: 'CONFLICT', appCode: 'layout_conflict' });
    expect(stale.message).toContain('reload');
    expect(
      await outcome(() =>
        viewer.dashboards.saveLayout.mutate({
          dashboardId,
          version: 1,
          widgets,
          defaultRange: '1h',
        }),
      ),
    ).toBe('FORBIDDEN:forbidden');
  });

  it('says which field is wrong, as data', async () => {
    const { owner, dashboardId } = await dashboardWithViewer();
    const wide = { ...chart, id: 'wide', pos: { x: 8, y: 0, w: 6, h: 4 } };
    const error = await failure(() =>
      owner.dashboards.saveLayout.mutate({
        dashboardId,
        version: 0,
        widgets: [chart, wide, { ...chart }],
        defaultRange: '24h',
      }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', appCode: 'invalid_input' });
    expect(error.data?.fieldErrors).toEqual(
      expect.arrayContaining([
        { path: 'widgets.1.pos', message: expect.stringContaining('12 columns') },
        { path: 'widgets.2.id', message: 'widget id "temps" is used twice' },
      ]),
    );
    expect(error.message).toMatch(/^widgets\.1\.pos: .*\(and 1 more problem\)$/);
  });
});

describe('series descriptions and downsampled reads', () => {
  it('admins describe series; every member reads downsampled data', async () => {
    const { owner, viewer, dashboardId, bucket, write } = await dashboardWithViewer();
    const series = [{ sk: 1, name: 'Temperature', unit: '°C', color: '#d94a38', decimals: 1 }];
    const described = await owner.buckets.setSeries.mutate({
      dashboardId,
      bucketId: bucket.id,
      series,
    });
    expect(described.series).toEqual(series);
    const [listed] = await viewer.buckets.list.query({ dashboardId });
    expect(listed?.series).toEqual(series);
    expect(
      await outcome(() =>
        viewer.buckets.setSeries.mutate({ dashboardId, bucketId: bucket.id, series }),
      ),
    ).toBe('FORBIDDEN:forbidden');

    const minute = 60_000;
    const records = Array.from({ length: 120 }, (_, i) => ({
      k: i * minute,
      d: [{ sk: 1, v: i }],
    }));
    expect((await write(records)).status).toBe(200);
    const hourly = await viewer.buckets.downsample.query({
      dashboardId,
      bucketId: bucket.id,
      points: 2,
    });
    expect(hourly).toMatchObject({ interval: 3_600_000, keys: [0, 3_600_000], count: [60, 60] });
    expect(hourly.series[1]).toEqual({
      min: [0, 60],
      max: [59, 119],
      avg: [29.5, 89.5],
      last: [59, 119],
    });
    const raw = await viewer.buckets.downsample.query({
      dashboardId,
      bucketId: bucket.id,
      from: '1970-01-01T01:58:00Z',
    });
    expect(raw).toMatchObject({ interval: null, keys: [118 * minute, 119 * minute] });
    const bad = await failure(() =>
      viewer.buckets.downsample.query({ dashboardId, bucketId: bucket.id, from: 'yesterday' }),
    );
    expect(bad.data).toMatchObject({ appCode: 'invalid_query', fieldErrors: [{ path: 'from' }] });
  });

  it('refuses an inverted range on every read and on a delete, saying so', async () => {
    const { owner, viewer, dashboardId, bucket, write } = await dashboardWithViewer();
    await write([1000, 2000].map((k) => ({ k, d: [{ sk: 1, v: 1 }] })));
    const range = { dashboardId, bucketId: bucket.id, from: 2000, to: 1000 };
    // Reads say invalid_query (400); a delete, like its other invalid ranges, invalid_input.
    for (const [call, appCode] of [
      [() => viewer.buckets.downsample.query(range), 'invalid_query'],
      [() => viewer.buckets.records.query(range), 'invalid_query'],
      [() => owner.buckets.deleteRecords.mutate(range), 'invalid_input'],
    ] as const) {
      const refused = await failure(call);
      expect(refused.data?.appCode).toBe(appCode);
      expect(JSON.stringify(refused.data)).toContain('is after to');
    }
    expect(
      (await viewer.buckets.records.query({ ...range, from: 1000, to: 2000 })).records,
    ).toHaveLength(2);
  });
});

describe('deleting chosen records', () => {
  it('deletes keys or a range, refuses an empty or mixed selection, and only for admins', async () => {
    const { owner, viewer, dashboardId, bucket, write } = await dashboardWithViewer();
    await write([1000, 2000, 3000, 4000, 5000].map((k) => ({ k, d: [{ sk: 1, v: 1 }] })));
    const target = { dashboardId, bucketId: bucket.id };
    expect(await owner.buckets.deleteRecords.mutate({ ...target, keys: [1000, 9999] })).toEqual({
      deleted: 1,
    });
    expect(
      await owner.buckets.deleteRecords.mutate({
        ...target,
        from: 2000,
        to: '1970-01-01T00:00:03Z',
      }),
    ).toEqual({ deleted: 2 });
    expect(await outcome(() => owner.buckets.deleteRecords.mutate(target))).toBe(
      'UNPROCESSABLE_CONTENT:empty_selection',
    );
    expect(await outcome(() => owner.buckets.deleteRecords.mutate({ ...target, keys: [] }))).toBe(
      'UNPROCESSABLE_CONTENT:empty_selection',
    );
    const mixed = await failure(() =>
      owner.buckets.deleteRecords.mutate({ ...target, keys: [4000], from: 1 }),
    );
    expect(mixed.data).toMatchObject({ appCode: 'invalid_input' });
    const invalid = await failure(() =>
      owner.buckets.deleteRecords.mutate({ ...target, keys: [4000, 'soon'] }),
    );
    expect(invalid.data?.fieldErrors).toEqual([{ path: 'keys.1', message: expect.any(String) }]);
    expect(
      await outcome(() => viewer.buckets.deleteRecords.mutate({ ...target, keys: [4000] })),
    ).toBe('FORBIDDEN:forbidden');
    const left = await owner.buckets.records.query(target);
    expect(left.records.map((r) => r.key)).toEqual([4000, 5000]);
  });
});
