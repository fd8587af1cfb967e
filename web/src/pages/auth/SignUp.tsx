import { Link, Navigate, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { authRoutes, signupRequest } from '#shared/contracts/auth.js';
import { useApi, useSession, useSignedIn } from '../../app/context.js';
import { Button, Field, FormError } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';

/** A new organization (tenant) and its first admin, then straight in. */
export function SignUp() {
  const signedIn = useSignedIn();
  const api = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useContractForm(signupRequest, { organizationName: '', email: '', password: '' });
  const { errors, isSubmitting } = form.formState;
  if (signedIn) return <Navigate to="/" replace />;

  const submit = form.handleSubmit(async (body) => {
    try {
      await api.call(authRoutes.signup, { body });
      const answer = await api.call(authRoutes.login, { body: { email: body.email, password: body.password } });
      if ('challenge' in answer) throw new Error('The new account asks for a password change; sign in to continue.');
      queryClient.clear();
      session.start(answer);
      navigate('/billing', { replace: true });
    } catch (error) {
      form.showApiError(error);
    }
  });

  return (
    <div className="auth">
      <div className="auth-card">
        <div className="brand">
          <img src="/favicon.svg" alt="" />
          CloudOptima
        </div>
        <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Create an organization">
          <h1>Create your organization</h1>
          <Field label="Organization name" error={errors.organizationName?.message}>
            {(props) => <input {...props} autoComplete="organization" {...form.register('organizationName')} />}
          </Field>
          <Field label="Work email" error={errors.email?.message}>
            {(props) => <input {...props} type="email" autoComplete="email" {...form.register('email')} />}
          </Field>
          <Field label="Password" error={errors.password?.message} hint="At least 12 characters, with upper and lower case letters, a digit and a symbol.">
            {(props) => <input {...props} type="password" autoComplete="new-password" {...form.register('password')} />}
          </Field>
          <FormError message={errors.root?.server?.message} />
          <Button type="submit" variant="primary" busy={isSubmitting}>
            Create organization
          </Button>
          <p className="muted">
            Already have an account? <Link to="/sign-in">Sign in</Link>
          </p>
        </form>
      </div>
    </div>
  );
}
