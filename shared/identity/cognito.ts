import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Role } from '../auth/permissions.js';
import { Conflict, Invalid, TooManyRequests, Unauthorized } from '../errors.js';
import type { IdentityProvider, NewIdentity, SignInResult, Tokens } from './provider.js';

const WRONG_CREDENTIALS = 'The email or password is not right.';

/** Cognito's sign-in failures all mean "not these credentials"; which one is not the caller's business. */
function signInError(error: unknown): never {
  const name = (error as Error).name;
  // cognito-local answers InvalidPasswordException for a wrong password; Cognito answers NotAuthorizedException.
  if (['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException', 'UserNotConfirmedException'].includes(name)) {
    throw new Unauthorized(WRONG_CREDENTIALS);
  }
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException') {
    throw new TooManyRequests('Too many attempts; wait a minute and try again.');
  }
  if (name === 'CodeMismatchException' || name === 'ExpiredCodeException') throw new Unauthorized('The sign-in session has expired; sign in again.');
  throw error;
}

/** Cognito omits ExpiresIn on refresh (and cognito-local everywhere): read it from the token. */
function expiresIn(result: AuthenticationResultType): number {
  if (result.ExpiresIn) return result.ExpiresIn;
  const payload = JSON.parse(Buffer.from(result.IdToken!.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
  return Math.max(0, payload.exp - Math.floor(Date.now() / 1000));
}

/** A temporary password that satisfies the pool's policy (12+ chars, all four classes). */
function temporaryPassword(): string {
  return `Tmp-${randomBytes(12).toString('base64url')}-7a`;
}

export interface CognitoIdentityOptions {
  userPoolId: string;
  clientId: string;
  /** In AWS Cognito emails the invitation; locally the temporary password is only returned. */
  sendInvitations: boolean;
}

export class CognitoIdentityProvider implements IdentityProvider {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly options: CognitoIdentityOptions,
  ) {}

  async createUser({ email, tenantId, role, password }: NewIdentity) {
    const UserPoolId = this.options.userPoolId;
    const temporary = password ? null : temporaryPassword();
    let created;
    try {
      created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: email,
          TemporaryPassword: password ?? temporary!,
          MessageAction: password || !this.options.sendInvitations ? 'SUPPRESS' : undefined,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'custom:tenantId', Value: tenantId },
          ],
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'UsernameExistsException') {
        throw new Conflict('An account with this email already exists.', 'EMAIL_TAKEN', { field: 'body.email' });
      }
      if ((error as Error).name === 'InvalidPasswordException') {
        throw new Invalid('The password does not meet the policy.', [{ field: 'body.password', message: (error as Error).message }]);
      }
      throw error;
    }
    try {
      if (password) {
        await this.client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }));
      }
      await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: role }));
    } catch (error) {
      // Never leave a half-made identity behind.
      await this.deleteUser(email).catch(() => undefined);
      throw error;
    }
    const userId = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!userId) throw new Error('Cognito returned a user without a sub');
    return { userId, temporaryPassword: temporary };
  }

  async changeRole(email: string, from: Role, to: Role): Promise<void> {
    if (from === to) return;
    const UserPoolId = this.options.userPoolId;
    await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: to }));
    await this.client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: email, GroupName: from }));
  }

  async deleteUser(email: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.options.userPoolId, Username: email }));
    } catch (error) {
      if ((error as Error).name !== 'UserNotFoundException') throw error;
    }
  }

  async signIn(email: string, password: string): Promise<SignInResult> {
    const out = await this.client
      .send(
        new InitiateAuthCommand({
          ClientId: this.options.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      )
      .catch(signInError);
    if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED') return { kind: 'newPasswordRequired', session: out.Session! };
    if (!out.AuthenticationResult) throw new Unauthorized(`Sign-in needs a step this API does not offer (${out.ChallengeName}).`);
    return { kind: 'tokens', tokens: this.tokens(out.AuthenticationResult) };
  }

  async completeNewPassword(email: string, session: string, newPassword: string): Promise<Tokens> {
    const out = await this.client
      .send(
        new RespondToAuthChallengeCommand({
          ClientId: this.options.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
        }),
      )
      .catch(signInError);
    if (!out.AuthenticationResult) throw new Unauthorized('The sign-in session has expired; sign in again.');
    return this.tokens(out.AuthenticationResult);
  }

  async refresh(refreshToken: string) {
    const out = await this.client
      .send(new InitiateAuthCommand({ ClientId: this.options.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }))
      .catch((error: unknown) => {
        if ((error as Error).name === 'NotAuthorizedException') throw new Unauthorized('The refresh token is invalid, expired or revoked.');
        return signInError(error);
      });
    const result = out.AuthenticationResult!;
    return { idToken: result.IdToken!, accessToken: result.AccessToken!, expiresIn: expiresIn(result) };
  }

  async revoke(refreshToken: string): Promise<void> {
    try {
      await this.client.send(new RevokeTokenCommand({ ClientId: this.options.clientId, Token: refreshToken }));
    } catch (error) {
      // Already revoked, expired or not a token: in each case it cannot be used, which is the goal.
      if ((error as Error).name !== 'NotAuthorizedException' && (error as Error).name !== 'UnsupportedTokenTypeException') throw error;
    }
  }

  private tokens(result: AuthenticationResultType): Tokens {
    return {
      idToken: result.IdToken!,
      accessToken: result.AccessToken!,
      refreshToken: result.RefreshToken!,
      expiresIn: expiresIn(result),
    };
  }
}
