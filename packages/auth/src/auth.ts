import {
  assertStrongPassword,
  createUser,
  hashLinkToken,
  hashPassword,
  newLinkToken,
  personalWords,
  trimSessions,
  verifyPassword,
  warmUpPasswordRating,
} from '@bucketgrid/services';
import { AppError, emailSchema, MAX_USER_AGENT } from '@bucketgrid/shared';
import type { Store, User } from '@bucketgrid/store';
import { type Cookie, Lucia, TimeSpan, verifyRequestOrigin } from 'lucia';
import { DeviceCookies } from './device-cookies.ts';
import { storeAdapter } from './lucia-adapter.ts';
import { DEFAULT_LIMITS, Throttle, type ThrottleLimits } from './throttle.ts';

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
  /** Set-Cookie values to send: the session, and the device cookie on sign-in and sign-up. */
  cookies: string[];
}

/** Where a sign-in or sign-up comes from. */
export interface Client {
  /** The client's address (behind a trusted proxy, the one it forwarded). */
  address: string;
  /** The request's Cookie header, for the device cookie. */
  cookieHeader: string | undefined;
  /** The browser's User-Agent, for the account's history. */
  userAgent?: string;
}

/** A password change as the account's history notes it, with the change (same transaction). */
function passwordChanged(client: Client, at: number) {
  return {
    at,
    kind: 'password_changed' as const,
    address: client.address,
    userAgent: client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
  };
}

const SESSION_COOKIE = 'bucketgrid_session';
/** How long a password reset link works. */
export const PASSWORD_RESET_LIFETIME_MS = 60 * 60_000;
// A valid argon2id hash of a random string: unknown emails cost as much as wrong passwords,
// so response time does not reveal which emails have accounts.
const DUMMY_HASH = hashPassword(crypto.randomUUID());

