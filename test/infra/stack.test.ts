import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROLES } from '#shared/auth/permissions.js';
import { password } from '#shared/contracts/common.js';
import { TABLE } from '#shared/db/table.js';
import { FUNCTION_ENTRIES } from '#shared/functions.js';
import { CONSOLE_SOURCE } from '../../lib/console.js';
import { Data } from '../../lib/data.js';
import { FUNCTION_ACCESS, type FunctionName, TENANT_LEADING_KEYS } from '../../lib/function-access.js';
import { repoPath } from '../../lib/repo.js';
import { type Statement, type Synthesized, actionsOf, refOf, resourcesOf, statementsOfRole, synthesize } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const only = (type: string) => {
  const all = Object.entries(resourcesOf(s.template, type));
  expect(all, type).toHaveLength(1);
  return all[0]!;
};

interface FunctionProps {
  Runtime: string;
  Architectures?: string[];
  Role: unknown;
  LoggingConfig?: { LogGroup?: unknown };
  TracingConfig?: { Mode: string };
  Environment?: { Variables: Record<string, unknown> };
}

/** Our functions (those with a POWERTOOLS_SERVICE_NAME) by name, with logical id and role id. */
function ourFunctions() {
  const byName = new Map<string, { id: string; props: FunctionProps; roleId: string }>();
  for (const [id, fn] of Object.entries(resourcesOf(s.template, 'AWS::Lambda::Function'))) {
    const props = fn.Properties as unknown as FunctionProps;
    const name = props.Environment?.Variables.POWERTOOLS_SERVICE_NAME;
    if (typeof name === 'string') byName.set(name, { id, props, roleId: refOf(props.Role)! });
  }
  return byName;
}

const tenantRoleId = () => {
  const ids = Object.keys(resourcesOf(s.template, 'AWS::IAM::Role')).filter((id) => id.startsWith('FunctionsTenantDataRole'));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

describe('functions', () => {
  it('deploys every bundle of shared/functions.ts on Node.js 22 or later, arm64, traced', () => {
    const fns = ourFunctions();
    expect([...fns.keys()].sort()).toEqual(Object.keys(FUNCTION_ENTRIES).sort());
    for (const [name, { props }] of fns) {
      expect(Number(props.Runtime.match(/^nodejs(\d+)\.x$/)?.[1]), `${name} runtime ${props.Runtime}`).toBeGreaterThanOrEqual(22);
      expect(props.Architectures, name).toEqual(['arm64']);
      expect(props.TracingConfig?.Mode, name).toBe('Active');
    }
  });

  it('gives every Lambda function (CDK helpers too) its own log group with a retention', () => {
    const groups = resourcesOf(s.template, 'AWS::Logs::LogGroup');
    const fns = Object.entries(resourcesOf(s.template, 'AWS::Lambda::Function'));
    const used = new Set<string>();
    for (const [id, fn] of fns) {
      const group = refOf((fn.Properties as unknown as FunctionProps).LoggingConfig?.LogGroup);
      expect(group && groups[group], `${id} has an explicit log group`).toBeTruthy();
      expect(groups[group!]!.Properties!.RetentionInDays, `${id} log retention`).toBeGreaterThan(0);
      expect(used.has(group!), `${id} shares its log group`).toBe(false);
      used.add(group!);
    }
  });

  it('hands every API function the same runtime contract', () => {
    const contract = [
      'TABLE_NAME',
      'USER_POOL_ID',
      'USER_POOL_CLIENT_ID',
      'CURSOR_SECRET_ARN',
      'TENANT_ROLE_ARN',
      'CONSOLE_ORIGIN',
      'APP_VERSION',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_LOG_LEVEL',
      'NODE_OPTIONS',
    ];
    const version = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
    for (const [name, { props }] of ourFunctions()) {
      const env = props.Environment!.Variables;
      expect(env).toMatchObject({
        APP_VERSION: version,
        POWERTOOLS_SERVICE_NAME: name,
        POWERTOOLS_METRICS_NAMESPACE: 'CloudOptima',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
      if (name === 'smoke') continue;
      expect(Object.keys(env).sort(), name).toEqual([...contract].sort());
      expect(refOf(env.TENANT_ROLE_ARN)).toBe(tenantRoleId());
      expect(refOf(env.CURSOR_SECRET_ARN)).toBe(only('AWS::SecretsManager::Secret')[0]);
      expect(refOf(env.TABLE_NAME)).toBe(only('AWS::DynamoDB::Table')[0]);
    }
  });
});

describe('data', () => {
  it('is the single table of shared/db/table.ts: keys, GSIs, TTL, PITR, KMS, deletion protection', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] } },
      DeletionProtectionEnabled: true,
    });
    const indexes = table.Properties!.GlobalSecondaryIndexes as { IndexName: string; KeySchema: { AttributeName: string }[] }[];
    expect(indexes.map((i) => [i.IndexName, ...i.KeySchema.map((k) => k.AttributeName)])).toEqual(
      TABLE.globalSecondaryIndexes.map((i) => [i.indexName, i.partitionKey, i.sortKey]),
    );
    const attributes = (table.Properties!.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => a.AttributeName);
    expect(attributes.sort()).toEqual([TABLE.partitionKey, TABLE.sortKey, ...TABLE.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])].sort());
  });

  it('lets a throw-away stack drop its data (protect: false)', () => {
    const stack = new Stack(new App(), 'Scratch');
    new Data(stack, 'Data', { protect: false });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});

