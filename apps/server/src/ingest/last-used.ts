import type { Store } from '@bucketgrid/store';

/**
 * Keeps API keys' last-used times in memory and writes them in one batch every
 * `flushEveryMs`, so ingestion never pays a database write per request for them. A batch the
 * store could not take (unreachable, past its deadline) is kept for the next one and
 * reported to `onFlushError`: a periodic flush never throws out of its timer, where a
 * rejection nobody handles would end the process.
 */
export class LastUsedTracker {
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<Store, 'touchApiKeys'>,
    onFlushError: (error: unknown) => void,
    flushEveryMs = 30_000,
  ) {
    this.timer = setInterval(() => this.flush().catch(onFlushError), flushEveryMs);
    this.timer.unref();
  }

  note(keyId: string, at: number): void {
    this.pending.set(keyId, at);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.touchApiKeys(batch);
    } catch (error) {
      for (const [keyId, at] of batch) {
        const since = this.pending.get(keyId);
        if (since === undefined || since < at) this.pending.set(keyId, at);
      }
      throw error;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