export function createAuth(
  store: Store,
  options: Partial<ThrottleLimits> & { now?: () => number } = {},
) {
  const now = options.now ?? Date.now;
  const lucia = new Lucia(storeAdapter(store), {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: { name: SESSION_COOKIE, attributes: { sameSite: 'lax', secure: false } },
    getUserAttributes: (attributes) => attributes as Omit<AuthUser, 'id'>,
  });
  const limits: ThrottleLimits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(limits) as (keyof ThrottleLimits)[]) {
    limits[name] = options[name] ?? limits[name];
  }
  const throttle = new Throttle(limits, store);
  const devices = new DeviceCookies();
  warmUpPasswordRating();

  /** HttpOnly and SameSite=Lax always; Secure when the request came over https. */
  function serialize(cookie: Cookie, secure: boolean): string {
    cookie.attributes.secure = secure;
    return cookie.serialize();
  }

  async function startSession(user: AuthUser, secure: boolean): Promise<string> {
    const session = await lucia.createSession(user.id, {});
    await trimSessions(store, user.id);
    return serialize(lucia.createSessionCookie(session.id), secure);
  }

  /**
   * The account `load` finds when `password` is its password, else null. The attempt is
   * counted before the password is checked (per address, and per email from unknown devices
   * or per known device: see `Throttle`); a success gives it back. An account that does not
   * exist costs one argon2 verification too, so timing does not tell which emails have one.
   */
  async function checkPassword(
    client: Client,
    account: string,
    password: string,
    load: () => Promise<User | null>,
  ): Promise<User | null> {
    const device = devices.knownDevice(client.cookieHeader, account);
    return throttle.passwordCheck(client.address, async () => {
      const attempt = await throttle.signInAttempt(client.address, account, device, now());
      let found: User | null;
      let valid: boolean;
      try {
        found = await load();
        valid = await verifyPassword(found?.passwordHash ?? (await DUMMY_HASH), password);
      } catch (error) {
        // No password was checked (the server was busy, or the store failed).
        await attempt.giveBack();
        throw error;
      }
      if (!found || !valid) return null;
      await attempt.giveBack();
      return found;
    });
  }

  /** A new session, and this browser marked as a known device of the account. */
  async function signedIn(user: AuthUser, secure: boolean): Promise<SignedIn> {
    return {
      user: toAuthUser(user),
      cookies: [devices.issue(user.email, secure), await startSession(user, secure)],
    };
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

    /**
     * Throttled per client address: every attempt counts, before any work is done (which
     * also bounds how many one address can have running).
     */
    async signUp(
      input: { email: string; password: string; name: string },
      client: Client,
      secure: boolean,
    ): Promise<SignedIn> {
      await throttle.signUpAttempt(client.address, now());
      return signedIn(await createUser(store, input), secure);
    },

    /** Checks the password under the sign-in throttle (see `checkPassword`). */
    async signIn(
      input: { email: string; password: string },
      client: Client,
      secure: boolean,
    ): Promise<SignedIn> {
      const email = emailSchema.safeParse(input.email);
      const account = email.success ? email.data : input.email.toLowerCase();
      const user = await checkPassword(client, account, input.password, async () =>
        email.success ? store.getUserByEmail(email.data) : null,
      );
      if (!user) throw new AppError('invalid_credentials', 'Wrong email or password.');
      return signedIn(user, secure);
    },

    /** Ends the session; returns a Set-Cookie value that clears the cookie. */
    async signOut(sessionId: string, secure: boolean): Promise<string> {
      await lucia.invalidateSession(sessionId);
      return serialize(lucia.createBlankSessionCookie(), secure);
    },

    /**
     * A reset link's token for the account with this email, or null (no such account, or its
     * email's budget spent): callers answer the same either way. Throttled per address first.
     */
    async requestPasswordReset(
      input: { email: string },
      client: Client,
    ): Promise<{ user: AuthUser; token: string } | null> {
      const email = emailSchema.safeParse(input.email);
      const account = email.success ? email.data : input.email.toLowerCase();
      const allowed = await throttle.resetRequest(client.address, account, now());
      if (!allowed || !email.success) return null;
      const user = await store.getUserByEmail(email.data);
      if (!user) return null;
      const { token, hash } = newLinkToken();
      // Expired resets go as new ones come: the table stays as small as the throttle allows.
      await store.deleteExpiredPasswordResets(now());
      await store.createPasswordReset({
        tokenHash: hash,
        userId: user.id,
        expiresAt: now() + PASSWORD_RESET_LIFETIME_MS,
      });
      return { user: toAuthUser(user), token };
    },

    /**
     * Sets a new password with a reset token (once, within its hour), ends every session of
     * the account, and signs this browser in.
     */
    async resetPassword(
      input: { token: string; newPassword: string },
      client: Client,
      secure: boolean,
    ): Promise<SignedIn> {
      // Checked before the token is used, so a weak password does not spend the link.
      const password = await throttle.passwordCheck(client.address, () =>
        assertStrongPassword(input.newPassword, 'newPassword', []),
      );
      const reset = await store.takePasswordReset(hashLinkToken(input.token), now());
      const user = reset && (await store.getUserById(reset.userId));
      if (!user) {
        throw new AppError(
          'not_found',
          'This reset link is not valid: it was used or has expired. Ask for a new one.',
        );
      }
      const passwordHash = await throttle.passwordCheck(client.address, async () => {
        await assertStrongPassword(password, 'newPassword', personalWords(user.email, user.name));
        return hashPassword(password);
      });
      await store.setUserPassword(user.id, passwordHash, passwordChanged(client, now()));
      await lucia.invalidateUserSessions(user.id);
      return signedIn(user, secure);
    },

    /** Changes the password and ends every session of the user, then starts a new one. */
    async changePassword(
      user: AuthUser,
      input: { currentPassword: string; newPassword: string },
      client: Client,
      secure: boolean,
    ): Promise<SignedIn> {
      const stored = await checkPassword(client, user.email, input.currentPassword, () =>
        store.getUserById(user.id),
      );
      if (!stored) throw new AppError('invalid_credentials', 'The current password is wrong.');
      const passwordHash = await throttle.passwordCheck(client.address, async () => {
        const next = await assertStrongPassword(
          input.newPassword,
          'newPassword',
          personalWords(user.email, user.name),
        );
        return hashPassword(next);
      });
      await store.setUserPassword(user.id, passwordHash, passwordChanged(client, now()));
      await lucia.invalidateUserSessions(user.id);
      return { user, cookies: [await startSession(user, secure)] };
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;

function toAuthUser(user: AuthUser): AuthUser {
  return { id: user.id, email: user.email, name: user.name, workspace: user.workspace };
}

/** Whether a request's Origin header names the host it was sent to (CSRF protection). */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  return origin !== undefined && host !== undefined && verifyRequestOrigin(origin, [host]);
}