describe('tenant isolation in IAM', () => {
  it('trusts only the domain roles that act for a tenant, and only with a TenantId session tag', () => {
    const role = resourcesOf(s.template, 'AWS::IAM::Role')[tenantRoleId()]!.Properties!;
    expect(role.MaxSessionDuration).toBe(3600);
    const trust = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toHaveLength(1);
    const [statement] = trust;
    expect(actionsOf(statement!).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(statement!.Condition).toEqual({
      StringLike: { 'aws:RequestTag/TenantId': '?*' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['TenantId'] },
    });
    const trusted = ([(statement!.Principal as { AWS: unknown }).AWS].flat() as unknown[]).map(refOf).sort();
    const fns = ourFunctions();
    const expected = (Object.keys(FUNCTION_ACCESS) as FunctionName[]).filter((n) => FUNCTION_ACCESS[n].tenantData).map((n) => fns.get(n)!.roleId);
    expect(trusted).toEqual(expected.sort());
  });

  it("limits the role's table access to TENANT#${aws:PrincipalTag/TenantId}#* on the table and its indexes", () => {
    const statements = statementsOfRole(s.template, tenantRoleId());
    const dynamo = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(TENANT_LEADING_KEYS).toBe('TENANT#${aws:PrincipalTag/TenantId}#*');
    expect(dynamo[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#${aws:PrincipalTag/TenantId}#*'] } });
    expect(actionsOf(dynamo[0]!)).not.toContain('dynamodb:Scan');
    const tableId = only('AWS::DynamoDB::Table')[0];
    expect(JSON.stringify(dynamo[0]!.Resource)).toContain(`{"Fn::GetAtt":["${tableId}","Arn"]},"/index/*"`);
  });

  it('grants each function exactly its row of lib/function-access.ts', () => {
    const tenantRole = tenantRoleId();
    for (const [name, { roleId }] of ourFunctions()) {
      const access = FUNCTION_ACCESS[name as FunctionName];
      const statements = statementsOfRole(s.template, roleId);
      const actions = statements.flatMap(actionsOf);

      // Table: one statement per grant, each with its LeadingKeys condition; never a Scan.
      const dynamo = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
      expect(
        dynamo.map((st) => ({ actions: actionsOf(st).map((a) => a.replace('dynamodb:', '')).sort(), keys: st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] })),
        name,
      ).toEqual((access.table ?? []).map((g) => ({ actions: [...g.actions].sort(), keys: [...g.leadingKeys] })));
      expect(actions, name).not.toContain('dynamodb:Scan');

      const assumes = statements.filter((st) => actionsOf(st).includes('sts:AssumeRole'));
      if (access.tenantData) {
        expect(assumes, name).toHaveLength(1);
        expect(actionsOf(assumes[0]!).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
        expect(refOf(assumes[0]!.Resource)).toBe(tenantRole);
      } else {
        expect(assumes, name).toHaveLength(0);
      }

      expect(actions.filter((a) => a.startsWith('cognito-idp:')).sort(), name).toEqual((access.userPool ?? []).map((a) => `cognito-idp:${a}`).sort());
      expect(actions.includes('secretsmanager:GetSecretValue'), name).toBe(access.cursorSecret === true);
      expect(actions.some((a) => a.startsWith('kms:Encrypt') || a.startsWith('kms:GenerateDataKey')), name).toBe(
        (access.table ?? []).some((g) => g.actions.some((a) => !['GetItem', 'Query', 'BatchGetItem', 'ConditionCheckItem'].includes(a))),
      );
    }
  });

  it('grants no dynamodb:Scan and no unconditioned table access anywhere in the stack', () => {
    for (const [id, policy] of Object.entries(resourcesOf(s.template, 'AWS::IAM::Policy'))) {
      for (const st of (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (!actionsOf(st).some((a) => a.startsWith('dynamodb:'))) continue;
        expect(actionsOf(st), id).not.toContain('dynamodb:Scan');
        expect(st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'], `${id} has a LeadingKeys condition`).toBeDefined();
      }
    }
  });
});

describe('encryption everywhere', () => {
  it('uses customer-managed KMS keys with rotation for the table, the secret and the alerts topic', () => {
    for (const [id, key] of Object.entries(resourcesOf(s.template, 'AWS::KMS::Key'))) expect(key.Properties!.EnableKeyRotation, id).toBe(true);
    const [, secret] = only('AWS::SecretsManager::Secret');
    expect(refOf(secret.Properties!.KmsKeyId)).toMatch(/^DataKey/);
    expect(secret.Properties!.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    const [, topic] = only('AWS::SNS::Topic');
    expect(refOf(topic.Properties!.KmsMasterKeyId)).toMatch(/^AlertsKey/);
  });

  it('encrypts the dead-letter queue and every bucket, and refuses plain HTTP to them', () => {
    const [queueId, queue] = only('AWS::SQS::Queue');
    expect(queue.Properties!.SqsManagedSseEnabled === true || queue.Properties!.KmsMasterKeyId !== undefined).toBe(true);
    for (const [id, bucket] of Object.entries(resourcesOf(s.template, 'AWS::S3::Bucket'))) {
      expect(bucket.Properties!.BucketEncryption, id).toBeDefined();
      expect(bucket.Properties!.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    const denyInsecure = { Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const policies = [
      ...Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')),
      ...Object.values(resourcesOf(s.template, 'AWS::SQS::QueuePolicy')).filter((p) => JSON.stringify(p).includes(queueId)),
      ...Object.values(resourcesOf(s.template, 'AWS::SNS::TopicPolicy')),
    ];
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect((policy.Properties!.PolicyDocument as { Statement: unknown[] }).Statement).toEqual(expect.arrayContaining([expect.objectContaining(denyInsecure)]));
    }
  });
});

describe('identity', () => {
  it('matches local/cognito.ts and the password rule at the edge', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    const edge = z.toJSONSchema(password) as { minLength: number };
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameConfiguration: { CaseSensitive: false },
      Policies: {
        PasswordPolicy: { MinimumLength: edge.minLength, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
    });
    expect(pool.Properties!.Schema).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'email', Required: true }),
        expect.objectContaining({ Name: 'tenantId', AttributeDataType: 'String', Mutable: false }),
      ]),
    );
  });

  it('has one group per role, admin first', () => {
    const groups = Object.values(resourcesOf(s.template, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties as { GroupName: string; Precedence: number });
    expect(groups.sort((a, b) => a.Precedence - b.Precedence).map((g) => g.GroupName)).toEqual([...ROLES].reverse());
  });

  it("gives the console a public client with exactly the flows shared/identity/cognito.ts uses", () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 43200,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      AllowedOAuthFlowsUserPoolClient: false,
    });
  });
});

