import { AppError } from '@bucketgrid/shared';

/**
 * Runs at most `concurrency` tasks at once; up to `maxWaiting` more wait their turn in arrival
 * order, and any beyond that are refused at once (rate_limited) rather than queued without
 * bound. Used for CPU-heavy work a client can trigger (argon2, password rating), so a flood
 * costs a bounded amount of CPU and memory and those behind it wait a bounded time.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly busyMessage: string,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      this.running += 1;
    } else {
      if (this.waiting.length >= this.maxWaiting) {
        throw new AppError('rate_limited', this.busyMessage, { retryAfterSeconds: 1 });
      }
      // The finishing task hands its slot over, so `running` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
