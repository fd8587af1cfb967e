import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';

/** Sessions in the customer's account last 15 minutes and are renewed 5 minutes before they end. */
const SESSION_SECONDS = 900;
const RENEW_BEFORE_MS = 5 * 60_000;

/** The session name CloudTrail shows in the customer's account. */
export const roleSessionName = (tenantId: string): string => `cloudoptima-${tenantId}`.slice(0, 64);

/**
 * Credentials of the customer's role, assumed with the tenant's ExternalId (the confused-deputy
 * guard: the role trusts CloudOptima only with that id). AssumeRole refusals become
 * AccountAccessError, which fails that one account, never the run.
 */
export function assumedRoleCredentials(sts: STSClient, target: AccountTarget): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: roleSessionName(target.tenantId),
          ExternalId: target.externalId,
          DurationSeconds: SESSION_SECONDS,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new AccountAccessError('ASSUME_ROLE_FAILED', 'AssumeRole returned no credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    } catch (error) {
      if (error instanceof AccountAccessError) throw error;
      const e = error as Error;
      // Throttling is for the caller's retry; a refusal is the account's configuration.
      if (['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'RegionDisabledException', 'ValidationError'].includes(e.name)) {
        throw new AccountAccessError('ASSUME_ROLE_FAILED', `AssumeRole on ${target.roleArn} failed: ${e.message}`);
      }
      throw error;
    }
  };
  return async () => {
    if (current?.expiration && current.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return current;
    pending ??= assume().finally(() => (pending = undefined));
    current = await pending;
    return current;
  };
}
