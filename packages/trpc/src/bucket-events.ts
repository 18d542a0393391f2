import { EventEmitter, on } from 'node:events';

export interface BucketWrite {
  bucketId: string;
  at: number;
}

/**
 * Tells live views that a bucket changed. In-process: one server process serves both the
 * REST writes and the subscriptions (for several processes, a MongoDB change stream would
 * feed this instead).
 */
export class BucketEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open live view; there is no fixed upper bound to warn about.
    this.emitter.setMaxListeners(0);
  }

  written(bucketId: string, at: number): void {
    this.emitter.emit(bucketId, { bucketId, at } satisfies BucketWrite);
  }

  async *watch(bucketId: string, signal: AbortSignal | undefined): AsyncGenerator<BucketWrite> {
    for await (const [event] of on(this.emitter, bucketId, { signal })) {
      yield event as BucketWrite;
    }
  }
}
