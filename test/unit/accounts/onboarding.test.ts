import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quickCreateUrl, STACK_NAME } from '#functions/accounts/routes.js';
import { parseRoleArn } from '#shared/accounts/model.js';
import { REQUIRED_PERMISSIONS, ROLE_NAME, ROLE_PATH } from '#shared/accounts/permissions.js';
import { newExternalId } from '#shared/accounts/store.js';
import { connectAccountRequest } from '#shared/contracts/accounts.js';
import { ONBOARDING_TEMPLATE_FILE, renderOnboardingTemplate } from '../../../lib/onboarding.js';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Principal?: unknown };

describe('the onboarding template', () => {
  const served = JSON.parse(readFileSync(ONBOARDING_TEMPLATE_FILE, 'utf8')) as Record<string, any>;

  it('is what CDK synthesizes from lib/onboarding.ts (run `npm run build:onboarding` after changing either)', () => {
    expect(served).toEqual(renderOnboardingTemplate());
  }, 30_000); // a CDK synth: seconds, more on a busy machine

  it('creates one read-only role on the CloudOptima path, trusted only with the ExternalId', () => {
    const resources = Object.values(served.Resources as Record<string, any>);
    const role = resources.find((r) => r.Type === 'AWS::IAM::Role')!;
    expect(role.Properties).toMatchObject({ RoleName: ROLE_NAME, Path: ROLE_PATH });
    const [trust] = role.Properties.AssumeRolePolicyDocument.Statement as Statement[];
    expect(trust).toMatchObject({ Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } } });
    // Beside IAM, only the optional export-bucket event rule (test/unit/billing/collect-onboarding-exports.test.ts).
    expect(resources.filter((r) => r.Type !== 'AWS::IAM::Role' && r.Type !== 'AWS::IAM::Policy' && !(r.Type === 'AWS::Events::Rule' && r.Condition === 'HasExportBucket'))).toEqual([]);
  });

  it('allows exactly the required read actions, and policy simulation on the role itself only', () => {
    const policy = Object.values(served.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Policy')!;
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    expect(statements[0]!.Action).toEqual(REQUIRED_PERMISSIONS.map((p) => p.action));
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.every((a) => /^[a-z0-9-]+:(Describe|List|Get|Simulate)/.test(a))).toBe(true);
    expect(statements[1]).toMatchObject({ Action: 'iam:SimulatePrincipalPolicy', Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${ROLE_PATH}${ROLE_NAME}` } });
  });

  it('builds the quick-create link with the ExternalId, the trusted account and its region, or none without a published template', () => {
    const url = new URL(quickCreateUrl({ platformAccountId: '999988887777', templateUrl: 'https://bucket.s3.amazonaws.com/t.json', region: 'eu-west-1' }, 'cloudoptima-abc')!);
    const params = new URLSearchParams(url.hash.split('?')[1]);
    expect(Object.fromEntries(params)).toEqual({
      templateURL: 'https://bucket.s3.amazonaws.com/t.json',
      stackName: STACK_NAME,
      param_ExternalId: 'cloudoptima-abc',
      param_CloudOptimaAccountId: '999988887777',
      param_CloudOptimaRegion: 'eu-west-1',
    });
    expect(quickCreateUrl({ platformAccountId: '999988887777', templateUrl: null, region: 'eu-west-1' }, 'x')).toBeNull();
  });
});

describe('role ARNs and ExternalIds', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/cloudoptima/CloudOptimaReadOnly', '123456789012'],
    ['arn:aws:iam::000000000001:role/cloudoptima/Custom-Name_1', '000000000001'],
  ])('accepts %s', (arn, accountId) => expect(parseRoleArn(arn)).toEqual({ accountId }));

  it.each([
    'arn:aws:iam::123456789012:role/CloudOptimaReadOnly',
    'arn:aws:iam::123456789012:role/other/CloudOptimaReadOnly',
    'arn:aws:iam::12345678901:role/cloudoptima/X',
    'arn:aws:iam::123456789012:user/cloudoptima/X',
    'arn:aws:s3:::bucket',
    'arn:aws:iam::000000000000:role/cloudoptima/X',
    'arn:aws:iam::123456789012:role/cloudoptima/',
    ' arn:aws:iam::123456789012:role/cloudoptima/X#',
  ])('refuses %s with a field error', (arn) => {
    expect('error' in parseRoleArn(arn)).toBe(true);
    const parsed = connectAccountRequest.safeParse({ roleArn: arn, name: 'n' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['roleArn']);
  });

  it('refuses fields the caller may not choose, such as the ExternalId', () => {
    expect(connectAccountRequest.safeParse({ roleArn: 'arn:aws:iam::123456789012:role/cloudoptima/R', name: 'n', externalId: 'mine' }).success).toBe(false);
  });

  it('mints unguessable ExternalIds the collectors may present (cloudoptima-*)', () => {
    const ids = new Set(Array.from({ length: 100 }, newExternalId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^cloudoptima-[A-Za-z0-9_-]{24}$/);
  });
});
