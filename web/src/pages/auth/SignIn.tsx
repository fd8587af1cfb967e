import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { authRoutes, challengeRequest, loginRequest } from '#shared/contracts/auth.js';
import { useApi, useSession, useSignedIn } from '../../app/context.js';
import { Button, Field, FormError } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';

/** Only paths inside the console, so `?next=` cannot send a user elsewhere after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn() {
  const signedIn = useSignedIn();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [challenge, setChallenge] = useState<{ email: string; session: string } | null>(null);
  if (signedIn) return <Navigate to={next} replace />;
  return (
    <div className="auth">
      <div className="auth-card">
        <div className="brand">
          <img src="/favicon.svg" alt="" />
          CloudOptima
        </div>
        {challenge ? <NewPassword {...challenge} next={next} /> : <Login next={next} onChallenge={setChallenge} />}
      </div>
    </div>
  );
}

function Login({ next, onChallenge }: { next: string; onChallenge: (c: { email: string; session: string }) => void }) {
  const api = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useContractForm(loginRequest, { email: '', password: '' });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (body) => {
    try {
      const answer = await api.call(authRoutes.login, { body });
      if ('challenge' in answer) return onChallenge({ email: body.email, session: answer.session });
      queryClient.clear();
      session.start(answer);
      navigate(next, { replace: true });
    } catch (error) {
      form.showApiError(error);
    }
  });

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Sign in">
      <h1>Sign in</h1>
      <Field label="Email" error={errors.email?.message}>
        {(props) => <input {...props} type="email" autoComplete="username" {...form.register('email')} />}
      </Field>
      <Field label="Password" error={errors.password?.message}>
        {(props) => <input {...props} type="password" autoComplete="current-password" {...form.register('password')} />}
      </Field>
      <FormError message={errors.root?.server?.message} />
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Sign in
      </Button>
      <p className="muted">
        New to CloudOptima? <Link to="/sign-up">Create an organization</Link>
      </p>
    </form>
  );
}

/** Invited users sign in with a temporary password, then choose their own. */
function NewPassword({ email, session: challengeSession, next }: { email: string; session: string; next: string }) {
  const api = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const form = useContractForm(challengeRequest, { email, session: challengeSession, newPassword: '' });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (body) => {
    try {
      session.start(await api.call(authRoutes.challenge, { body }));
      navigate(next, { replace: true });
    } catch (error) {
      form.showApiError(error);
    }
  });

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Choose a password">
      <h1>Choose your password</h1>
      <p className="muted">
        Welcome, {email}. Your invitation used a temporary password; choose your own to continue.
      </p>
      <Field label="New password" error={errors.newPassword?.message} hint="At least 12 characters, with upper and lower case letters, a digit and a symbol.">
        {(props) => <input {...props} type="password" autoComplete="new-password" {...form.register('newPassword')} />}
      </Field>
      <FormError message={errors.root?.server?.message} />
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Set password and sign in
      </Button>
    </form>
  );
}
