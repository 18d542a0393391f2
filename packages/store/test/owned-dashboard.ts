import type { Dashboard } from '../src/roles/tenancy.ts';
import type { Store } from '../src/store.ts';

/** A user named `name` and a dashboard of theirs keeping `retention` records per bucket. */
export async function ownedDashboard(
  store: Store,
  name: string,
  retention = 1_000_000,
): Promise<Dashboard> {
  const user = await store.createUser({
    email: `${name}@example.com`,
    name,
    workspace: name,
    passwordHash: 'h',
  });
  return store.createDashboard({ ownerId: user.id, workspace: name, slug: name, name, retention });
}
