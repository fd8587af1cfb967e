import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { email, emptyResponse, password } from './common.js';
import { tenant } from './tenants.js';
import { user } from './users.js';

export const signupRequest = z.strictObject({
  email,
  password,
  organizationName: z.string().trim().min(1).max(100),
});
export const signupResponse = z.object({ tenant, user });

export const loginRequest = z.strictObject({ email, password: z.string().min(1).max(256) });

export const tokens = z.object({
  idToken: z.string(),
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the ID and access tokens expire. */
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});
export const newPasswordChallenge = z.object({
  challenge: z.literal('NEW_PASSWORD_REQUIRED'),
  session: z.string(),
});
export const loginResponse = z.union([tokens, newPasswordChallenge]);

export const challengeRequest = z.strictObject({
  email,
  session: z.string().min(1).max(8192),
  newPassword: password,
});

export const refreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(8192) });
export const refreshResponse = tokens.omit({ refreshToken: true });

export const logoutRequest = refreshRequest;

export const authRoutes = {
  signup: defineRoute({
    operationId: 'signUp',
    method: 'POST',
    path: '/v1/auth/signup',
    domain: 'auth',
    tag: 'Auth',
    summary: 'Create an organization (tenant) and its first admin',
    access: 'public',
    body: signupRequest,
    example: { email: 'ada@example.com', password: 'Correct-Horse-9!', organizationName: 'Example Corp' },
    response: signupResponse,
    status: 201,
  }),
  login: defineRoute({
    operationId: 'logIn',
    method: 'POST',
    path: '/v1/auth/login',
    domain: 'auth',
    tag: 'Auth',
    summary: 'Sign in with email and password; invited users first get NEW_PASSWORD_REQUIRED',
    access: 'public',
    audit: false,
    body: loginRequest,
    example: { email: 'ada@example.com', password: 'Correct-Horse-9!' },
    response: loginResponse,
    status: 200,
  }),
  challenge: defineRoute({
    operationId: 'completeNewPassword',
    method: 'POST',
    path: '/v1/auth/challenge',
    domain: 'auth',
    tag: 'Auth',
    summary: "Set an invited user's own password and sign in",
    access: 'public',
    audit: false,
    body: challengeRequest,
    example: { email: 'ada@example.com', session: 'session-from-login', newPassword: 'Correct-Horse-9!' },
    response: tokens,
    status: 200,
  }),
  refresh: defineRoute({
    operationId: 'refreshTokens',
    method: 'POST',
    path: '/v1/auth/refresh',
    domain: 'auth',
    tag: 'Auth',
    summary: 'Exchange a refresh token for new ID and access tokens',
    access: 'public',
    audit: false,
    body: refreshRequest,
    example: { refreshToken: 'refresh-token-from-login' },
    response: refreshResponse,
    status: 200,
  }),
  logout: defineRoute({
    operationId: 'logOut',
    method: 'POST',
    path: '/v1/auth/logout',
    domain: 'auth',
    tag: 'Auth',
    summary: 'Revoke the refresh token and the calling session; its tokens stop working',
    access: { permission: 'tenant:read' },
    body: logoutRequest,
    example: { refreshToken: 'refresh-token-from-login' },
    response: emptyResponse,
    status: 204,
  }),
};
