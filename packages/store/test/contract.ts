import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from '../src/store.ts';
import { activityContract } from './contract/activity.ts';
import { alertsContract } from './contract/alerts.ts';
import { apiKeysContract } from './contract/api-keys.ts';
import { bucketsContract } from './contract/buckets.ts';
import { contractContext } from './contract/context.ts';
import { dashboardsContract } from './contract/dashboards.ts';
import { deletionContract } from './contract/deletion.ts';
import { downsampleContract } from './contract/downsample.ts';
import { downsampleModelContract } from './contract/downsample-model.ts';
import { invitationsContract } from './contract/invitations.ts';
import { layoutsContract } from './contract/layouts.ts';
import { passwordResetsContract } from './contract/password-resets.ts';
import { rateWindowsContract } from './contract/rate-windows.ts';
import { readBudgetContract } from './contract/read-budget.ts';
import { recordsContract } from './contract/records.ts';
import { retentionContract } from './contract/retention.ts';
import { shareLinksContract } from './contract/share-links.ts';
import { usersContract } from './contract/users.ts';

/**
 * The behaviour every store backend must have. Each backend's test file calls this with a
 * function that opens a fresh, empty store; each part of the suite lives in test/contract/.
 */
export function runStoreContract(label: string, open: () => Promise<Store>): void {
  describe(`${label} store contract`, () => {
    let store: Store | undefined;
    const t = contractContext(() => {
      if (!store) throw new Error('the store is not open yet');
      return store;
    });
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    usersContract(t);
    dashboardsContract(t);
    bucketsContract(t);
    recordsContract(t);
    downsampleContract(t);
    downsampleModelContract(t);
    readBudgetContract(t);
    retentionContract(t);
    deletionContract(t);
    layoutsContract(t);
    apiKeysContract(t);
    rateWindowsContract(t);
    activityContract(t);
    invitationsContract(t);
    passwordResetsContract(t);
    shareLinksContract(t);
    alertsContract(t);
  });
}
