import { useState } from 'react';
import { Link, Navigate } from 'react-router';
import { AuthForm } from '../components/auth/AuthForm.tsx';
import { TextField } from '../components/TextField.tsx';
import { useAuthEntry } from '../hooks/useAuthEntry.ts';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { trpc } from '../lib/trpc.ts';

export function SignInPage() {
  const entry = useAuthEntry();
  useDocumentTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = trpc.auth.signIn.useMutation({ onSuccess: entry.onSignedIn });
  if (entry.signedIn) return <Navigate to={entry.next} replace />;

  return (
    <AuthForm
      title="Sign in"
      error={signIn.error}
      pending={signIn.isPending}
      actionLabel="Sign in"
      pendingLabel="Signing in…"
      onSubmit={() => signIn.mutate({ email, password })}
      other="/signup"
    >
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
        hint={<Link to="/forgot-password">Forgot password?</Link>}
      />
    </AuthForm>
  );
}
