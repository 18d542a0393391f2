import type { Client, SignedIn } from '@bucketgrid/auth';
import { passwordResetMail } from '@bucketgrid/services';
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
export const requestPasswordResetInput = z.object({ email: z.string().max(254) });
export const resetPasswordInput = z.object({
  token: z.string().min(1).max(64),
  newPassword: z.string().max(256),
});
export const changePasswordInput = z.object({
  currentPassword: z.string().max(256),
  newPassword: z.string().max(256),
});

const client = (ctx: Context): Client => ({
  address: ctx.clientAddress,
  cookieHeader: ctx.cookieHeader,
  userAgent: ctx.userAgent,
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

  /** Whether this server sends email (SMTP_URL): else the app shows links to copy. */
  email: publicProcedure.query(({ ctx }) => ({ enabled: ctx.sharing.mailer.enabled })),

  /**
   * Emails a reset link when the address has an account. The answer is the same whether or
   * not it has one, and does not wait for the mail server (its time would tell).
   */
  requestPasswordReset: publicProcedure
    .input(requestPasswordResetInput)
    .mutation(async ({ ctx, input }) => {
      const reset = await ctx.auth.requestPasswordReset(input, client(ctx));
      if (reset) {
        const link = `${ctx.sharing.publicUrl.replace(/\/+$/, '')}/reset-password/${reset.token}`;
        void ctx.sharing.mailer.send(
          passwordResetMail({ to: reset.user.email, name: reset.user.name, link }),
        );
      }
      return { emailEnabled: ctx.sharing.mailer.enabled };
    }),

  /**
   * Sets a new password with a reset link's token; every session of the account ends. The
   * account's history notes the change with it (as for changePassword).
   */
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    const reset = await ctx.auth.resetPassword(input, client(ctx), ctx.secure);
    ctx.live.endUser(reset.user.id);
    return signedIn(ctx, reset);
  }),

  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const changed = await ctx.auth.changePassword(ctx.user, input, client(ctx), ctx.secure);
    // Every other session of the user ended: so do the live views opened with them.
    ctx.live.endUser(ctx.user.id);
    return signedIn(ctx, changed);
  }),
});
