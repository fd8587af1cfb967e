import type { Role } from '../auth/permissions.js';

/**
 * Port: the identity provider that owns passwords and tokens (Amazon Cognito, or cognito-local
 * behind the same API). Domain code depends on this, never on the Cognito client.
 */
export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type SignInResult =
  | { kind: 'tokens'; tokens: Tokens }
  | { kind: 'newPasswordRequired'; session: string };

export interface NewIdentity {
  email: string;
  tenantId: string;
  role: Role;
  /** Given at sign-up (permanent). Absent for an invite: a temporary password is generated. */
  password?: string;
}

export interface IdentityProvider {
  /** Returns the user's id (Cognito `sub`) and, for invites, the temporary password. */
  createUser(identity: NewIdentity): Promise<{ userId: string; temporaryPassword: string | null }>;
  changeRole(email: string, from: Role, to: Role): Promise<void>;
  deleteUser(email: string): Promise<void>;
  signIn(email: string, password: string): Promise<SignInResult>;
  completeNewPassword(email: string, session: string, newPassword: string): Promise<Tokens>;
  refresh(refreshToken: string): Promise<Omit<Tokens, 'refreshToken'>>;
  /** Revokes a refresh token and the tokens minted from it (idempotent). */
  revoke(refreshToken: string): Promise<void>;
}
