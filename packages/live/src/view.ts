import { AppError } from '@bucketgrid/shared';
import type { LiveEvent } from './live-events.ts';

/** An event as a view delivers it: `id` lets a reconnecting client say where it was. */
export interface LiveMessage {
  id: string;
  event: LiveEvent;
}

/** Who opened a view: what its caps count and what its re-checks verify. */
export type ViewOwner = MemberOwner | ShareLinkOwner;

/** A signed-in member. */
export interface MemberOwner {
  sessionId: string;
  userId: string;
  /** The client's address (behind a trusted proxy, the forwarded one). */
  address: string;
  shareLink?: undefined;
}

/** Anyone holding a public share link's token: no session, no user. */
export interface ShareLinkOwner {
  shareLink: {
    id: string;
    /** The token's hash when the view opened: a regenerated token ends the view. */
    tokenHash: string;
  };
  address: string;
  sessionId?: undefined;
  userId?: undefined;
}

/**
 * One open live view: a bounded queue between the dashboard's shared fan-out and one client's
 * stream. A client that does not keep up (its queue is full) is ended rather than buffered:
 * it reconnects, and its resume catches it up.
 */
export class LiveView implements AsyncIterable<LiveMessage> {
  private readonly queue: LiveMessage[] = [];
  private wake: (() => void) | undefined;
  private ending: { error: AppError | undefined } | undefined;

  constructor(
    readonly dashboardId: string,
    /** Set for a bucket's view, which takes only that bucket's record events. */
    readonly bucketId: string | undefined,
    readonly owner: ViewOwner,
    private readonly queueLimit: number,
    /** What the view sends before live events: what a reconnecting client missed. */
    private readonly preface: () => Promise<LiveMessage[]>,
    /** Called once, when the view ends for any reason. */
    private readonly onEnd: (view: LiveView) => void,
  ) {}

  /** Events waiting for the client. */
  get queued(): number {
    return this.queue.length;
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  wants(event: LiveEvent): boolean {
    if (this.bucketId === undefined) return true;
    return event.type === 'records' && event.bucketId === this.bucketId;
  }

  deliver(message: LiveMessage): void {
    if (this.ending) return;
    if (this.queue.length >= this.queueLimit) {
      this.end(
        new AppError(
          'live_view_fell_behind',
          `This live view fell ${this.queueLimit} events behind and was closed; reconnect to catch up.`,
        ),
      );
      return;
    }
    this.queue.push(message);
    this.wake?.();
  }

  /** Ends the view at once (its caps are released now); the client gets `error` if given. */
  end(error?: AppError): void {
    if (this.ending) return;
    this.ending = { error };
    this.queue.length = 0;
    this.onEnd(this);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LiveMessage, void> {
    try {
      for (const message of await this.preface()) {
        if (this.ending) break;
        yield message;
      }
      while (true) {
        const message = this.queue.shift();
        if (message) {
          yield message;
          continue;
        }
        if (this.ending) {
          if (this.ending.error) throw this.ending.error;
          return;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
      }
    } finally {
      this.end();
    }
  }
}
