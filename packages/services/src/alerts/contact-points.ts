import {
  AppError,
  type ContactPointInput,
  MAX_CONTACT_POINTS_PER_DASHBOARD,
} from '@bucketgrid/shared';
import {
  type ContactPoint,
  type DeliveryAttempt,
  MissingEntity,
  newId,
  type Store,
} from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from '../activity.ts';
import { type DeliveryOptions, deliverNow } from './deliver.ts';
import { isMemberAddress, NOT_A_MEMBER } from './email-recipients.ts';
import { testPayload } from './payload.ts';
import { newSigningSecret } from './signature.ts';
import { checkLiteralHost, RefusedTarget } from './target-guard.ts';

/**
 * A contact point as members see it: never its secret, and of a webhook's URL only its origin
 * (a Slack webhook's path is itself a credential).
 */
export type ContactPointView = Omit<ContactPoint, 'secret'>;

const view = ({ secret: _secret, ...point }: ContactPoint): ContactPointView => ({
  ...point,
  target: point.kind === 'email' ? point.target : `${new URL(point.target).origin}/…`,
});

/** Delivery attempts one "deliveries" read lists at most. */
export const MAX_DELIVERY_LOG_PAGE = 100;

/**
 * Creates a contact point with a new signing secret, returned here once (the store keeps it to
 * sign; no read shows it again). A webhook naming a loopback or private address literally is
 * refused at once; names are resolved and checked at each delivery.
 */
export async function createContactPoint(
  store: Store,
  dashboardId: string,
  input: ContactPointInput,
  allowPrivate: boolean,
  by: ChangeAuthor,
): Promise<{ contactPoint: ContactPointView; secret: string }> {
  const targetOf = input.kind === 'email' ? input.email : input.url;
  if (input.kind === 'email' && !(await isMemberAddress(store, dashboardId, input.email))) {
    throw new AppError(
      'invalid_input',
      `The address is refused: ${NOT_A_MEMBER}. Add its owner as a member first, or use a webhook.`,
      { errors: [{ pointer: '/email', detail: NOT_A_MEMBER }] },
    );
  }
  if (input.kind !== 'email') {
    try {
      checkLiteralHost(new URL(input.url), allowPrivate);
    } catch (error) {
      if (!(error instanceof RefusedTarget)) throw error;
      throw new AppError('invalid_input', `The URL is refused: ${error.message}.`, {
        errors: [{ pointer: '/url', detail: error.message }],
      });
    }
  }
  const secret = newSigningSecret();
  try {
    const point = await store.createContactPoint(
      { dashboardId, name: input.name, kind: input.kind, target: targetOf, secret },
      by.now(),
      MAX_CONTACT_POINTS_PER_DASHBOARD,
      noteOf(
        by,
        dashboardId,
        'contact_point.created',
        { type: 'contact_point', id: '', label: input.name },
        {
          after: { kind: input.kind, target: targetOf },
        },
      ),
    );
    if (!point) {
      throw new AppError(
        'quota_exceeded',
        `A dashboard holds at most ${MAX_CONTACT_POINTS_PER_DASHBOARD} contact points (MAX_CONTACT_POINTS_PER_DASHBOARD): delete one first.`,
      );
    }
    return { contactPoint: view(point), secret };
  } catch (error) {
    if (error instanceof MissingEntity) throw new AppError('not_found', 'No such dashboard.');
    throw error;
  }
}

export async function listContactPoints(
  store: Store,
  dashboardId: string,
): Promise<ContactPointView[]> {
  return (await store.listContactPoints(dashboardId)).map(view);
}

async function getContactPoint(
  store: Store,
  dashboardId: string,
  id: string,
): Promise<ContactPoint> {
  const point = await store.getContactPoint(dashboardId, id);
  if (!point) throw new AppError('not_found', 'No such contact point in this dashboard.');
  return point;
}

export async function deleteContactPoint(
  store: Store,
  dashboardId: string,
  id: string,
  by: ChangeAuthor,
): Promise<void> {
  const point = await getContactPoint(store, dashboardId, id);
  const deleted = await store.deleteContactPoint(
    dashboardId,
    id,
    noteOf(by, dashboardId, 'contact_point.deleted', {
      type: 'contact_point',
      id,
      label: point.name,
    }),
  );
  if (!deleted) throw new AppError('not_found', 'No such contact point in this dashboard.');
}

/**
 * "Send test": queues a test notification and attempts it at once; answers with that attempt.
 * It counts toward the contact point's hourly notifications (storm control), so the button is
 * not a way to flood a receiver. A failed attempt is retried like any other.
 */
export async function sendTestNotification(
  options: DeliveryOptions,
  dashboardId: string,
  id: string,
): Promise<DeliveryAttempt> {
  const { store, now } = options;
  await getContactPoint(store, dashboardId, id);
  const at = now();
  return deliverNow(options, {
    id: newId(),
    dashboardId,
    contactPointId: id,
    ruleId: null,
    payload: { ...testPayload(dashboardId, at) },
    nextAttemptAt: at,
    createdAt: at,
  });
}

export async function listDeliveries(
  store: Store,
  dashboardId: string,
  id: string,
  limit: number,
): Promise<DeliveryAttempt[]> {
  await getContactPoint(store, dashboardId, id);
  return store.listDeliveryAttempts(
    dashboardId,
    id,
    Math.max(1, Math.min(limit, MAX_DELIVERY_LOG_PAGE)),
  );
}
