import type { Store } from '@bucketgrid/store';

/**
 * Whether `email` is the address of a member of the dashboard. Email contact points reach
 * members only (docs/alerts.md, "Contact points and delivery"): otherwise an admin could have
 * the server mail any address, a spam relay under the product's name. Checked when the
 * contact point is made and again before each email, so a member who leaves stops getting them.
 */
export async function isMemberAddress(
  store: Store,
  dashboardId: string,
  email: string,
): Promise<boolean> {
  const user = await store.getUserByEmail(email.trim().toLowerCase());
  return user !== null && (await store.getMembership(dashboardId, user.id)) !== null;
}

/** Why an email contact point's address is refused. */
export const NOT_A_MEMBER =
  'email contact points send to members of this dashboard only, and this address is not one';
