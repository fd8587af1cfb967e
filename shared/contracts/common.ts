import { z } from 'zod';
import { ENTITY_ID_MESSAGE, ENTITY_ID_PATTERN } from '../ids.js';

/** Building blocks every contract shares: ids, pagination, list and error shapes. */

export const entityId = z.string().regex(ENTITY_ID_PATTERN, ENTITY_ID_MESSAGE);

export const idParams = z.object({ id: entityId });

export const isoDateTime = z.iso.datetime({ offset: true });

/** `?limit=` default 50, max 500; `?cursor=` from the previous page's nextCursor. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  // Real cursors are ~300 characters; the bound keeps every query under AWS WAF's 2 KB query-string rule.
  cursor: z.string().min(1).max(1024).optional(),
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown(),
      requestId: z.string().nullable(),
    }),
  })
  .meta({ id: 'Error' });

export const emptyResponse = z.null();

/** IANA time zone names, checked against the runtime's own time zone data. */
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as "UTC" or "Europe/Berlin"');

export const email = z
  .email('must be an email address')
  .max(254)
  .transform((e) => e.toLowerCase());

/** Matches the user pool's password policy (lib/auth), so a weak password is a 400, not a Cognito error. */
export const password = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256)
  .regex(/[a-z]/, 'must contain a lowercase letter')
  .regex(/[A-Z]/, 'must contain an uppercase letter')
  .regex(/[0-9]/, 'must contain a digit')
  .regex(/[^A-Za-z0-9]/, 'must contain a symbol');
