import { BucketgridError, type ProblemItem } from './errors.js';

export interface RetryOptions {
  /** Retries after the first attempt (default 6). */
  retries?: number;
  /** The first backoff; each retry doubles it (default 250 ms). */
  initialDelayMs?: number;
  /** The longest backoff between two attempts (default 30 s). */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` the client waits for (default 120 s); a server asking for more
   * gets its error thrown at once.
   */
  maxRetryAfterMs?: number;
}

/** What `onRetry` is told before the client waits and tries again. */
export interface RetryEvent {
  method: string;
  path: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  error: BucketgridError;
  /** How long the client waits before the next attempt. */
  delayMs: number;
}

export interface TransportOptions {
  /** The server's base URL, e.g. `https://bucketgrid.example.com`. */
  url: string;
  /** An API key of the dashboard that owns the buckets (sent as `X-API-Key`). */
  apiKey: string;
  /** Retry policy, or `false` to make every call exactly once. */
  retry?: RetryOptions | false;
  /** Each attempt's time limit (default 30 s); a timed-out attempt is retried. */
  timeoutMs?: number;
  /** Write bodies larger than this are sent gzip-compressed (default 64 KiB). */
  compressAboveBytes?: number;
  /** Called before each retry (for logs and metrics). */
  onRetry?: (event: RetryEvent) => void;
  /** A fetch to use instead of the global one (proxies, instrumentation). */
  fetch?: typeof fetch;
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  /** JSON text of the body. */
  body?: string;
  /** Whether gzip may be used for a large body (writes). */
  compressible?: boolean;
  signal?: AbortSignal | undefined;
}

type Bytes = Uint8Array<ArrayBuffer>;
type Body = { data: Bytes; gzip: boolean };

const DEFAULT_RETRY: Required<RetryOptions> = {
  retries: 6,
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** HTTP with the API's conventions: the key, JSON, problem documents, retries, gzip. */
export class Transport {
  private readonly base: string;
  private readonly retry: Required<RetryOptions> | undefined;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: TransportOptions) {
    if (!options.apiKey) throw new TypeError('BucketgridClient: apiKey is required');
    this.base = new URL(options.url).href.replace(/\/+$/, '');
    this.retry = options.retry === false ? undefined : { ...DEFAULT_RETRY, ...options.retry };
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Sends the call (retrying what may succeed later) and returns the parsed JSON answer. */
  async send<T>(call: Call): Promise<T> {
    const url = this.url(call);
    const body = await this.encodeBody(call);
    const retries = this.retry?.retries ?? 0;
    for (let attempt = 1; ; attempt++) {
      let error: BucketgridError;
      try {
        return (await this.attempt(call, url, body, attempt)) as T;
      } catch (caught) {
        if (!(caught instanceof BucketgridError)) throw caught;
        error = caught;
      }
      if (!this.retry || !error.retryable || attempt > retries) throw error;
      const delayMs = this.delay(error, attempt);
      if (delayMs === undefined) throw error;
      this.options.onRetry?.({ method: call.method, path: call.path, attempt, error, delayMs });
      await sleep(delayMs, call.signal);
    }
  }

  private url(call: Call): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) params.set(name, value);
    }
    const query = params.toString();
    return `${this.base}${call.path}${query ? `?${query}` : ''}`;
  }

  private async encodeBody(call: Call): Promise<Body | undefined> {
    if (call.body === undefined) return undefined;
    const data = new TextEncoder().encode(call.body);
    const threshold = this.options.compressAboveBytes ?? 64 * 1024;
    if (call.compressible && data.byteLength > threshold) {
      return { data: await gzip(data), gzip: true };
    }
    return { data, gzip: false };
  }

  private async attempt(
    call: Call,
    url: string,
    body: Body | undefined,
    attempt: number,
  ): Promise<unknown> {
    const headers: Record<string, string> = {
      'x-api-key': this.options.apiKey,
      accept: 'application/json, application/problem+json',
    };
    if (body) headers['content-type'] = 'application/json';
    if (body?.gzip) headers['content-encoding'] = 'gzip';
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, {
        method: call.method,
        headers,
        body: body?.data,
        signal,
      });
      text = await response.text();
    } catch (cause) {
      if (call.signal?.aborted) throw call.signal.reason;
      if (timeout.aborted) {
        throw new BucketgridError(
          {
            status: 0,
            code: 'timeout',
            detail: `No answer within ${timeoutMs} ms.`,
            attempts: attempt,
          },
          { cause },
        );
      }
      throw new BucketgridError(
        {
          status: 0,
          code: 'network_error',
          detail: `No answer from ${this.base}: ${describe(cause)}`,
          attempts: attempt,
        },
        { cause },
      );
    }
    const json = parseJson(text);
    if (response.ok && json !== undefined) return json;
    throw problemError(response, json, attempt);
  }

  /** How long to wait before retrying after `error`, or undefined to give up. */
  private delay(error: BucketgridError, attempt: number): number | undefined {
    const retry = this.retry!;
    if (error.retryAfterSeconds !== undefined) {
      const asked = error.retryAfterSeconds * 1000;
      if (asked > retry.maxRetryAfterMs) return undefined;
      // A little jitter on top, so clients told the same second do not all return at once.
      return asked + Math.random() * Math.min(1000, asked * 0.1);
    }
    const ceiling = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function problemError(response: Response, json: unknown, attempt: number): BucketgridError {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  const problem = json as Partial<{ code: string; detail: string; errors: ProblemItem[] }>;
  if (typeof problem?.code !== 'string') {
    return new BucketgridError({
      status: response.status,
      code: 'unexpected_response',
      detail: `HTTP ${response.status} ${response.statusText} without a problem document (is the URL a Bucketgrid server?).`,
      retryAfterSeconds,
      attempts: attempt,
    });
  }
  return new BucketgridError({
    status: response.status,
    code: problem.code,
    detail: typeof problem.detail === 'string' ? problem.detail : response.statusText,
    errors: Array.isArray(problem.errors) ? problem.errors : [],
    retryAfterSeconds,
    attempts: attempt,
  });
}

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function describe(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  return inner?.code ?? inner?.message ?? (cause as Error)?.message ?? String(cause);
}

async function gzip(data: Bytes): Promise<Bytes> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
