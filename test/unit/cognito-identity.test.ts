import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  InternalErrorException,
  InvalidPasswordException,
  LimitExceededException,
  NotAuthorizedException,
  ResourceNotFoundException,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  TooManyRequestsException,
  UnsupportedTokenTypeException,
  UserNotConfirmedException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { password as passwordPolicy } from '#shared/contracts/common.js';
import { Conflict, Invalid, TooManyRequests, Unauthorized } from '#shared/errors.js';
import { CognitoIdentityProvider } from '#shared/identity/cognito.js';

const cognitoMock = mockClient(CognitoIdentityProviderClient);
const OPTIONS = { userPoolId: 'us-east-1_pool', clientId: 'client-123', sendInvitations: true };
const NOW_S = 1_714_564_800; // 2024-05-01T12:00:00Z

const provider = (options: Partial<typeof OPTIONS> = {}) =>
  new CognitoIdentityProvider(new CognitoIdentityProviderClient({ region: 'us-east-1' }), { ...OPTIONS, ...options });

const meta = { $metadata: {}, message: 'from cognito' };

/** A JWT-shaped string whose payload carries `exp`; the signature is irrelevant here. */
const idTokenExpiringAt = (exp: number) =>
  ['{"alg":"none"}', JSON.stringify({ sub: 'u', exp })].map((s) => Buffer.from(s).toString('base64url')).join('.') + '.sig';

const inputOf = <T>(calls: Array<{ args: [{ input: T }] }>, i = 0): T => calls[i]!.args[0].input;

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(Error);
  return e as Error;
}

beforeEach(() => {
  cognitoMock.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW_S * 1000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('signIn', () => {
  it.each([
    ['NotAuthorizedException', new NotAuthorizedException(meta)],
    ['UserNotFoundException', new UserNotFoundException(meta)],
    ['InvalidPasswordException', new InvalidPasswordException(meta)],
    ['UserNotConfirmedException', new UserNotConfirmedException(meta)],
  ])('maps %s to 401 with one message (no user enumeration)', async (_name, error) => {
    cognitoMock.on(InitiateAuthCommand).rejects(error);
    const e = await rejectionOf(provider().signIn('a@example.com', 'pw'));
    expect(e).toBeInstanceOf(Unauthorized);
    expect((e as Unauthorized).status).toBe(401);
    expect(e.message).toBe('The email or password is not right.');
  });

  it.each([
    ['TooManyRequestsException', new TooManyRequestsException(meta)],
    ['LimitExceededException', new LimitExceededException(meta)],
  ])('maps %s to 429', async (_name, error) => {
    cognitoMock.on(InitiateAuthCommand).rejects(error);
    const e = await rejectionOf(provider().signIn('a@example.com', 'pw'));
    expect(e).toBeInstanceOf(TooManyRequests);
    expect((e as TooManyRequests).status).toBe(429);
  });

  it('rethrows an unexpected Cognito error unchanged (a 500, not a 401)', async () => {
    const error = new InternalErrorException(meta);
    cognitoMock.on(InitiateAuthCommand).rejects(error);
    const e = await rejectionOf(provider().signIn('a@example.com', 'pw'));
    expect(e).toBe(error);
  });

  it('returns the session for NEW_PASSWORD_REQUIRED', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'sess-xyz' });
    await expect(provider().signIn('a@example.com', 'pw')).resolves.toEqual({ kind: 'newPasswordRequired', session: 'sess-xyz' });
  });

  it('refuses a challenge the API does not offer', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's' });
    const e = await rejectionOf(provider().signIn('a@example.com', 'pw'));
    expect(e).toBeInstanceOf(Unauthorized);
  });

  it('sends USER_PASSWORD_AUTH with the app client and the credentials', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: 'id', AccessToken: 'ac', RefreshToken: 'rf', ExpiresIn: 3600 } });
    await provider().signIn('a@example.com', 'pw');
    expect(inputOf(cognitoMock.commandCalls(InitiateAuthCommand))).toEqual({
      ClientId: 'client-123',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'a@example.com', PASSWORD: 'pw' },
    });
  });

  it('returns tokens with expiresIn from ExpiresIn when Cognito gives it', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({
      AuthenticationResult: { IdToken: idTokenExpiringAt(NOW_S + 60), AccessToken: 'ac', RefreshToken: 'rf', ExpiresIn: 3600 },
    });
    await expect(provider().signIn('a@example.com', 'pw')).resolves.toEqual({
      kind: 'tokens',
      tokens: { idToken: idTokenExpiringAt(NOW_S + 60), accessToken: 'ac', refreshToken: 'rf', expiresIn: 3600 },
    });
  });

  it("computes expiresIn from the ID token's exp when ExpiresIn is absent", async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({
      AuthenticationResult: { IdToken: idTokenExpiringAt(NOW_S + 1800), AccessToken: 'ac', RefreshToken: 'rf' },
    });
    const result = await provider().signIn('a@example.com', 'pw');
    expect(result).toMatchObject({ kind: 'tokens', tokens: { expiresIn: 1800 } });
  });

  it('never reports a negative expiresIn for an already-expired token', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({
      AuthenticationResult: { IdToken: idTokenExpiringAt(NOW_S - 10), AccessToken: 'ac', RefreshToken: 'rf' },
    });
    const result = await provider().signIn('a@example.com', 'pw');
    expect(result).toMatchObject({ kind: 'tokens', tokens: { expiresIn: 0 } });
  });
});

