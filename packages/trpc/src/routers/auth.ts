import type { Client, SignedIn } from '@bucketgrid/auth';
import {
  type AccountEventKind,
  displayNameSchema,
  emailSchema,
  MAX_USER_AGENT,
} from '@bucketgrid/shared';
import { z } from 'zod';
import type { Context } from '../context.ts';
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

const client = (ctx: Context): Client => ({
  address: ctx.clientAddress,
  cookieHeader: ctx.cookieHeader,
});

function signedIn(ctx: Context, { user, cookies }: SignedIn) {
  for (const cookie of cookies) ctx.setCookie(cookie);
  return user;
}

/** Notes a sign-in or a password change in the account's history (the Account page). */
function noteAccountEvent(ctx: Context, userId: string, kind: AccountEventKind) {
  return ctx.store.addAccountEvent({
    userId,
    at: ctx.now(),
    kind,
    address: ctx.clientAddress,
    userAgent: ctx.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
  });
}

export const authRouter = router({
  signUp: publicProcedure
    .input(signUpInput)
    .mutation(async ({ ctx, input }) =>
      signedIn(ctx, await ctx.auth.signUp(input, client(ctx), ctx.secure)),
    ),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.auth.signIn(input, client(ctx), ctx.secure);
    await noteAccountEvent(ctx, result.user.id, 'signed_in');
    return signedIn(ctx, result);
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    ctx.setCookie(await ctx.auth.signOut(ctx.sessionId, ctx.secure));
    ctx.live.endSession(ctx.sessionId);
    return { signedOut: true };
  }),

  /** The signed-in user, or null for a visitor (so the app can show its sign-in page). */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const changed = await ctx.auth.changePassword(ctx.user, input, client(ctx), ctx.secure);
    // Every other session of the user ended: so do the live views opened with them.
    ctx.live.endUser(ctx.user.id);
    await noteAccountEvent(ctx, ctx.user.id, 'password_changed');
    return signedIn(ctx, changed);
  }),
});
