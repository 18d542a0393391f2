import { FixedWindowLimiter, type RateLimitOutcome } from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';

/** The limits of docs/architecture.md, "Limits and abuse". */
export interface ThrottleLimits {
  /** Failed sign-ins per email from unknown devices, and per known device, in 15 minutes. */
  failedSignInsPerEmail: number;
  /** Failed sign-ins per client address, whatever the email, in 15 minutes. */
  failedSignInsPerAddress: number;
  /** Sign-up attempts per client address per hour. */
  signUpsPerAddress: number;
  /** Password checks (sign-in, password change) one address may have running at once. */
  passwordChecksPerAddress: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  failedSignInsPerEmail: 5,
  failedSignInsPerAddress: 50,
  signUpsPerAddress: 20,
  passwordChecksPerAddress: 4,
};

const FAILURE_WINDOW_MS = 15 * 60_000;
const SIGN_UP_WINDOW_MS = 60 * 60_000;

function wait(outcome: RateLimitOutcome): string {
  const minutes = Math.ceil(outcome.resetSeconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * Who may try a password now. Attempts are counted before the password is checked, in one
 * synchronous step, so concurrent guesses cannot all pass a check none of them has counted
 * yet; a success gives its unit back, so only failures use up the budgets.
 */
export class Throttle {
  private readonly perAddress: FixedWindowLimiter;
  private readonly perEmail: FixedWindowLimiter;
  private readonly perDevice: FixedWindowLimiter;
  private readonly signUps: FixedWindowLimiter;
  private readonly checksRunning = new Map<string, number>();

  constructor(private readonly limits: ThrottleLimits) {
    this.perAddress = new FixedWindowLimiter(limits.failedSignInsPerAddress, FAILURE_WINDOW_MS);
    this.perEmail = new FixedWindowLimiter(limits.failedSignInsPerEmail, FAILURE_WINDOW_MS);
    this.perDevice = new FixedWindowLimiter(limits.failedSignInsPerEmail, FAILURE_WINDOW_MS);
    this.signUps = new FixedWindowLimiter(limits.signUpsPerAddress, SIGN_UP_WINDOW_MS);
  }

  /**
   * Counts a sign-in attempt against the address and against the email's budget for unknown
   * devices, or the known device's own budget. Returns what gives the attempt back.
   */
  signInAttempt(
    address: string,
    email: string,
    device: string | null,
    at: number,
  ): { giveBack(): void } {
    const budgets: [FixedWindowLimiter, string][] = [
      [this.perAddress, address],
      device === null ? [this.perEmail, email] : [this.perDevice, device],
    ];
    for (const [limiter, id] of budgets) {
      const outcome = limiter.peek(id, at);
      if (!outcome.allowed) {
        throw new AppError(
          'rate_limited',
          `Too many failed sign-ins. Try again in ${wait(outcome)}.`,
          { retryAfterSeconds: outcome.resetSeconds },
        );
      }
    }
    for (const [limiter, id] of budgets) limiter.consume(id, 1, at);
    return {
      giveBack: () => {
        for (const [limiter, id] of budgets) limiter.refund(id, 1, at);
      },
    };
  }

  /** Counts a sign-up attempt against the address. */
  signUpAttempt(address: string, at: number): void {
    const outcome = this.signUps.consume(address, 1, at);
    if (!outcome.allowed) {
      throw new AppError(
        'rate_limited',
        `Too many sign-ups from your network. Try again in ${wait(outcome)}.`,
        { retryAfterSeconds: outcome.resetSeconds },
      );
    }
  }

  /**
   * Runs password work (argon2, rating) for a client address, refusing at once when that
   * address already has its share running: one address cannot fill the process-wide argon2
   * queue, so clients elsewhere are served while it floods.
   */
  async passwordCheck<T>(address: string, work: () => Promise<T>): Promise<T> {
    const running = this.checksRunning.get(address) ?? 0;
    if (running >= this.limits.passwordChecksPerAddress) {
      throw new AppError(
        'rate_limited',
        'Another sign-in from your network is still being checked. Try again in a moment.',
        { retryAfterSeconds: 1 },
      );
    }
    this.checksRunning.set(address, running + 1);
    try {
      return await work();
    } finally {
      const left = (this.checksRunning.get(address) ?? 1) - 1;
      if (left === 0) this.checksRunning.delete(address);
      else this.checksRunning.set(address, left);
    }
  }
}
