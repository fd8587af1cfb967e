import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ONBOARDING_TEMPLATE_FILE } from '../../../lib/onboarding.js';
import { EXPORT_EVENT_BUS_NAME } from '#shared/billing/export-bucket.js';

/** The onboarding template's optional export-bucket part: read access to the bucket/prefix, and the event rule. */
describe('the onboarding template, with an export bucket', () => {
  const template = JSON.parse(readFileSync(ONBOARDING_TEMPLATE_FILE, 'utf8')) as Record<string, any>;
  const resources = template.Resources as Record<string, any>;
  const exportParts = Object.entries(resources).filter(([, r]) => r.Condition === 'HasExportBucket');

  it('adds nothing unless a bucket is given', () => {
    expect(template.Parameters.ExportBucket).toMatchObject({ Default: '' });
    expect(template.Parameters.ExportPrefix).toMatchObject({ Default: '' });
    expect(template.Conditions.HasExportBucket).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExportBucket' }, ''] }] });
    expect(exportParts.map(([, r]) => r.Type).sort()).toEqual(['AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
  });

  it('lets the read-only role list and read the export prefix only', () => {
    const [, policy] = exportParts.find(([, r]) => r.Type === 'AWS::IAM::Policy')!;
    const [list, get] = policy.Properties.PolicyDocument.Statement;
    expect(list).toMatchObject({
      Action: 's3:ListBucket',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${ExportBucket}' },
      Condition: { StringLike: { 's3:prefix': [{ 'Fn::Sub': '${ExportPrefix}*' }] } },
    });
    expect(get).toMatchObject({ Action: 's3:GetObject', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${ExportBucket}/${ExportPrefix}*' } });
    const readOnlyRole = Object.keys(resources).find((k) => resources[k].Type === 'AWS::IAM::Role' && !resources[k].Condition);
    expect(policy.Properties.Roles).toEqual([{ Ref: readOnlyRole }]);
  });

  it('forwards S3 "Object Created" events under the prefix to CloudOptima’s bus, and nothing else', () => {
    const [, rule] = exportParts.find(([, r]) => r.Type === 'AWS::Events::Rule')!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: 'ExportBucket' }] }, object: { key: [{ prefix: { Ref: 'ExportPrefix' } }] } },
    });
    const busArn = { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${CloudOptimaRegion}:\${CloudOptimaAccountId}:event-bus/${EXPORT_EVENT_BUS_NAME}` };
    expect(rule.Properties.Targets).toEqual([{ Id: 'CloudOptima', Arn: busArn, RoleArn: { 'Fn::GetAtt': ['ForwardExportEventsRole', 'Arn'] } }]);
    const forwarder = resources.ForwardExportEventsRole.Properties;
    expect(forwarder.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(forwarder.Policies[0].PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }]);
  });
});
