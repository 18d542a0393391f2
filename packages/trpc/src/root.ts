import { activityRouter } from './routers/activity.ts';
import { alertsRouter } from './routers/alerts.ts';
import { apiKeysRouter } from './routers/api-keys.ts';
import { authRouter } from './routers/auth.ts';
import { bucketImportRouter } from './routers/bucket-import.ts';
import { bucketsRouter } from './routers/buckets.ts';
import { contactPointsRouter } from './routers/contact-points.ts';
import { dashboardsRouter } from './routers/dashboards.ts';
import { invitationsRouter } from './routers/invitations.ts';
import { membersRouter } from './routers/members.ts';
import { shareRouter } from './routers/share.ts';
import { shareLinksRouter } from './routers/share-links.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  dashboards: dashboardsRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  buckets: bucketsRouter,
  apiKeys: apiKeysRouter,
  activity: activityRouter,
  bucketImport: bucketImportRouter,
  shareLinks: shareLinksRouter,
  /** Public: what a share link's token opens (no session). */
  share: shareRouter,
  alerts: alertsRouter,
  contactPoints: contactPointsRouter,
});

/** The router's type: all a client needs for end-to-end types, without server code. */
export type AppRouter = typeof appRouter;
