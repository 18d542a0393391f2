import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type CommitObserver, openStore } from '../src/open-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-observer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('tells an observer each group commit: its jobs, their run time and the commit time', async () => {
  const commits: { jobs: number; run: number; commit: number }[] = [];
  const observer: CommitObserver = {
    committed: (jobs, run, commit) => commits.push({ jobs, run, commit }),
    failed: () => expect.unreachable('no commit fails here'),
  };
  const store = await openStore(`file:${join(dir, 'observed.db')}`, { commitObserver: observer });
  const user = await store.createUser({
    email: 'o@example.com',
    name: 'O',
    workspace: 'o',
    passwordHash: 'x',
  });
  const dashboard = await store.createDashboard({
    ownerId: user.id,
    workspace: 'o',
    slug: 'd',
    name: 'D',
    retention: 1000,
  });
  const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'IV' });
  commits.length = 0;
  // Ten writes submitted in one turn of the event loop share one commit.
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      store.upsertRecords(bucket, [{ key: i, values: { 1: i } }], 'merge'),
    ),
  );
  await store.close();
  expect(commits).toEqual([{ jobs: 10, run: expect.any(Number), commit: expect.any(Number) }]);
  expect(commits[0]!.run).toBeGreaterThan(0);
  expect(commits[0]!.commit).toBeGreaterThan(0);
});
