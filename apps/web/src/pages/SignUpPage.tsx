import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '../components/auth/AuthLayout.tsx';
import { FormError } from '../components/FormError.tsx';
import { TextField } from '../components/TextField.tsx';
import { describeError } from '../lib/errors.ts';
import { safeNextPath } from '../lib/next-path.ts';
import { trpc } from '../lib/trpc.ts';

// The server decides (weak_password); the hint only tells the rule up front.
const MIN_PASSWORD = 10;

export function SignUpPage() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const me = trpc.auth.me.useQuery();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signUp = trpc.auth.signUp.useMutation({
    onSuccess(user) {
      utils.auth.me.setData(undefined, user);
      navigate(next, { replace: true });
    },
  });
  if (me.data) return <Navigate to={next} replace />;

  const error = signUp.error ? describeError(signUp.error) : undefined;
  const errorFor = (field: string) => (error?.field === field ? error.message : undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    signUp.mutate({ name, email, password });
  }

  return (
    <AuthLayout title="Create your account">
      <form className="stack" onSubmit={submit}>
        <TextField
          label="Name"
          autoComplete="name"
          required
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errorFor('name')}
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={errorFor('email')}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint={`At least ${MIN_PASSWORD} characters.`}
          error={errorFor('password')}
        />
        <FormError error={signUp.error} inlineFields={['name', 'email', 'password']} />
        <button type="submit" className="btn btn-primary btn-block" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account?{' '}
        <Link to={`/signin${params.size ? `?${params}` : ''}`}>Sign in</Link>
      </p>
    </AuthLayout>
  );
}
