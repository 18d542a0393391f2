import {
  acceptInvitation,
  type InvitationDeps,
  invite,
  listInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from '@bucketgrid/services';
import { idSchema, roleSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { authedProcedure, dashboardProcedure, publicProcedure, router } from '../trpc.ts';

export const inviteInput = z.object({ email: z.string().max(254), role: roleSchema });
export const invitationIdInput = z.object({ invitationId: idSchema });
/** A link's token: 32 base62 characters (a little slack, so a wrong one is not_found). */
export const invitationTokenInput = z.object({ token: z.string().min(1).max(64) });

const deps = (ctx: Context): InvitationDeps => ({
  store: ctx.store,
  mailer: ctx.sharing.mailer,
  publicUrl: ctx.sharing.publicUrl,
  now: ctx.now,
  perDashboard: ctx.sharing.invitationsPerDashboard,
});

/**
 * Invitations by email. The accept link's token is in answers only once, to the inviter, as
 * `link`; the store keeps its hash. `mail` says whether the email went: `sent`, `off` (no
 * SMTP_URL: copy the link) or `failed` (the mail server refused: copy it or resend).
 */
export const invitationsRouter = router({
  list: dashboardProcedure('admin').query(({ ctx }) =>
    listInvitations(deps(ctx), ctx.dashboard.id),
  ),

  /** An address with an account becomes a member at once (`member`); others are invited. */
  invite: dashboardProcedure('admin')
    .input(inviteInput)
    .mutation(async ({ ctx, input }) => {
      const inviter = { id: ctx.user.id, name: ctx.user.name, role: ctx.role };
      const outcome = await invite(deps(ctx), inviter, ctx.dashboard, input, ctx.author);
      if (outcome.kind === 'member') {
        const { userId, email, name, role } = outcome.member;
        return { kind: 'member' as const, member: { userId, email, name, role } };
      }
      return outcome;
    }),

  resend: dashboardProcedure('admin')
    .input(invitationIdInput)
    .mutation(({ ctx, input }) =>
      resendInvitation(
        deps(ctx),
        { id: ctx.user.id, name: ctx.user.name, role: ctx.role },
        ctx.dashboard,
        input.invitationId,
        ctx.author,
      ),
    ),

  revoke: dashboardProcedure('admin')
    .input(invitationIdInput)
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(
        deps(ctx),
        { id: ctx.user.id, name: ctx.user.name, role: ctx.role },
        ctx.dashboard.id,
        input.invitationId,
        ctx.author,
      );
      return { revoked: true };
    }),

  /** For the invitation page: whom it is for and to what (the token is the only key). */
  preview: publicProcedure
    .input(invitationTokenInput)
    .query(({ ctx, input }) => previewInvitation(deps(ctx), input.token)),

  /** Joins the signed-in user to the invitation's dashboard; returns where to go. */
  accept: authedProcedure.input(invitationTokenInput).mutation(async ({ ctx, input }) => {
    const joined = await acceptInvitation(deps(ctx), ctx.user, input.token, ctx.author);
    const dashboard = await ctx.store.getDashboard(joined.dashboardId);
    return {
      dashboardId: joined.dashboardId,
      role: joined.role,
      path: dashboard ? `/${dashboard.workspace}/${dashboard.slug}` : '/',
    };
  }),
});
