/**
 * The `code` of a problem the data API answers with (stable, machine readable), or one of the
 * client's own: `network_error` (no answer: connection refused or cut), `timeout` (no answer
 * in time), `unexpected_response` (an answer that is not the API's, e.g. a proxy's error page).
 */
export type ErrorCode =
  | 'malformed_json'
  | 'invalid_query'
  | 'invalid_cursor'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'revoked_api_key'
  | 'expired_api_key'
  | 'not_found'
  | 'bucket_not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_records'
  | 'empty_selection'
  | 'rate_limited'
  | 'internal_error'
  | 'service_unavailable'
  | 'network_error'
  | 'timeout'
  | 'unexpected_response'
  // Codes a newer server may add: still a string, still matched exactly.
  | (string & {});

const RETRYABLE_STATUSES = new Set([0, 408, 429, 502, 503, 504]);

/**
 * One problem of a request: in the body (`pointer`, a JSON pointer such as `/3/data/0/value`)
 * or in the query string (`parameter`, its name).
 */
export interface ProblemItem {
  pointer?: string;
  parameter?: string;
  detail: string;
}

/** An RFC 9457 problem document, as the data API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: ProblemItem[];
}

/** Every failure of the client: an API problem, or no usable answer at all. */
export class BucketgridError extends Error {
  /** The HTTP status, or 0 when there was no answer. */
  readonly status: number;
  readonly code: ErrorCode;
  /** What went wrong and what to do about it, in words. */
  readonly detail: string;
  /** For invalid records: each problem with a JSON pointer into the request body. */
  readonly errors: ProblemItem[];
  /** Seconds the server asked the client to wait (429 and 503 answers). */
  readonly retryAfterSeconds: number | undefined;
  /** Requests made for this call, retries included. */
  readonly attempts: number;

  constructor(
    fields: {
      status: number;
      code: ErrorCode;
      detail: string;
      errors?: ProblemItem[];
      retryAfterSeconds?: number;
      attempts?: number;
    },
    options?: { cause?: unknown },
  ) {
    super(`${fields.code}: ${fields.detail}`, options);
    this.name = 'BucketgridError';
    this.status = fields.status;
    this.code = fields.code;
    this.detail = fields.detail;
    this.errors = fields.errors ?? [];
    this.retryAfterSeconds = fields.retryAfterSeconds;
    this.attempts = fields.attempts ?? 1;
  }

  /**
   * Whether the same request may succeed later: no answer (0), a request that arrived too
   * slowly (408), a rate limit (429), or a server that is restarting or overloaded (502, 503,
   * 504). Anything else (bad records, a wrong key, …) would fail again.
   */
  get retryable(): boolean {
    return RETRYABLE_STATUSES.has(this.status);
  }
}

/** Records the server refused when a batcher sent them: they were not written. */
export class RefusedRecordsError extends BucketgridError {
  /** The refused records, in the order they were added. */
  readonly records: unknown[];

  constructor(error: BucketgridError, records: unknown[]) {
    super(
      {
        status: error.status,
        code: error.code,
        detail: error.detail,
        errors: error.errors,
        retryAfterSeconds: error.retryAfterSeconds,
        attempts: error.attempts,
      },
      { cause: error },
    );
    this.name = 'RefusedRecordsError';
    this.records = records;
  }
}
