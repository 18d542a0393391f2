import type { AccountEvent } from './activity.ts';

/** Users and their sessions. All times are unix milliseconds. */

export interface User {
  id: string;
  email: string;
  name: string;
  /** The user's workspace slug: the first segment of their dashboards' paths. */
  workspace: string;
  passwordHash: string;
  createdAt: number;
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: number;
}

export interface AccountStore {
  createUser(input: Omit<User, 'id' | 'createdAt'>): Promise<User>;
  getUserById(id: string): Promise<User | null>;
  getUserByEmail(email: string): Promise<User | null>;
  /**
   * Sets the password; `event` (the password change, for the account's history) is written in
   * the same transaction, so the history never misses a change nor shows one that did not happen.
   */
  setUserPassword(
    userId: string,
    passwordHash: string,
    event?: Omit<AccountEvent, 'id' | 'userId'>,
  ): Promise<void>;

  /** MissingEntity('user') when the user does not exist. */
  createSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | null>;
  listUserSessions(userId: string): Promise<Session[]>;
  setSessionExpiry(id: string, expiresAt: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;
  deleteExpiredSessions(now: number): Promise<void>;
}
