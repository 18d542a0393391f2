import { displayNameSchema, emailSchema } from '@bucketgrid/shared';
import { useState } from 'react';
import { Navigate } from 'react-router';
import { AuthForm } from '../components/auth/AuthForm.tsx';
import { NewPasswordField } from '../components/auth/NewPasswordField.tsx';
import { TextField } from '../components/TextField.tsx';
import { useAuthEntry } from '../hooks/useAuthEntry.ts';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { formErrors } from '../lib/errors.ts';
import { trpc } from '../lib/trpc.ts';
import { checkFields } from '../lib/validate.ts';

const FIELDS = ['name', 'email', 'password'];

export function SignUpPage() {
  const entry = useAuthEntry();
  useDocumentTitle('Create your account');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const signUp = trpc.auth.signUp.useMutation({ onSuccess: entry.onSignedIn });
  if (entry.signedIn) return <Navigate to={entry.next} replace />;

  const server = formErrors(signUp.error, FIELDS);
  const errorFor = (field: string) => invalid[field] ?? server.errorFor(field);
  return (
    <AuthForm
      title="Create your account"
      error={server.formError}
      pending={signUp.isPending}
      actionLabel="Create account"
      pendingLabel="Creating account…"
      onSubmit={() => {
        const problems = checkFields({
          name: [displayNameSchema, name],
          email: [emailSchema, email],
        });
        setInvalid(problems);
        if (Object.keys(problems).length === 0) signUp.mutate({ name, email, password });
      }}
      other="/signin"
    >
      <TextField
        label="Name"
        autoComplete="name"
        required
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
      <NewPasswordField
        label="Password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errorFor('password')}
      />
    </AuthForm>
  );
}
