import {
  type RateCounters,
  type RateLimitOutcome,
  SharedWindowLimiter,
} from '@bucketgrid/services';
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
 * Who may try a password now. The budgets are counted in the store, so they hold across every
 * server process of a deployment. Attempts are counted before the password is checked, and
 * an attempt over a budget gives back what it counted, so concurrent guesses cannot all pass
 * a check none of them has counted yet; a success gives its unit back, so only failures use
 * up the budgets.
 */
export class Throttle {
  private readonly perAddress: SharedWindowLimiter;
  private readonly perEmail: SharedWindowLimiter;
  private readonly perDevice: SharedWindowLimiter;
  private readonly signUps: SharedWindowLimiter;
  private readonly checksRunning = new Map<string, number>();

  constructor(
    private readonly limits: ThrottleLimits,
    counters: RateCounters,
  ) {
    const limiter = (scope: string, limit: number, windowMs: number) =>
      new SharedWindowLimiter(counters, scope, limit, windowMs);
    this.perAddress = limiter('sign-in-address', limits.failedSignInsPerAddress, FAILURE_WINDOW_MS);
    this.perEmail = limiter('sign-in-email', limits.failedSignInsPerEmail, FAILURE_WINDOW_MS);
    this.perDevice = limiter('sign-in-device', limits.failedSignInsPerEmail, FAILURE_WINDOW_MS);
    this.signUps = limiter('sign-up-address', limits.signUpsPerAddress, SIGN_UP_WINDOW_MS);
  }

  /**
   * Counts a sign-in attempt against the address and against the email's budget for unknown
   * devices, or the known device's own budget. Returns what gives the attempt back (never
   * throws).
   */
  async signInAttempt(
    address: string,
    email: string,
    device: string | null,
    at: number,
  ): Promise<{ giveBack(): Promise<void> }> {
    const refuse = (outcome: RateLimitOutcome) =>
      new AppError('rate_limited', `Too many failed sign-ins. Try again in ${wait(outcome)}.`, {
        retryAfterSeconds: outcome.resetSeconds,
      });
    // An address this process knows to be over its budget is refused without a store call,
    // and an attempt the address refuses counts nowhere else: a flood of new emails from one
    // address must not write a counter per email.
    const known = this.perAddress.peek(address, at);
    if (!known.allowed) throw refuse(known);
    const byAddress = await this.perAddress.consume(address, 1, at);
    if (!byAddress.allowed) throw refuse(byAddress);
    const [limiter, id] = device === null ? [this.perEmail, email] : [this.perDevice, device];
    const byAccount = await limiter.consume(id, 1, at);
    if (!byAccount.allowed) {
      await this.perAddress.refund(address, 1, at);
      throw refuse(byAccount);
    }
    return {
      giveBack: async () => {
        await Promise.all([this.perAddress.refund(address, 1, at), limiter.refund(id, 1, at)]);
      },
    };
  }

  /** Counts a sign-up attempt against the address. */
  async signUpAttempt(address: string, at: number): Promise<void> {
    const outcome = await this.signUps.consume(address, 1, at);
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
