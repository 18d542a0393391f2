/**
 * Every error a client can cause, with its stable machine-readable code. REST turns an
 * AppError into application/problem+json (RFC 9457); tRPC carries the same code in
 * `error.data.appCode`. Codes are part of the public contract: never rename one.
 */
export const problemCatalog = {
  malformed_json: { status: 400, title: 'Malformed JSON' },
  malformed_request: { status: 400, title: 'Malformed HTTP request' },
  batch_too_large: { status: 400, title: 'Too many calls in one batch' },
  not_batchable: { status: 400, title: 'Call not allowed in a batch' },
  invalid_query: { status: 400, title: 'Invalid query parameters' },
  invalid_cursor: { status: 400, title: 'Invalid cursor' },
  missing_api_key: { status: 401, title: 'Missing API key' },
  invalid_api_key: { status: 401, title: 'Invalid API key' },
  revoked_api_key: { status: 401, title: 'Revoked API key' },
  expired_api_key: { status: 401, title: 'Expired API key' },
  unauthenticated: { status: 401, title: 'Not signed in' },
  invalid_credentials: { status: 401, title: 'Wrong email or password' },
  forbidden: { status: 403, title: 'Not allowed' },
  cross_site_request: { status: 403, title: 'Cross-site request refused' },
  insufficient_scope: { status: 403, title: 'API key lacks the permission' },
  invitation_for_another_email: { status: 403, title: 'Invitation for another email' },
  not_found: { status: 404, title: 'Not found' },
  bucket_not_found: { status: 404, title: 'Bucket not found' },
  share_link_not_found: { status: 404, title: 'Share link not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  request_timeout: { status: 408, title: 'Request not received in time' },
  email_taken: { status: 409, title: 'Email already registered' },
  slug_taken: { status: 409, title: 'Slug already in use' },
  already_member: { status: 409, title: 'Already a member' },
  already_invited: { status: 409, title: 'Already invited' },
  last_owner: { status: 409, title: 'A dashboard keeps at least one owner' },
  key_not_active: { status: 409, title: 'API key is not active' },
  layout_conflict: { status: 409, title: 'The layout was changed by someone else' },
  quota_exceeded: { status: 409, title: 'Account quota reached' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  batch_exceeds_rate_limit: { status: 413, title: 'Write larger than the key rate limit' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  invalid_records: { status: 422, title: 'Invalid records' },
  empty_selection: { status: 422, title: 'Empty selection' },
  conflicting_selection: { status: 422, title: 'Two selections in one request' },
  invalid_input: { status: 422, title: 'Invalid input' },
  weak_password: { status: 422, title: 'Password too weak' },
  rate_limited: { status: 429, title: 'Too many requests' },
  too_many_connections: { status: 429, title: 'Too many connections from this address' },
  headers_too_large: { status: 431, title: 'Request headers too large' },
  too_many_live_views: { status: 429, title: 'Too many live views' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  read_over_budget: { status: 503, title: 'Read over its cost budget for now' },
  live_view_fell_behind: { status: 503, title: 'Live view fell behind' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof problemCatalog;

/**
 * One problem of a request, with exactly one of `pointer` (in the body: a JSON pointer,
 * RFC 6901) or `parameter` (in the query string: the parameter's name).
 */
export interface ProblemDetailItem {
  pointer?: string;
  parameter?: string;
  detail: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: ProblemDetailItem[];
}

/** At most this many entries of `errors` are returned; the detail says how many were cut. */
export const MAX_PROBLEM_ITEMS = 100;

/** The one error type of Bucketgrid: thrown anywhere, turned into a response in one place. */
export class AppError extends Error {
  readonly code: ProblemCode;
  readonly errors: ProblemDetailItem[] | undefined;
  /** Seconds a client should wait before trying again (rate limits and throttling). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ProblemCode,
    detail: string,
    options: { errors?: ProblemDetailItem[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return problemCatalog[this.code].status;
  }

  toProblem(): ProblemDocument {
    const { status, title } = problemCatalog[this.code];
    const problem: ProblemDocument = {
      type: `https://bucketgrid.dev/problems/${this.code.replaceAll('_', '-')}`,
      title,
      status,
      detail: this.message,
      code: this.code,
    };
    if (this.errors) problem.errors = this.errors.slice(0, MAX_PROBLEM_ITEMS);
    return problem;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
