import { z } from 'zod';
import { ROLES, type Role } from './permissions.js';

/**
 * Who is calling, as decided by the authorizer and nothing else. Handlers receive it; domain code
 * takes the tenant from here, never from a path, body or query.
 */
export interface AuthContext {
  tenantId: string;
  /** Cognito `sub` for users, the key id for API keys. */
  principalId: string;
  principalType: 'user' | 'apiKey';
  role: Role;
  email: string | null;
  /** The sign-in session a user token belongs to (Cognito `origin_jti`, else `jti`); logout revokes it. */
  sessionId: string | null;
  /** Epoch seconds at which the presented token expires (how long a revocation must be remembered). */
  sessionExpiresAt: number | null;
}

/** API Gateway passes authorizer context values as strings; this is their wire form. */
const authorizerContextSchema = z.object({
  tenantId: z.string().min(1),
  principalId: z.string().min(1),
  principalType: z.enum(['user', 'apiKey']),
  role: z.enum(ROLES),
  email: z.string().optional(),
  sessionId: z.string().optional(),
  sessionExpiresAt: z.coerce.number().int().optional(),
});

export type AuthorizerContext = Record<string, string>;

export function toAuthorizerContext(auth: AuthContext): AuthorizerContext {
  const ctx: AuthorizerContext = {
    tenantId: auth.tenantId,
    principalId: auth.principalId,
    principalType: auth.principalType,
    role: auth.role,
  };
  if (auth.email) ctx.email = auth.email;
  if (auth.sessionId) ctx.sessionId = auth.sessionId;
  if (auth.sessionExpiresAt) ctx.sessionExpiresAt = String(auth.sessionExpiresAt);
  return ctx;
}

/** Reads the authorizer's decision from a proxy event's requestContext.authorizer; null if absent. */
export function fromAuthorizerContext(raw: unknown): AuthContext | null {
  const parsed = authorizerContextSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { email, sessionId, sessionExpiresAt, ...rest } = parsed.data;
  return { ...rest, email: email ?? null, sessionId: sessionId ?? null, sessionExpiresAt: sessionExpiresAt ?? null };
}
