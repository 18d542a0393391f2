import type { DataRecord } from '@bucketgrid/shared';
import type { Bucket, Dashboard, MaintainResult, Store, User } from '../../src/store.ts';

/** What every part of the contract suite gets: the store under test and helpers to fill it. */
export interface ContractContext {
  /** The store under test (set before the first test runs). */
  readonly store: Store;
  /** A name no other test uses: `${name}-N`. */
  unique(name: string): string;
  makeUser(): Promise<User>;
  makeDashboard(retention?: number): Promise<{ owner: User; dashboard: Dashboard }>;
  makeBucket(type?: Bucket['type'], retention?: number): Promise<Bucket>;
  rec(key: number | string, values: Record<number, number | null>): DataRecord;
  /** Every record of the bucket, in key order. */
  readAll(bucket: Bucket): Promise<DataRecord[]>;
}

/**
 * Runs upkeep until it has nothing left, as it stands once every cell has settled (upkeep
 * leaves cells written in the last seconds for later; a clock a minute ahead counts them in).
 * Bounded: an endless loop would be a bug. Returns the buckets the steps trimmed.
 */
export async function settleUpkeep(store: Store): Promise<MaintainResult['trimmed']> {
  const trimmed: MaintainResult['trimmed'] = [];
  for (let step = 0; step < 10_000; step++) {
    const result = await store.maintain(Date.now() + 60_000);
    trimmed.push(...result.trimmed);
    if (!result.more) return trimmed;
  }
  throw new Error('maintain() still had work after 10,000 steps');
}

export function contractContext(current: () => Store): ContractContext {
  let counter = 0;
  const unique = (name: string) => `${name}-${++counter}`;
  const makeUser = () => {
    const name = unique('user');
    return current().createUser({
      email: `${name}@example.com`,
      name,
      workspace: name,
      passwordHash: 'hash',
    });
  };
  const makeDashboard = async (retention = 100_000) => {
    const owner = await makeUser();
    const dashboard = await current().createDashboard({
      ownerId: owner.id,
      workspace: owner.workspace,
      slug: unique('dash'),
      name: 'Dash',
      retention,
    });
    return { owner, dashboard };
  };
  return {
    get store() {
      return current();
    },
    unique,
    makeUser,
    makeDashboard,
    async makeBucket(type = 'TSV', retention = 100_000) {
      const { dashboard } = await makeDashboard(retention);
      return current().createBucket({ dashboardId: dashboard.id, name: 'b', type });
    },
    rec: (key, values) => ({ key, values }),
    async readAll(bucket) {
      return (await current().readRecords(bucket, { order: 'asc', limit: 10_000 })).records;
    },
  };
}
