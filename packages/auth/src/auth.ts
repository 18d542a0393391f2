import {
  assertStrongPassword,
  createUser,
  FixedWindowLimiter,
  hashPassword,
  type RateLimitOutcome,
  verifyPassword,
} from '@bucketgrid/services';
import { AppError, emailSchema } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import { type Cookie, Lucia, TimeSpan, verifyRequestOrigin } from 'lucia';
import { storeAdapter } from './lucia-adapter.ts';

/**
 * Sessions, sign-up, sign-in and sign-out. Lucia does the session bookkeeping (sliding
 * expiry, cookie format); it stays inside this module so it can be replaced without
 * touching callers.
 */

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  workspace: string;
}

export interface SignedIn {
  user: AuthUser;
  /** A Set-Cookie value to send. */
  cookie: string;
}

const SESSION_COOKIE = 'bucketgrid_session';
const THROTTLE_WINDOW_MS = 15 * 60_000;
// A valid argon2id hash of a random string: unknown emails cost as much as wrong passwords,
// so response time does not reveal which emails have accounts.
const DUMMY_HASH = hashPassword(crypto.randomUUID());

export function createAuth(
  store: Store,
  options: {
    now?: () => number;
    failedSignInsPerEmail?: number;
    failedSignInsPerAddress?: number;
  } = {},
) {
  const now = options.now ?? Date.now;
  const lucia = new Lucia(storeAdapter(store), {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: { name: SESSION_COOKIE, attributes: { sameSite: 'lax', secure: false } },
    getUserAttributes: (attributes) => attributes as Omit<AuthUser, 'id'>,
  });
  const perEmail = new FixedWindowLimiter(options.failedSignInsPerEmail ?? 5, THROTTLE_WINDOW_MS);
  const perAddress = new FixedWindowLimiter(
    options.failedSignInsPerAddress ?? 50,
    THROTTLE_WINDOW_MS,
  );

  /** HttpOnly and SameSite=Lax always; Secure when the request came over https. */
  function serialize(cookie: Cookie, secure: boolean): string {
    cookie.attributes.secure = secure;
    return cookie.serialize();
  }

  async function startSession(user: AuthUser, secure: boolean): Promise<SignedIn> {
    const session = await lucia.createSession(user.id, {});
    return { user, cookie: serialize(lucia.createSessionCookie(session.id), secure) };
  }

  function throttled(outcome: RateLimitOutcome): AppError {
    const minutes = Math.ceil(outcome.resetSeconds / 60);
    return new AppError(
      'rate_limited',
      `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      { retryAfterSeconds: outcome.resetSeconds },
    );
  }

  return {
    sessionCookieName: SESSION_COOKIE,

    /** The signed-in user of a request, and a refreshed cookie when the session slid. */
    async authenticate(
      cookieHeader: string | undefined,
      secure: boolean,
    ): Promise<{ user: AuthUser; sessionId: string; setCookie?: string } | null> {
      const sessionId = lucia.readSessionCookie(cookieHeader ?? '');
      if (!sessionId) return null;
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session) return null;
      const setCookie = session.fresh
        ? serialize(lucia.createSessionCookie(session.id), secure)
        : undefined;
      return { user: user as AuthUser, sessionId: session.id, setCookie };
    },

    async signUp(
      input: { email: string; password: string; name: string },
      secure: boolean,
    ): Promise<SignedIn> {
      const user = await createUser(store, input);
      return startSession(user, secure);
    },

    async signIn(
      input: { email: string; password: string },
      clientAddress: string,
      secure: boolean,
    ): Promise<SignedIn> {
      const email = emailSchema.safeParse(input.email);
      const emailKey = email.success ? email.data : input.email.toLowerCase();
      const at = now();
      for (const gate of [perEmail.peek(emailKey, at), perAddress.peek(clientAddress, at)]) {
        if (!gate.allowed) throw throttled(gate);
      }
      const user = email.success ? await store.getUserByEmail(email.data) : null;
      const valid = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH), input.password);
      if (!user || !valid) {
        perEmail.consume(emailKey, 1, at);
        perAddress.consume(clientAddress, 1, at);
        throw new AppError('invalid_credentials', 'Wrong email or password.');
      }
      return startSession(user, secure);
    },

    /** Ends the session; returns a Set-Cookie value that clears the cookie. */
    async signOut(sessionId: string, secure: boolean): Promise<string> {
      await lucia.invalidateSession(sessionId);
      return serialize(lucia.createBlankSessionCookie(), secure);
    },

    /** Changes the password and ends every session of the user, then starts a new one. */
    async changePassword(
      user: AuthUser,
      input: { currentPassword: string; newPassword: string },
      secure: boolean,
    ): Promise<SignedIn> {
      const stored = await store.getUserById(user.id);
      if (!stored || !(await verifyPassword(stored.passwordHash, input.currentPassword))) {
        throw new AppError('invalid_credentials', 'The current password is wrong.');
      }
      const next = assertStrongPassword(input.newPassword, 'newPassword');
      await store.setUserPassword(user.id, await hashPassword(next));
      await lucia.invalidateUserSessions(user.id);
      return startSession(user, secure);
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;

/** Whether a request's Origin header names the host it was sent to (CSRF protection). */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  return origin !== undefined && host !== undefined && verifyRequestOrigin(origin, [host]);
}
