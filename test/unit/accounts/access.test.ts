import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsAccessSource } from '#functions/accounts/access.js';
import { REQUIRED_PERMISSIONS } from '#shared/accounts/permissions.js';

/** The connection test in AWS: AssumeRole with the ExternalId, then IAM's policy simulator on the role. */
const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const target = { accountId: '427183920465', roleArn: 'arn:aws:iam::427183920465:role/cloudoptima/CloudOptimaReadOnly', externalId: 'cloudoptima-xyz123', tenantId: 't1' };
const source = () => new AwsAccessSource(new STSClient({ region: 'us-east-1' }), { sleep: async () => {}, random: () => 0 });
const all = REQUIRED_PERMISSIONS.map((p) => p.action);

beforeEach(() => {
  sts.reset();
  iam.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date(Date.now() + 900_000) } });
  sts.on(GetCallerIdentityCommand).resolves({ Account: target.accountId });
});

describe('AwsAccessSource', () => {
  it('reports exactly the missing actions with IAM’s reason, across simulator pages', async () => {
    const [first, ...rest] = all;
    iam
      .on(SimulatePrincipalPolicyCommand)
      .resolvesOnce({ EvaluationResults: [{ EvalActionName: first, EvalDecision: 'allowed' }], IsTruncated: true, Marker: 'p2' })
      .resolvesOnce({
        EvaluationResults: rest.map((action) =>
          action === 'rds:DescribeDBInstances'
            ? { EvalActionName: action, EvalDecision: 'implicitDeny' }
            : action === 'logs:DescribeLogGroups'
              ? { EvalActionName: action, EvalDecision: 'explicitDeny', OrganizationsDecisionDetail: { AllowedByOrganizations: false } }
              : { EvalActionName: action, EvalDecision: 'allowed' },
        ),
      });
    const check = await source().checkAccess(target);
    expect(check.assumed).toBe(true);
    expect(check.error).toBeNull();
    const missing = check.permissions.filter((p) => p.status === 'missing');
    expect(missing.map((p) => [p.action, p.reason])).toEqual([
      ['rds:DescribeDBInstances', "not allowed by the role's policies"],
      ['logs:DescribeLogGroups', 'denied by a service control policy (SCP)'],
    ]);
    expect(check.permissions.filter((p) => p.status === 'granted')).toHaveLength(all.length - 2);
    const calls = iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Marker)).toEqual([undefined, 'p2']);
    expect(calls[0]).toMatchObject({ PolicySourceArn: target.roleArn, ActionNames: all });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ RoleArn: target.roleArn, ExternalId: target.externalId });
  });

  it('answers a refused AssumeRole with assumed=false and every permission unchecked', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    const check = await source().checkAccess(target);
    expect(check).toMatchObject({ assumed: false, error: { code: 'ASSUME_ROLE_FAILED' } });
    expect(check.permissions.every((p) => p.status === 'unchecked')).toBe(true);
    expect(iam.commandCalls(SimulatePrincipalPolicyCommand)).toHaveLength(0);
  });

  it('refuses a role that belongs to another account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    expect(await source().checkAccess(target)).toMatchObject({ assumed: false, error: { code: 'WRONG_ACCOUNT' } });
  });

  it('names iam:SimulatePrincipalPolicy as missing when the role may not simulate itself', async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const check = await source().checkAccess(target);
    expect(check).toMatchObject({ assumed: true, error: { code: 'CANNOT_SIMULATE' } });
    expect(check.permissions.filter((p) => p.status === 'missing').map((p) => p.action)).toEqual(['iam:SimulatePrincipalPolicy']);
  });
});
