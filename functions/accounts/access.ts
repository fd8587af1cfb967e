import { IAMClient, SimulatePrincipalPolicyCommand, type EvaluationResult } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { PermissionCheck } from '#shared/accounts/model.js';
import { REQUIRED_PERMISSIONS, SELF_SIMULATION_ACTION } from '#shared/accounts/permissions.js';
import { AccountAccessError, type AccessCheck, type AccessSource, type AccountTarget } from '#shared/inventory/provider.js';
import { assumedRoleCredentials } from '#functions/collect/aws/credentials.js';
import { isAccessDenied, withRetry, type CallOptions } from '#functions/collect/aws/retry.js';

/**
 * The connection test in AWS. It assumes the role with the ExternalId, checks with
 * GetCallerIdentity that it is the account's own role, then asks IAM once, with
 * SimulatePrincipalPolicy on the role itself, which of the required actions it is allowed.
 *
 * Why the simulator and not one call to each API: one request answers for every action with the
 * reason for each refusal (implicit deny, explicit deny, an SCP, a permissions boundary), it has
 * no side effects and touches no region, and it needs one small SDK client in the API function
 * instead of seven (the EC2 client alone is 850 KB minified, against a 1 MiB bundle budget). The
 * template allows iam:SimulatePrincipalPolicy on the role's own ARN only. What the simulator cannot
 * see (a resource policy, a region an SCP closes) still shows up in each sync's warnings, where
 * every refused call is recorded.
 */
export class AwsAccessSource implements AccessSource {
  constructor(
    private readonly sts: STSClient,
    private readonly options: CallOptions = {},
    private readonly iamFor: (target: AccountTarget, sts: STSClient, credentials: AwsCredentialIdentityProvider) => IAMClient = (_target, _sts, credentials) =>
      new IAMClient({ region: 'us-east-1', maxAttempts: 1, credentials }),
    private readonly stsFor: (target: AccountTarget, sts: STSClient, credentials: AwsCredentialIdentityProvider) => STSClient = (_target, _sts, credentials) =>
      new STSClient({ maxAttempts: 1, credentials }),
  ) {}

  async checkAccess(target: AccountTarget): Promise<AccessCheck> {
    const unchecked = (reason: string): PermissionCheck[] => REQUIRED_PERMISSIONS.map((p) => ({ ...p, status: 'unchecked', reason }));
    const credentials = assumedRoleCredentials(this.sts, target);
    const session = this.stsFor(target, this.sts, credentials);
    try {
      await withRetry(() => credentials(), this.options);
      const identity = await withRetry(() => session.send(new GetCallerIdentityCommand({})), this.options);
      if (identity.Account !== target.accountId) {
        const message = `The role belongs to account ${identity.Account ?? 'unknown'}, not ${target.accountId}.`;
        return { assumed: false, error: { code: 'WRONG_ACCOUNT', message }, permissions: unchecked(message) };
      }
    } catch (error) {
      const code = error instanceof AccountAccessError ? error.code : 'ASSUME_ROLE_FAILED';
      const message = (error as Error).message;
      return { assumed: false, error: { code, message }, permissions: unchecked('The role could not be assumed.') };
    }

    const iam = this.iamFor(target, this.sts, credentials);
    const results: EvaluationResult[] = [];
    try {
      let marker: string | undefined;
      do {
        const out = await withRetry(
          () => iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: target.roleArn, ActionNames: REQUIRED_PERMISSIONS.map((p) => p.action), Marker: marker })),
          this.options,
        );
        results.push(...(out.EvaluationResults ?? []));
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
    } catch (error) {
      if (!isAccessDenied(error)) throw error;
      const reason = `The role may not call ${SELF_SIMULATION_ACTION} on itself (made from an older template?): update the stack to check its permissions.`;
      return {
        assumed: true,
        error: { code: 'CANNOT_SIMULATE', message: reason },
        permissions: [...unchecked(reason), { action: SELF_SIMULATION_ACTION, purpose: 'Lets the connection test check the permissions below', status: 'missing', reason: 'not allowed' }],
      };
    }
    const byAction = new Map(results.map((r) => [r.EvalActionName?.toLowerCase(), r]));
    return {
      assumed: true,
      error: null,
      permissions: REQUIRED_PERMISSIONS.map((p): PermissionCheck => {
        const r = byAction.get(p.action.toLowerCase());
        if (!r) return { ...p, status: 'unchecked', reason: 'IAM did not evaluate it' };
        if (r.EvalDecision === 'allowed') return { ...p, status: 'granted', reason: null };
        return { ...p, status: 'missing', reason: denialReason(r) };
      }),
    };
  }
}

function denialReason(r: EvaluationResult): string {
  if (r.OrganizationsDecisionDetail?.AllowedByOrganizations === false) return 'denied by a service control policy (SCP)';
  if (r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false) return "denied by the role's permissions boundary";
  if (r.EvalDecision === 'explicitDeny') return "explicitly denied by the role's policies";
  return "not allowed by the role's policies";
}