describe('completeNewPassword', () => {
  it('answers the challenge with the session and returns tokens', async () => {
    cognitoMock.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: 'id', AccessToken: 'ac', RefreshToken: 'rf', ExpiresIn: 900 } });
    await expect(provider().completeNewPassword('a@example.com', 'sess', 'N3w-Passw0rd!!')).resolves.toEqual({
      idToken: 'id',
      accessToken: 'ac',
      refreshToken: 'rf',
      expiresIn: 900,
    });
    expect(inputOf(cognitoMock.commandCalls(RespondToAuthChallengeCommand))).toMatchObject({
      ClientId: 'client-123',
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: 'sess',
      ChallengeResponses: { USERNAME: 'a@example.com', NEW_PASSWORD: 'N3w-Passw0rd!!' },
    });
  });

  it('maps an expired or mismatched session to 401', async () => {
    cognitoMock.on(RespondToAuthChallengeCommand).rejects(new CodeMismatchException(meta));
    expect(await rejectionOf(provider().completeNewPassword('a@example.com', 's', 'x'))).toBeInstanceOf(Unauthorized);
  });
});

describe('createUser', () => {
  const created = { User: { Username: 'a@example.com', Attributes: [{ Name: 'sub', Value: 'sub-123' }] } };

  it('creates, adds to the role group and returns the sub (sign-up: given password, permanent, no invitation)', async () => {
    cognitoMock.on(AdminCreateUserCommand).resolves(created);
    const result = await provider().createUser({ email: 'a@example.com', tenantId: 'tenant-a', role: 'admin', password: 'Str0ng-Passw0rd!' });
    expect(result).toEqual({ userId: 'sub-123', temporaryPassword: null });

    const create = inputOf(cognitoMock.commandCalls(AdminCreateUserCommand));
    expect(create.MessageAction).toBe('SUPPRESS');
    expect(create.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'custom:tenantId', Value: 'tenant-a' }, { Name: 'email', Value: 'a@example.com' }]));
    expect(inputOf(cognitoMock.commandCalls(AdminSetUserPasswordCommand))).toMatchObject({ Username: 'a@example.com', Password: 'Str0ng-Passw0rd!', Permanent: true });
    expect(inputOf(cognitoMock.commandCalls(AdminAddUserToGroupCommand))).toMatchObject({ UserPoolId: 'us-east-1_pool', Username: 'a@example.com', GroupName: 'admin' });
    expect(cognitoMock.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
  });

  it('invites with a generated temporary password that meets the policy, and lets Cognito send the invitation', async () => {
    cognitoMock.on(AdminCreateUserCommand).resolves(created);
    const result = await provider({ sendInvitations: true }).createUser({ email: 'a@example.com', tenantId: 't', role: 'viewer' });
    const create = inputOf(cognitoMock.commandCalls(AdminCreateUserCommand));
    expect(create.MessageAction).toBeUndefined();
    expect(result.temporaryPassword).toBe(create.TemporaryPassword);
    expect(passwordPolicy.safeParse(result.temporaryPassword).success).toBe(true);
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
  });

  it('suppresses the invitation message when sendInvitations is false', async () => {
    cognitoMock.on(AdminCreateUserCommand).resolves(created);
    await provider({ sendInvitations: false }).createUser({ email: 'a@example.com', tenantId: 't', role: 'viewer' });
    expect(inputOf(cognitoMock.commandCalls(AdminCreateUserCommand)).MessageAction).toBe('SUPPRESS');
  });

  it('generates a different temporary password for each invite', async () => {
    cognitoMock.on(AdminCreateUserCommand).resolves(created);
    const p = provider();
    const a = await p.createUser({ email: 'a@example.com', tenantId: 't', role: 'viewer' });
    const b = await p.createUser({ email: 'b@example.com', tenantId: 't', role: 'viewer' });
    expect(a.temporaryPassword).not.toBe(b.temporaryPassword);
  });

  it('maps UsernameExistsException to 409 EMAIL_TAKEN', async () => {
    cognitoMock.on(AdminCreateUserCommand).rejects(new UsernameExistsException(meta));
    const e = await rejectionOf(provider().createUser({ email: 'a@example.com', tenantId: 't', role: 'viewer' }));
    expect(e).toBeInstanceOf(Conflict);
    expect((e as Conflict).code).toBe('EMAIL_TAKEN');
    expect((e as Conflict).status).toBe(409);
    expect(cognitoMock.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
  });

  it("maps Cognito's password policy refusal to 400 on body.password", async () => {
    cognitoMock.on(AdminCreateUserCommand).rejects(new InvalidPasswordException(meta));
    const e = await rejectionOf(provider().createUser({ email: 'a@example.com', tenantId: 't', role: 'admin', password: 'weak' }));
    expect(e).toBeInstanceOf(Invalid);
    expect((e as Invalid).details).toEqual([expect.objectContaining({ field: 'body.password' })]);
  });

  it('deletes the created user and rethrows when adding to the group fails', async () => {
    const failure = new ResourceNotFoundException({ ...meta, message: 'group not found' });
    cognitoMock.on(AdminCreateUserCommand).resolves(created);
    cognitoMock.on(AdminAddUserToGroupCommand).rejects(failure);
    const e = await rejectionOf(provider().createUser({ email: 'a@example.com', tenantId: 't', role: 'viewer' }));
    expect(e).toBe(failure);
    expect(cognitoMock.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    expect(inputOf(cognitoMock.commandCalls(AdminDeleteUserCommand))).toEqual({ UserPoolId: 'us-east-1_pool', Username: 'a@example.com' });
  });

  it('deletes the created user when setting the permanent password fails', async () => {
    const failure = new InternalErrorException(meta);
    cognitoMock.on(AdminCreateUserCommand).resolves(created);
    cognitoMock.on(AdminSetUserPasswordCommand).rejects(failure);
    expect(await rejectionOf(provider().createUser({ email: 'a@example.com', tenantId: 't', role: 'admin', password: 'Str0ng-Passw0rd!' }))).toBe(failure);
    expect(cognitoMock.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
  });

  it('rethrows the original error even if the clean-up delete fails too', async () => {
    const failure = new ResourceNotFoundException({ ...meta, message: 'group not found' });
    cognitoMock.on(AdminCreateUserCommand).resolves(created);
    cognitoMock.on(AdminAddUserToGroupCommand).rejects(failure);
    cognitoMock.on(AdminDeleteUserCommand).rejects(new InternalErrorException(meta));
    expect(await rejectionOf(provider().createUser({ email: 'a@example.com', tenantId: 't', role: 'viewer' }))).toBe(failure);
  });
});

describe('changeRole and deleteUser', () => {
  it('adds the new group before removing the old one', async () => {
    await provider().changeRole('a@example.com', 'viewer', 'engineer');
    const calls = cognitoMock.calls().map((c) => c.args[0]);
    expect(calls.map((c) => c.constructor)).toEqual([AdminAddUserToGroupCommand, AdminRemoveUserFromGroupCommand]);
    expect(calls.map((c) => (c.input as { GroupName: string }).GroupName)).toEqual(['engineer', 'viewer']);
  });

  it('does nothing when the role is unchanged', async () => {
    await provider().changeRole('a@example.com', 'admin', 'admin');
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('treats deleting a missing user as done, but rethrows other failures', async () => {
    cognitoMock.on(AdminDeleteUserCommand).rejects(new UserNotFoundException(meta));
    await expect(provider().deleteUser('a@example.com')).resolves.toBeUndefined();
    const other = new InternalErrorException(meta);
    cognitoMock.on(AdminDeleteUserCommand).rejects(other);
    expect(await rejectionOf(provider().deleteUser('a@example.com'))).toBe(other);
  });
});

describe('refresh', () => {
  it('maps NotAuthorizedException to 401', async () => {
    cognitoMock.on(InitiateAuthCommand).rejects(new NotAuthorizedException(meta));
    const e = await rejectionOf(provider().refresh('rt'));
    expect(e).toBeInstanceOf(Unauthorized);
    expect((e as Unauthorized).status).toBe(401);
    expect(e.message).toMatch(/refresh token/);
  });

  it('maps throttling to 429', async () => {
    cognitoMock.on(InitiateAuthCommand).rejects(new TooManyRequestsException(meta));
    expect(await rejectionOf(provider().refresh('rt'))).toBeInstanceOf(TooManyRequests);
  });

  it('uses REFRESH_TOKEN_AUTH and computes expiresIn from the ID token (Cognito omits ExpiresIn here)', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: idTokenExpiringAt(NOW_S + 3600), AccessToken: 'ac2' } });
    const out = await provider().refresh('rt');
    expect(out).toEqual({ idToken: idTokenExpiringAt(NOW_S + 3600), accessToken: 'ac2', expiresIn: 3600 });
    expect(inputOf(cognitoMock.commandCalls(InitiateAuthCommand))).toEqual({
      ClientId: 'client-123',
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: 'rt' },
    });
  });
});

describe('revoke', () => {
  it('revokes the refresh token for the app client', async () => {
    cognitoMock.on(RevokeTokenCommand).resolves({});
    await provider().revoke('rt');
    expect(inputOf(cognitoMock.commandCalls(RevokeTokenCommand))).toEqual({ ClientId: 'client-123', Token: 'rt' });
  });

  it.each([
    ['NotAuthorizedException', new NotAuthorizedException(meta)],
    ['UnsupportedTokenTypeException', new UnsupportedTokenTypeException(meta)],
  ])('swallows %s (the token is unusable either way)', async (_name, error) => {
    cognitoMock.on(RevokeTokenCommand).rejects(error);
    await expect(provider().revoke('rt')).resolves.toBeUndefined();
  });

  it('rethrows any other failure', async () => {
    const error = new InternalErrorException(meta);
    cognitoMock.on(RevokeTokenCommand).rejects(error);
    expect(await rejectionOf(provider().revoke('rt'))).toBe(error);
  });
});
