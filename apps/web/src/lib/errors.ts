import type { ProblemCode } from '@bucketgrid/shared';
import { formatWait } from './format.ts';

/** A readable message for every code the server can answer with. */
const messages: Record<ProblemCode, string> = {
  malformed_json: 'The request was not valid JSON.',
  malformed_request: 'The request was not valid HTTP.',
  batch_too_large: 'Too many requests were sent at once. Reload the page.',
  not_batchable: 'Sign-in requests must be sent one at a time. Try again.',
  invalid_query: 'The query parameters are not valid.',
  invalid_cursor: 'That page is no longer available; go back to the first page.',
  missing_api_key: 'An API key is needed for this request.',
  invalid_api_key: 'That API key is not valid.',
  revoked_api_key: 'That API key was revoked.',
  expired_api_key: 'That API key has expired.',
  insufficient_scope: 'That API key may not do this: it lacks the permission or the bucket.',
  unauthenticated: 'Your session has ended. Sign in again.',
  invalid_credentials: 'Wrong email or password.',
  forbidden: 'Your role on this dashboard does not allow that.',
  cross_site_request: 'The request was refused because it did not come from this site.',
  invitation_for_another_email: 'This invitation is for another email address.',
  not_found: 'It does not exist, or you do not have access to it.',
  bucket_not_found: 'That bucket does not exist.',
  share_link_not_found: 'This share link was revoked, replaced or has expired.',
  method_not_allowed: 'That action is not supported.',
  request_timeout: 'The request took too long to arrive. Check your connection and try again.',
  email_taken: 'An account with this email exists; sign in instead.',
  slug_taken: 'That slug is already used in this workspace.',
  already_member: 'That person is already a member.',
  already_invited: 'That address is already invited: resend or revoke its invitation.',
  last_owner: 'A dashboard keeps at least one owner: make someone else an owner first.',
  key_not_active: 'Only an active key can be rolled.',
  layout_conflict: 'Someone else saved this dashboard’s layout since you started editing.',
  quota_exceeded: 'A quota is reached: delete something no longer needed first.',
  payload_too_large: 'The request is too large.',
  batch_exceeds_rate_limit: 'The write is larger than the key may send in a minute.',
  unsupported_media_type: 'The request must be JSON.',
  invalid_records: 'Some records are not valid; nothing was written.',
  empty_selection: 'Nothing was selected.',
  conflicting_selection: 'Choose records either by key or by range, not both.',
  invalid_input: 'Some fields are not valid.',
  weak_password: 'Choose a stronger password: at least 10 characters.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  too_many_connections: 'Too many connections from your network. Try again in a moment.',
  headers_too_large: 'The request headers are too large. Clear this site’s cookies and try again.',
  too_many_live_views: 'Too many live views are open: close a tab or two.',
  internal_error: 'Something went wrong on our side. Try again in a moment.',
  service_unavailable: 'The service is unavailable right now. Try again in a moment.',
  read_over_budget:
    'These records were written moments ago and their figures are still being built: try again in a few seconds, or zoom in.',
  live_view_fell_behind: 'Live updates fell behind; reconnecting.',
};

/** The field an error is about when the server's detail does not name one. */
const defaultFields: Partial<Record<ProblemCode, string>> = {
  email_taken: 'email',
  slug_taken: 'slug',
};

export interface ErrorInfo {
  /** The server's stable code, or `network` / `unknown` for failures that never reached it. */
  code: ProblemCode | 'network' | 'unknown';
  message: string;
  /** The form field the error is about, when the server names one. */
  field?: string;
  retryAfterSeconds?: number;
}

/** One input field's problem as the server sends it: `path` like `name` or `widgets.3.pos.w`. */
export interface FieldError {
  path: string;
  message: string;
}

interface ErrorShape {
  message?: unknown;
  data?: {
    appCode?: ProblemCode;
    retryAfterSeconds?: number;
    httpStatus?: number;
    fieldErrors?: FieldError[];
  } | null;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The fields an error is about, as the server sends them (`error.data.fieldErrors`). */
export function fieldErrorsOf(error: unknown): FieldError[] {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  return shape.data?.fieldErrors ?? [];
}

/**
 * Turns anything a tRPC call can throw into one readable message (and the field it is
 * about, from the error's data). The server's own detail is preferred: it says exactly what
 * to fix.
 */
export function describeError(error: unknown): ErrorInfo {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const detail = typeof shape.message === 'string' ? shape.message : '';
  const code = shape.data?.appCode;
  if (!code) {
    if (shape.data?.httpStatus === undefined) {
      return {
        code: 'network',
        message: 'Cannot reach Bucketgrid. Check your connection and try again.',
      };
    }
    return { code: 'unknown', message: messages.internal_error };
  }
  if (code === 'rate_limited') {
    const wait = shape.data?.retryAfterSeconds;
    return wait === undefined
      ? { code, message: messages.rate_limited }
      : {
          code,
          message: `Too many attempts. Try again in ${formatWait(wait)}.`,
          retryAfterSeconds: wait,
        };
  }
  if (code === 'internal_error' || code === 'unauthenticated' || detail === '') {
    return { code, message: messages[code] };
  }
  const first = fieldErrorsOf(error)[0];
  const field = first ? first.path.split('.')[0] : defaultFields[code];
  const text = first?.message ?? detail;
  if (code === 'weak_password') {
    return { code, field: field ?? 'password', message: `Password too weak: ${text}.` };
  }
  return { code, field, message: capitalize(text) };
}

export function errorMessage(error: unknown): string {
  return describeError(error).message;
}

export interface FormErrors {
  /** The message to show beside `field`, when the error is about it. */
  errorFor(field: string): string | undefined;
  /** The error for the form as a whole (for FormError): none when a field shows it. */
  formError: unknown;
}

/**
 * Splits a form's error: beside the field it is about when that is one of `fields`, else
 * above the form's button. `fieldOf` names the field where only the form knows it.
 */
export function formErrors(
  error: unknown,
  fields: readonly string[],
  fieldOf: (info: ErrorInfo) => string | undefined = (info) => info.field,
): FormErrors {
  if (!error) return { errorFor: () => undefined, formError: null };
  const info = describeError(error);
  const field = fieldOf(info);
  if (field === undefined || !fields.includes(field)) {
    return { errorFor: () => undefined, formError: error };
  }
  return { errorFor: (name) => (name === field ? info.message : undefined), formError: null };
}
