import { get, type IncomingMessage } from 'node:http';

/** One server-sent event as tRPC sends it: `data` is the parsed JSON payload. */
export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

export interface LiveStream {
  /** Every event received so far, pings excluded. */
  readonly received: SseEvent[];
  /** The pings received so far. */
  readonly pings: number;
  /** The data events (`tracked` ones carry an id). */
  readonly data: SseEvent[];
  /** The error the stream ended with (tRPC's error shape), if any. */
  readonly error: { message: string; data: { code: string; appCode?: string } } | undefined;
  /** Resolves when the server closed the stream. */
  readonly ended: Promise<void>;
  /** Whether the stream has ended. */
  readonly isEnded: boolean;
  /** Resolves once the server sent its `connected` event or ended the stream. */
  readonly started: Promise<void>;
  /** Waits until `predicate` holds for the events received (checked on every event). */
  until(predicate: (stream: LiveStream) => boolean): Promise<void>;
  /** Stops reading from the socket (a client that does not keep up). */
  pause(): void;
  /** Reads again. */
  resume(): void;
  close(): void;
}

/**
 * Opens a tRPC subscription over SSE as a browser's EventSource would (one GET, the cookies
 * of `jar`), without reconnecting: each test decides what a reconnect sends.
 */
export function openLive(
  baseUrl: string,
  path: string,
  input: unknown,
  options: { jar?: Map<string, string>; headers?: Record<string, string> } = {},
): LiveStream {
  const url = `${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const cookie = [...(options.jar ?? [])].map(([name, value]) => `${name}=${value}`).join('; ');
  const waiters = new Set<() => void>();
  let response: IncomingMessage | undefined;
  let endedResolve!: () => void;
  let startedResolve!: () => void;
  const stream: LiveStream & { error: LiveStream['error']; pings: number } = {
    get isEnded() {
      return ended;
    },
    received: [],
    pings: 0,
    data: [],
    error: undefined,
    ended: new Promise<void>((resolve) => {
      endedResolve = resolve;
    }),
    started: new Promise<void>((resolve) => {
      startedResolve = resolve;
    }),
    until(predicate) {
      if (predicate(stream)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(stream)) {
            waiters.delete(check);
            resolve();
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`stream ended first; received ${JSON.stringify(stream.received)}`));
          }
        };
        waiters.add(check);
      });
    },
    pause() {
      paused = true;
      response?.pause();
    },
    resume() {
      paused = false;
      response?.resume();
    },
    close() {
      request.destroy();
    },
  };
  let ended = false;
  let paused = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    startedResolve();
    endedResolve();
    for (const waiter of [...waiters]) waiter();
  };

  const request = get(url, { headers: { cookie, ...options.headers }, agent: false }, (res) => {
    response = res;
    if (paused) res.pause();
    onSseBlocks(res, (block) => {
      const event = parseBlock(block);
      if (!event) return;
      if (event.event === 'ping') stream.pings++;
      else stream.received.push(event);
      if (event.event === 'connected') startedResolve();
      if (event.event === 'message') stream.data.push(event);
      if (event.event === 'serialized-error') stream.error = event.data as LiveStream['error'];
      for (const waiter of [...waiters]) waiter();
    });
    res.on('end', finish);
    res.on('close', finish);
  });
  request.on('error', finish);
  return stream;
}

/** Calls `onBlock` with each event block of a server-sent event stream, as it arrives. */
export function onSseBlocks(res: IncomingMessage, onBlock: (block: string) => void): void {
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf('\n\n');
      onBlock(block);
    }
  });
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
    else if (line.startsWith('id: ')) id = line.slice(4);
  }
  if (data.length === 0) return undefined;
  const text = data.join('\n');
  return { event, id, data: text === '' ? null : JSON.parse(text) };
}