describe('console', () => {
  it('serves a private bucket through CloudFront with origin access control, HTTPS, SPA routing and logs', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const config = distribution.Properties!.DistributionConfig as Record<string, unknown>;
    expect(config).toMatchObject({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
      CustomErrorResponses: [
        { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
      ],
      Logging: { Bucket: { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleLogs/), 'RegionalDomainName'] } },
    });
    const origins = config.Origins as { OriginAccessControlId?: unknown; S3OriginConfig?: { OriginAccessIdentity: string } }[];
    expect(refOf(origins[0]!.OriginAccessControlId)).toBe(only('AWS::CloudFront::OriginAccessControl')[0]);
    expect(origins[0]!.S3OriginConfig?.OriginAccessIdentity).toBe('');
  });

  it('sends security headers and a CSP that lets the app call the API origin only', () => {
    const [, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    const headers = (policy.Properties!.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    const csp = JSON.stringify(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    const restApiId = only('AWS::ApiGateway::RestApi')[0];
    expect(csp).toMatch(new RegExp(`connect-src 'self' https://",\\{"Ref":"${restApiId}"\\},".execute-api.`));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // The placeholder's inline script is allowed by its exact hash, and nothing else inline is.
    const html = readFileSync(repoPath(CONSOLE_SOURCE, 'index.html'), 'utf8');
    const script = html.slice(html.indexOf('>', html.indexOf('<script')) + 1, html.indexOf('</script>'));
    expect(csp).toContain(`script-src 'self' 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('uploads the console with a config.json naming the API and the user pool', () => {
    const [, deployment] = only('Custom::CDKBucketDeployment');
    const markers = JSON.stringify(deployment.Properties!.SourceMarkers);
    expect(markers).toContain(only('AWS::Cognito::UserPool')[0]);
    expect(markers).toContain(only('AWS::Cognito::UserPoolClient')[0]);
    expect(markers).toContain(only('AWS::ApiGateway::RestApi')[0]);
  });
});

describe('workflows, alerts and observability', () => {
  it('deploys the smoke ASL file as it is, with the smoke function substituted, traced and error-logged', () => {
    const [, machine] = only('AWS::StepFunctions::StateMachine');
    const props = machine.Properties as {
      DefinitionString: string;
      DefinitionSubstitutions: Record<string, unknown>;
      LoggingConfiguration: { Level: string; IncludeExecutionData: boolean };
      TracingConfiguration: { Enabled: boolean };
      RoleArn: unknown;
    };
    const file = readFileSync(repoPath('state-machines', 'smoke.asl.json'), 'utf8');
    expect(JSON.parse(props.DefinitionString)).toEqual(JSON.parse(file));
    expect(file).toContain('${SmokeStepFunctionArn}');
    const smoke = ourFunctions().get('smoke')!;
    expect(props.DefinitionSubstitutions).toEqual({ SmokeStepFunctionArn: { 'Fn::GetAtt': [smoke.id, 'Arn'] } });
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
    expect(props.TracingConfiguration.Enabled).toBe(true);
    const invokes = statementsOfRole(s.template, refOf(props.RoleArn)!).filter((st) => actionsOf(st).some((a) => a.startsWith('lambda:')));
    expect(invokes).toEqual([expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [smoke.id, 'Arn'] } })]);
  });

  it('alarms to the alerts topic on 5xx, throttles, authorizer errors and DLQ depth', () => {
    const [topicId] = only('AWS::SNS::Topic');
    const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, unknown>);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    const byMetric = (namespace: string, metric: string) => alarms.filter((a) => a.Namespace === namespace && a.MetricName === metric);
    expect(byMetric('AWS/ApiGateway', '5XXError')).toHaveLength(1);
    expect(byMetric('AWS/ApiGateway', '5XXError')[0]).toMatchObject({ Period: 300, Statistic: 'Sum' });
    expect(byMetric('AWS/Lambda', 'Throttles')).toHaveLength(Object.keys(FUNCTION_ENTRIES).length);
    const errors = byMetric('AWS/Lambda', 'Errors');
    expect(errors).toHaveLength(1);
    expect(refOf((errors[0]!.Dimensions as { Value: unknown }[])[0]!.Value)).toBe(ourFunctions().get('authorizer')!.id);
    expect(byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    only('AWS::CloudWatch::Dashboard');
  });
});
