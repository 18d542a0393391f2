import { describe, expect, it } from 'vitest';
import { describeError, errorMessage } from './errors.ts';

/** What a TRPCClientError carries: the server's message and the formatted `data`. */
function trpcError(appCode: string | undefined, message: string, extra: object = {}) {
  return { message, data: { appCode, httpStatus: 400, ...extra } };
}

describe('describeError', () => {
  it('keeps the server detail, which says what to fix', () => {
    expect(
      describeError(
        trpcError('email_taken', 'An account with this email exists; sign in instead.'),
      ),
    ).toEqual({
      code: 'email_taken',
      field: 'email',
      message: 'An account with this email exists; sign in instead.',
    });
  });

  it('points a weak password at the password field', () => {
    expect(
      describeError(trpcError('weak_password', 'password: use at least 10 characters')),
    ).toEqual({
      code: 'weak_password',
      field: 'password',
      message: 'Password too weak: use at least 10 characters.',
    });
  });

  it('says how long to wait when sign-in is throttled', () => {
    const error = trpcError('rate_limited', 'Too many failed sign-ins.', {
      retryAfterSeconds: 840,
    });
    expect(describeError(error)).toMatchObject({
      code: 'rate_limited',
      message: 'Too many attempts. Try again in 14 minutes.',
      retryAfterSeconds: 840,
    });
    expect(errorMessage(trpcError('rate_limited', '', { retryAfterSeconds: 1 }))).toBe(
      'Too many attempts. Try again in 1 second.',
    );
  });

  it('reads the field out of a service validation detail', () => {
    expect(describeError(trpcError('invalid_input', 'slug: lowercase letters only'))).toEqual({
      code: 'invalid_input',
      field: 'slug',
      message: 'Lowercase letters only',
    });
  });

  it('turns schema issues (JSON) into one readable message', () => {
    const issues = JSON.stringify([{ path: ['email'], message: 'Invalid email address' }]);
    expect(describeError(trpcError('invalid_input', issues))).toEqual({
      code: 'invalid_input',
      field: 'email',
      message: 'Invalid email address',
    });
  });

  it('never shows internals and has a message for a code without detail', () => {
    expect(errorMessage(trpcError('internal_error', 'stack trace'))).toBe(
      'Something went wrong on our side. Try again in a moment.',
    );
    expect(errorMessage(trpcError('last_owner', ''))).toMatch(/at least one owner/);
    expect(errorMessage(trpcError('unauthenticated', 'Sign in first.'))).toBe(
      'Your session has ended. Sign in again.',
    );
  });

  it('tells a network failure from a server answer', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'network' });
    expect(describeError({ message: 'Failed to fetch', data: undefined }).message).toMatch(
      /Cannot reach/,
    );
    expect(describeError({ message: 'x', data: { httpStatus: 502 } }).code).toBe('unknown');
  });
});
