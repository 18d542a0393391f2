import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '../components/auth/AuthLayout.tsx';
import { FormError } from '../components/FormError.tsx';
import { TextField } from '../components/TextField.tsx';
import { safeNextPath } from '../lib/next-path.ts';
import { trpc } from '../lib/trpc.ts';

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const me = trpc.auth.me.useQuery();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = trpc.auth.signIn.useMutation({
    onSuccess(user) {
      utils.auth.me.setData(undefined, user);
      navigate(next, { replace: true });
    },
  });
  if (me.data) return <Navigate to={next} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate({ email, password });
  }

  return (
    <AuthLayout title="Sign in">
      <form className="stack" onSubmit={submit}>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <FormError error={signIn.error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-switch">
        New to Bucketgrid?{' '}
        <Link to={`/signup${params.size ? `?${params}` : ''}`}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}
