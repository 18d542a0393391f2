import { BucketgridClient, BucketgridError } from '@bucketgrid/client';

const bucketgrid = new BucketgridClient({
  url: process.env.BUCKETGRID_URL ?? 'http://localhost:3000',
  apiKey: process.env.BUCKETGRID_API_KEY ?? '',
});
const temperatures = bucketgrid.bucket(process.env.BUCKET_ID ?? '');

// One write: when it resolves, the records are on the server's disk.
await temperatures.write([{ key: new Date(), data: [{ series_key: 1, value: 21.5 }] }]);

// Many records: buffered, sent in batches and in order, retried while the server is away.
const batcher = temperatures.batcher({ flushIntervalMs: 1000 });
const start = Date.now() - 3_600_000;
for (let minute = 0; minute < 60; minute++) {
  await batcher.add({ k: start + minute * 60_000, d: [{ sk: 1, v: 20 + Math.sin(minute / 10) }] });
}
await batcher.close();

// Read the last hour, page by page (minified records here).
for await (const page of temperatures.read({ from: start, limit: 100, format: 'min' })) {
  console.log(`${page.records.length} records, first at ${page.records[0]?.k}`);
}

// The hour written above in about 6 intervals (of 10 minutes): min, max, avg and last of each.
const summary = await temperatures.downsample({ from: start, to: start + 59 * 60_000, points: 6 });
console.log(summary.interval, summary.series[1]?.avg);

// Errors carry the API's stable code and, for bad records, where each problem is.
try {
  await temperatures.write([{ key: 'yesterday', data: [{ series_key: 1, value: 1 }] }]);
} catch (error) {
  if (!(error instanceof BucketgridError) || error.code !== 'invalid_records') throw error;
  for (const problem of error.errors) console.log(problem.pointer, problem.detail);
}
