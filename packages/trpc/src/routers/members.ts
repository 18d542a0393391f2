import { addMember, listMembers, removeMember, setMemberRole } from '@bucketgrid/services';
import { idSchema, roleSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import { dashboardProcedure, router } from '../trpc.ts';

export const addMemberInput = z.object({ email: z.string().max(254), role: roleSchema });
export const setRoleInput = z.object({ userId: idSchema, role: roleSchema });
export const removeMemberInput = z.object({ userId: idSchema });

export const membersRouter = router({
  list: dashboardProcedure('user').query(async ({ ctx }) => {
    const members = await listMembers(ctx.store, ctx.dashboard.id);
    return members.map(({ userId, email, name, role, createdAt }) => ({
      userId,
      email,
      name,
      role,
      createdAt,
    }));
  }),

  add: dashboardProcedure('admin')
    .input(addMemberInput)
    .mutation(async ({ ctx, input }) => {
      const member = await addMember(
        ctx.store,
        ctx.role,
        {
          dashboardId: ctx.dashboard.id,
          email: input.email,
          role: input.role,
        },
        ctx.author,
      );
      return { userId: member.userId, email: member.email, name: member.name, role: member.role };
    }),

  setRole: dashboardProcedure('admin')
    .input(setRoleInput)
    .mutation(async ({ ctx, input }) => {
      await setMemberRole(
        ctx.store,
        ctx.role,
        { ...input, dashboardId: ctx.dashboard.id },
        ctx.author,
      );
      return { userId: input.userId, role: input.role };
    }),

  /** Admins remove users and admins, owners anyone; every member may remove themselves. */
  remove: dashboardProcedure('user')
    .input(removeMemberInput)
    .mutation(async ({ ctx, input }) => {
      await removeMember(
        ctx.store,
        { userId: ctx.user.id, role: ctx.role },
        { dashboardId: ctx.dashboard.id, userId: input.userId },
        ctx.author,
      );
      ctx.live.endMembership(ctx.dashboard.id, input.userId);
      return { removed: true };
    }),
});
