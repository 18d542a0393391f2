import { displayNameSchema, emailSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import { authedProcedure, publicProcedure, router } from '../trpc.ts';

export const signUpInput = z.object({
  email: emailSchema,
  // Strength is checked by the service so the client gets weak_password, not invalid_input.
  password: z.string().max(256),
  name: displayNameSchema,
});
export const signInInput = z.object({ email: z.string().max(254), password: z.string().max(256) });
export const changePasswordInput = z.object({
  currentPassword: z.string().max(256),
  newPassword: z.string().max(256),
});

export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const { user, cookie } = await ctx.auth.signUp(input, ctx.secure);
    ctx.setCookie(cookie);
    return user;
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const { user, cookie } = await ctx.auth.signIn(input, ctx.clientAddress, ctx.secure);
    ctx.setCookie(cookie);
    return user;
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    ctx.setCookie(await ctx.auth.signOut(ctx.sessionId, ctx.secure));
    ctx.live.endSession(ctx.sessionId);
    return { signedOut: true };
  }),

  /** The signed-in user, or null for a visitor (so the app can show its sign-in page). */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const { user, cookie } = await ctx.auth.changePassword(ctx.user, input, ctx.secure);
    // Every other session of the user ended: so do the live views opened with them.
    ctx.live.endUser(ctx.user.id);
    ctx.setCookie(cookie);
    return user;
  }),
});
