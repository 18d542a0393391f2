export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveHandlers<E> {
  onStarted: () => void;
  onData: (event: E) => void;
  /** The stream failed or the server ended it: open a new one later. */
  onEnded: (error?: unknown) => void;
  /** The transport lost its connection and is trying again by itself. */
  onInterrupted: () => void;
}

export interface LiveOptions<E> {
  /** Opens one stream; returns how to close it. */
  open: (handlers: LiveHandlers<E>) => () => void;
  onEvent: (event: E) => void;
  onStatus: (status: LiveStatus) => void;
  /** Every (re)start: writes made while the stream was down sent no event, so catch up. */
  onStarted: (firstStart: boolean) => void;
  /** Tells the app a stream ended with an error (a session or membership may have ended). */
  onError?: (error: unknown) => void;
  backoffMs?: (attempt: number) => number;
}

/** 1 s, 2 s, 4 s … up to 30 s, with up to 20 % jitter so many screens do not return at once. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (1 + 0.2 * random()));
}

/**
 * Keeps one live stream open for as long as it is wanted: a stream that fails or that the
 * server ends (slow consumer, sign-out, membership ended) is reopened after a backoff that
 * grows with each failure in a row and resets once a stream starts.
 */
export function keepLive<E>(options: LiveOptions<E>): () => void {
  const wait = options.backoffMs ?? ((attempt: number) => backoffMs(attempt));
  let close: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let started = false;
  let stopped = false;
  let generation = 0;

  function connect(): void {
    timer = undefined;
    const mine = ++generation;
    const current = () => !stopped && mine === generation;
    close = options.open({
      onStarted() {
        if (!current()) return;
        failures = 0;
        options.onStatus('live');
        options.onStarted(!started);
        started = true;
      },
      onData(event) {
        if (current()) options.onEvent(event);
      },
      onInterrupted() {
        if (current()) options.onStatus(started ? 'reconnecting' : 'connecting');
      },
      onEnded(error) {
        if (!current()) return;
        generation++;
        close?.();
        close = null;
        options.onStatus(started ? 'reconnecting' : 'connecting');
        if (error !== undefined) options.onError?.(error);
        timer = setTimeout(connect, wait(failures++));
      },
    });
  }

  options.onStatus('connecting');
  connect();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    close?.();
    close = null;
  };
}
