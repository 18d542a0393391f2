import type { FormEvent, ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormError } from '../FormError.tsx';
import { Logo } from '../Logo.tsx';

const otherPages = {
  '/signin': { prompt: 'Already have an account?', label: 'Sign in' },
  '/signup': { prompt: 'New to Bucketgrid?', label: 'Create an account' },
};

interface Props {
  title: string;
  /** Fields, each with its own errors. */
  children: ReactNode;
  /** The form's error that no field shows. */
  error: unknown;
  pending: boolean;
  actionLabel: string;
  pendingLabel: string;
  onSubmit: () => void;
  /** The other auth page, linked below the form (keeping where to go afterwards). */
  other: keyof typeof otherPages;
}

/** The card of the sign-in and sign-up pages. */
export function AuthForm({
  title,
  children,
  error,
  pending,
  actionLabel,
  pendingLabel,
  onSubmit,
  other,
}: Props) {
  const [params] = useSearchParams();
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
  }
  return (
    <main className="auth-page">
      <div className="auth-card">
        <Logo />
        <h1>{title}</h1>
        <form className="stack" onSubmit={submit}>
          {children}
          <FormError error={error} />
          <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
            {pending ? pendingLabel : actionLabel}
          </button>
        </form>
        <p className="auth-switch">
          {otherPages[other].prompt}{' '}
          <Link to={params.size ? `${other}?${params}` : other}>{otherPages[other].label}</Link>
        </p>
      </div>
    </main>
  );
}
