/**
 * Password reset tokens, by their hex SHA-256 (the token itself is never stored). All times are
 * unix milliseconds.
 */
export interface PasswordReset {
  tokenHash: string;
  userId: string;
  expiresAt: number;
}

export interface PasswordResetStore {
  /** Stores a reset; MissingEntity('user') when the user does not exist. */
  createPasswordReset(reset: PasswordReset): Promise<void>;
  /**
   * Uses a reset once: removes it and, when it had not expired at `now`, returns it. Concurrent
   * calls with the same token: one gets the reset, the others null.
   */
  takePasswordReset(tokenHash: string, now: number): Promise<PasswordReset | null>;
  /** Removes resets that expired at or before `now` (upkeep). */
  deleteExpiredPasswordResets(now: number): Promise<void>;
}
