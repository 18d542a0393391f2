import { describe, expect, it } from 'vitest';
import { describeError, errorMessage, formErrors } from './errors.ts';

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
      describeError(
        trpcError('weak_password', 'password: use at least 10 characters', {
          fieldErrors: [{ path: 'password', message: 'use at least 10 characters' }],
        }),
      ),
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

  it('takes the field from the error’s data, never from its message', () => {
    const error = trpcError('invalid_input', 'slug: lowercase letters only', {
      fieldErrors: [{ path: 'slug', message: 'lowercase letters only' }],
    });
    expect(describeError(error)).toEqual({
      code: 'invalid_input',
      field: 'slug',
      message: 'Lowercase letters only',
    });
    const nested = trpcError('invalid_input', 'widgets.3.pos.w: too big', {
      fieldErrors: [{ path: 'widgets.3.pos.w', message: 'too big' }],
    });
    expect(describeError(nested)).toMatchObject({ field: 'widgets', message: 'Too big' });
    expect(describeError(trpcError('invalid_input', 'name: not a name'))).toEqual({
      code: 'invalid_input',
      field: undefined,
      message: 'Name: not a name',
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

describe('formErrors', () => {
  const fields = ['currentPassword', 'newPassword'];

  it('puts an error about one of the form’s fields beside that field only', () => {
    const weak = trpcError('weak_password', 'newPassword: use at least 10 characters', {
      fieldErrors: [{ path: 'newPassword', message: 'use at least 10 characters' }],
    });
    const split = formErrors(weak, fields);
    expect(split.errorFor('newPassword')).toBe('Password too weak: use at least 10 characters.');
    expect(split.errorFor('currentPassword')).toBeUndefined();
    expect(split.formError).toBeNull();
  });

  it('leaves any other error to the form', () => {
    const limited = trpcError('rate_limited', '');
    const split = formErrors(limited, fields);
    expect(split.errorFor('newPassword')).toBeUndefined();
    expect(split.formError).toBe(limited);
    expect(formErrors(null, fields).formError).toBeNull();
  });

  it('lets the form name the field the server does not', () => {
    const wrong = trpcError('invalid_credentials', 'The current password is wrong.');
    const split = formErrors(wrong, fields, (info) =>
      info.code === 'invalid_credentials' ? 'currentPassword' : info.field,
    );
    expect(split.errorFor('currentPassword')).toBe('The current password is wrong.');
    expect(split.formError).toBeNull();
  });

  it('points a taken slug at the slug field', () => {
    const taken = trpcError('slug_taken', 'The slug "farm" is taken in this workspace.');
    expect(formErrors(taken, ['name', 'slug']).errorFor('slug')).toMatch(/is taken/);
  });
});
