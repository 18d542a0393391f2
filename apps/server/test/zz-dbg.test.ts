import { afterAll, beforeAll, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { signUp } from './trpc-client.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stopAll());

it('dbg', async () => {
  const owner = await signUp(server.url, 'Owner');
  const dashboard = await owner.client.dashboards.create.mutate({ name: 'Plant' });
  const dashboardId = dashboard.id;
  const bucket = await owner.client.buckets.create.mutate({ dashboardId, name: 'T', type: 'TSV' });
  const { key } = await owner.client.apiKeys.create.mutate({ dashboardId, name: 's', type: 'production' });
  await owner.client.buckets.downsample.query({ dashboardId, bucketId: bucket.id, points: 150 });
  await owner.client.buckets.series.query({ dashboardId, bucketId: bucket.id });
  await new Promise((r) => setTimeout(r, 4000));
  const now = Date.now();
  const w = await call(`${server.url}/api/buckets/${bucket.id}`, { method: 'POST', key, body: [{ key: now, data: [{ series_key: 1, value: 7 }] }] });
  const out: string[] = [JSON.stringify(w)];
  for (const wait of [0, 3000]) {
    await new Promise((r) => setTimeout(r, wait));
    const t = Date.now();
    out.push(JSON.stringify(await owner.client.buckets.downsample.query({ dashboardId, bucketId: bucket.id, from: t - 86_400_000, to: t, points: 150, series: [1] })));
  }
  process.stderr.write(out.join('\n') + '\n');
});
