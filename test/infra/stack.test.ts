import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROLES } from '#shared/auth/permissions.js';
import { password } from '#shared/contracts/common.js';
import { config } from '#shared/config.js';
import { TABLE } from '#shared/db/table.js';
import { FUNCTION_ENTRIES } from '#shared/functions.js';
import { tenantObjectKey } from '#shared/storage/object-store.js';
import { CONSOLE_SOURCE } from '../../lib/console.js';
import { Data } from '../../lib/data.js';
import { CUSTOMER_ROLES, FUNCTION_ACCESS, type FunctionName, TENANT_LEADING_KEYS, TENANT_OBJECTS, profileOf } from '../../lib/function-access.js';
import { stateMachineArnVariable } from '../../lib/functions.js';
import { repoPath } from '../../lib/repo.js';
import { PARTIAL_OBJECT_TAG, Storage, objectsUploadOrigin } from '../../lib/storage.js';
import { STATE_MACHINES, type StateMachineName, selfStarted } from '../../lib/workflows.js';
import { type Statement, type Synthesized, actionsOf, refOf, resourcesOf, statementsOfRole, synthesize } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

/** The operators' alarm topic (lib/alerts.ts) and the tenants' alert email topic (lib/alert-channels.ts). */
const topicNamed = (prefix: string) => {
  const all = Object.entries(resourcesOf(s.template, 'AWS::SNS::Topic')).filter(([id]) => id.startsWith(prefix));
  expect(all, prefix).toHaveLength(1);
  return all[0]!;
};
const operatorTopic = () => topicNamed('AlertsTopic');
const tenantAlertsTopic = () => topicNamed('AlertChannelsTenantAlerts');

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

/** The objects bucket: the one bucket encrypted with a KMS key. */
const objectsBucket = () => {
  const found = Object.entries(resourcesOf(s.template, 'AWS::S3::Bucket')).filter(([id]) => id.startsWith('StorageObjects'));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const objectsKeyId = () => {
  const ids = Object.keys(resourcesOf(s.template, 'AWS::KMS::Key')).filter((id) => id.startsWith('StorageKey'));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

/** The state machine whose definition names this placeholder (each names its one task function). */
/**
 * How a function names a workflow it starts: a reference to the machine, or for a machine its own
 * task starts (lib/workflows.ts selfStarted), the ARN formatted from the machine's fixed name.
 */
const startTarget = (workflow: StateMachineName, value: unknown): string | undefined => {
  if (!selfStarted(workflow)) return refOf(value);
  const { id, props } = stateMachine(workflow);
  const name = (props as unknown as { StateMachineName?: string }).StateMachineName;
  expect(name, workflow).toBe(`CloudOptima-${workflow}`);
  const joined = JSON.stringify(value);
  return joined.includes(`:stateMachine:${name}`) && joined.includes('AWS::AccountId') && joined.includes('AWS::Region') ? id : undefined;
};

const stateMachine = (name: StateMachineName) => {
  const { placeholder } = STATE_MACHINES[name];
  const found = Object.entries(resourcesOf(s.template, 'AWS::StepFunctions::StateMachine')).filter(
    ([, m]) => placeholder in ((m.Properties!.DefinitionSubstitutions ?? {}) as object),
  );
  expect(found, name).toHaveLength(1);
  return { id: found[0]![0], props: found[0]![1].Properties as unknown as StateMachineProps };
};

interface StateMachineProps {
  DefinitionString: string;
  DefinitionSubstitutions: Record<string, unknown>;
  LoggingConfiguration: { Level: string; IncludeExecutionData: boolean };
  TracingConfiguration: { Enabled: boolean };
  RoleArn: unknown;
}

/** A CloudFormation string value written out, references as `${Id}`, `${Id.Attr}`: for reading joined strings. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  if ('Ref' in v) return `\${${String(v.Ref)}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** IAM glob match (`*` any run of characters), as IAM matches a resource ARN or a condition value. */
const globMatches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

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

  it('hands each function the runtime contract its kind and its row need, and nothing else', () => {
    const always = ['APP_VERSION', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS'];
    // What functionRuntime() reads; API functions (and the authorizer) also the pool and the console.
    const runtime = ['TABLE_NAME', 'CURSOR_SECRET_ARN', 'TENANT_ROLE_ARN'];
    const api = [...runtime, 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'CONSOLE_ORIGIN'];
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
      const access = FUNCTION_ACCESS[name as FunctionName];
      const base = profileOf(name as FunctionName).kind !== 'workflow' ? api : access.tenantData || access.cursorSecret ? runtime : [];
      const extra = [
        ...(access.objects ? ['OBJECTS_BUCKET'] : []),
        ...(access.startWorkflows ?? []).map(stateMachineArnVariable),
        // The accounts API names the published onboarding templates in its quick-create links.
        ...(access.customerRoles ? ['PLATFORM_ACCOUNT_ID', ...(name === 'accounts' ? ['ONBOARDING_TEMPLATE_URL', 'ORGANIZATION_TEMPLATE_URL'] : [])] : []),
        ...(access.alertChannels ? ['ALERTS_TOPIC_ARN', 'CONSOLE_URL'] : []),
      ];
      expect(Object.keys(env).sort(), name).toEqual([...always, ...base, ...extra].sort());
      if (base.length) {
        expect(refOf(env.TENANT_ROLE_ARN)).toBe(tenantRoleId());
        expect(refOf(env.CURSOR_SECRET_ARN)).toBe(only('AWS::SecretsManager::Secret')[0]);
        expect(refOf(env.TABLE_NAME)).toBe(only('AWS::DynamoDB::Table')[0]);
      }
      if (access.objects) expect(refOf(env.OBJECTS_BUCKET), name).toBe(objectsBucket()[0]);
      for (const workflow of access.startWorkflows ?? []) expect(startTarget(workflow, env[stateMachineArnVariable(workflow)]), name).toBe(stateMachine(workflow).id);
      // The account customers' roles trust: this stack's own.
      if (access.customerRoles) expect(env.PLATFORM_ACCOUNT_ID, name).toEqual({ Ref: 'AWS::AccountId' });
    }
  });

  it('gives billing the bucket and the ingestion state machine, and ingest the bucket and the tenant runtime', () => {
    const fns = ourFunctions();
    const billing = fns.get('billing')!.props.Environment!.Variables;
    expect(refOf(billing.OBJECTS_BUCKET)).toBe(objectsBucket()[0]);
    expect(refOf(billing.INGESTION_STATE_MACHINE_ARN)).toBe(stateMachine('ingestion').id);
    const ingest = fns.get('ingest')!.props.Environment!.Variables;
    expect(refOf(ingest.OBJECTS_BUCKET)).toBe(objectsBucket()[0]);
    // Without TENANT_ROLE_ARN the runtime would use its own role for tenant items (and fail closed).
    expect(refOf(ingest.TENANT_ROLE_ARN)).toBe(tenantRoleId());
    expect(ingest).not.toHaveProperty('INGESTION_STATE_MACHINE_ARN');
  });

  it('names the variables shared/config.ts reads', () => {
    const saved = { ...process.env };
    try {
      process.env.OBJECTS_BUCKET = 'objects-bucket';
      process.env[stateMachineArnVariable('ingestion')] = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ingestion';
      expect(config.objectsBucket()).toBe('objects-bucket');
      expect(config.stateMachineArn('ingestion')).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:ingestion');
    } finally {
      process.env = saved;
    }
  });

  it('sizes each function by its profile: API functions stop before 29 s, ingest streams for 15 minutes at 3008 MB', () => {
    for (const [name, { id }] of ourFunctions()) {
      const props = resourcesOf(s.template, 'AWS::Lambda::Function')[id]!.Properties!;
      const profile = profileOf(name as FunctionName);
      expect({ memory: props.MemorySize, timeout: props.Timeout }, name).toEqual({ memory: profile.memorySize, timeout: profile.timeout.toSeconds() });
      if (profile.kind === 'api') expect(props.Timeout as number, name).toBeLessThan(30);
    }
    const ingest = resourcesOf(s.template, 'AWS::Lambda::Function')[ourFunctions().get('ingest')!.id]!.Properties!;
    expect(ingest).toMatchObject({ MemorySize: 3008, Timeout: 900 });
    // Default ephemeral storage (512 MB): the task streams, it spools nothing.
    expect(ingest.EphemeralStorage).toBeUndefined();
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

describe('objects bucket', () => {
  it('is private, owner-enforced, versioned, access-logged and encrypted with its own rotating key', () => {
    const [, bucket] = objectsBucket();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(resourcesOf(s.template, 'AWS::KMS::Key')[objectsKeyId()]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [objectsKeyId(), 'Arn'] } } },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^ConsoleLogs/) }, LogFilePrefix: 'objects/' },
    });
  });

  it('refuses plain HTTP and TLS below 1.2', () => {
    const [bucketId] = objectsBucket();
    const policies = Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')).filter((p) => refOf(p.Properties!.Bucket) === bucketId);
    expect(policies).toHaveLength(1);
    const statements = (policies[0]!.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
    // Nothing in the bucket policy grants anything: access comes from the function roles alone.
    expect(statements.filter((st) => st.Effect === 'Allow')).toEqual([]);
  });

  it('expires partial aggregates after 7 days, incomplete uploads after 1, old versions after 30', () => {
    const rules = (objectsBucket()[1].Properties!.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Status: 'Enabled',
          Prefix: 'tenants/',
          TagFilters: [{ Key: PARTIAL_OBJECT_TAG.key, Value: PARTIAL_OBJECT_TAG.value }],
          ExpirationInDays: 7,
        }),
        expect.objectContaining({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, ExpiredObjectDeleteMarker: true }),
      ]),
    );
    expect(rules).toHaveLength(3);
    // The partial rule's prefix does cover the keys the ingest step writes.
    expect(tenantObjectKey('t1', 'ingestions', 'i1', 'partials', 'u1.json').startsWith('tenants/')).toBe(true);
  });

  it('accepts cross-origin PUTs from the console origin only', () => {
    const cors = (objectsBucket()[1].Properties!.CorsConfiguration as { CorsRules: Record<string, unknown>[] }).CorsRules;
    expect(cors).toHaveLength(1);
    expect(cors[0]).toMatchObject({ AllowedMethods: ['PUT'], AllowedHeaders: ['Content-Type'] });
    expect(cors[0]!.AllowedOrigins).toEqual([{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleDistribution/), 'DomainName'] }]] }]);
  });

  it('puts every tenant object key under the prefix the grants allow', () => {
    expect(TENANT_OBJECTS).toBe('tenants/*');
    for (const key of [tenantObjectKey('t1', 'uploads', 'u1', 'cur.csv.gz'), tenantObjectKey('t1', 'ingestions', 'i1', 'partials', 'u1.json')]) {
      expect(globMatches(TENANT_OBJECTS, key), key).toBe(true);
    }
    expect(globMatches(TENANT_OBJECTS, 'other/t1/x')).toBe(false);
  });

  it('lets a throw-away stack drop the bucket and its key (protect: false)', () => {
    const stack = new Stack(new App(), 'Scratch');
    new Storage(stack, 'Storage', { protect: false, consoleOrigin: 'https://console.example', accessLogs: new s3.Bucket(stack, 'Logs') });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete', Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
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

      // Customers' roles: AssumeRole only, only on the onboarding template's path, only with a CloudOptima ExternalId.
      const customer = statements.filter((st) => actionsOf(st).includes('sts:AssumeRole') && st.Resource === CUSTOMER_ROLES);
      if (access.customerRoles) {
        expect(customer, name).toHaveLength(1);
        expect(actionsOf(customer[0]!), name).toEqual(['sts:AssumeRole']);
        expect(customer[0]!.Condition, name).toEqual({ StringLike: { 'sts:ExternalId': 'cloudoptima-*' } });
      } else {
        expect(customer, name).toHaveLength(0);
      }
      const assumes = statements.filter((st) => actionsOf(st).includes('sts:AssumeRole') && st.Resource !== CUSTOMER_ROLES);
      if (access.tenantData) {
        expect(assumes, name).toHaveLength(1);
        expect(actionsOf(assumes[0]!).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
        expect(refOf(assumes[0]!.Resource)).toBe(tenantRole);
      } else {
        expect(assumes, name).toHaveLength(0);
      }

      expect(actions.filter((a) => a.startsWith('cognito-idp:')).sort(), name).toEqual((access.userPool ?? []).map((a) => `cognito-idp:${a}`).sort());
      expect(actions.includes('secretsmanager:GetSecretValue'), name).toBe(access.cursorSecret === true);
      const tableKey = statements.filter((st) => JSON.stringify(st.Resource).includes('"DataKey'));
      expect(tableKey.flatMap(actionsOf).some((a) => a.startsWith('kms:Encrypt') || a.startsWith('kms:GenerateDataKey')), name).toBe(
        (access.table ?? []).some((g) => g.actions.some((a) => !['GetItem', 'Query', 'BatchGetItem', 'ConditionCheckItem'].includes(a))),
      );

      // Objects: S3 actions on tenants/* only, ListBucket only with the tenants/ prefix, the key only through S3.
      const o = access.objects ?? {};
      const s3Statements = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')));
      const objectActions = [
        ...(o.head || o.read ? ['s3:GetObject'] : []),
        ...(o.write || o.presignPut ? ['s3:PutObject'] : []),
        ...(o.write ? ['s3:PutObjectTagging'] : []),
        ...(o.delete ? ['s3:DeleteObject'] : []),
      ];
      const [bucketId] = objectsBucket();
      expect(
        s3Statements.map((st) => ({ actions: actionsOf(st).sort(), resource: st.Resource, condition: st.Condition })),
        name,
      ).toEqual([
        ...(objectActions.length ? [{ actions: objectActions.sort(), resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/tenants/*']] }, condition: undefined }] : []),
        ...(o.head || o.read
          ? [{ actions: ['s3:ListBucket'], resource: { 'Fn::GetAtt': [bucketId, 'Arn'] }, condition: { StringLike: { 's3:prefix': ['tenants/*'] } } }]
          : []),
      ]);
      const objectKey = statements.filter((st) => refOf(st.Resource) === objectsKeyId());
      const keyActions = [...(o.read ? ['kms:Decrypt'] : []), ...(o.write || o.presignPut ? ['kms:GenerateDataKey'] : [])];
      expect(objectKey.flatMap(actionsOf).sort(), name).toEqual(keyActions.sort());
      for (const st of objectKey) expect(JSON.stringify(st.Condition?.StringEquals?.['kms:ViaService']), name).toContain('"s3."');

      // Workflows: StartExecution on exactly the row's state machines (CDK merges them into one statement).
      const starts = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('states:')));
      const byMachine = (a: { machine?: string }, b: { machine?: string }) => String(a.machine).localeCompare(String(b.machine));
      expect(
        starts
          .flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map((r) => ({ actions: actionsOf(st), machine: (access.startWorkflows ?? []).map((w) => startTarget(w, r)).find(Boolean) })))
          .sort(byMachine),
        name,
      ).toEqual((access.startWorkflows ?? []).map((workflow) => ({ actions: ['states:StartExecution'], machine: stateMachine(workflow).id })).sort(byMachine));
    }
  });

  it('lets billing start only the ingestion and Cost Explorer collection workflows, presign and HEAD only under tenants/*, and never read a file', () => {
    const statements = statementsOfRole(s.template, ourFunctions().get('billing')!.roleId);
    const states = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('states:')));
    expect(states).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'states:StartExecution', Resource: expect.arrayContaining([{ Ref: stateMachine('ingestion').id }, { Ref: stateMachine('costexplorer').id }]) }),
    ]);
    expect(states[0]!.Resource).toHaveLength(2);
    const objects = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')) && !actionsOf(st).includes('s3:ListBucket'));
    expect(objects).toHaveLength(1);
    expect(actionsOf(objects[0]!).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(objects[0]!.Resource)).toBe(JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [objectsBucket()[0], 'Arn'] }, '/tenants/*']] }));
    // HEAD needs no key; without kms:Decrypt a GET of an upload fails, so billing cannot read tenants' exports.
    expect(statements.flatMap(actionsOf)).not.toContain('kms:Decrypt');
  });

  it('lets ingest read, write and delete under tenants/*, and nothing in any other bucket', () => {
    const statements = statementsOfRole(s.template, ourFunctions().get('ingest')!.roleId);
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 'kms:Decrypt', 'kms:GenerateDataKey']));
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('states:')).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging']);
    // Versioned bucket: deleting leaves a noncurrent version; nobody may remove versions.
    expect(actions).not.toContain('s3:DeleteObjectVersion');
  });

  it('grants no function any object outside tenants/ of the objects bucket', () => {
    const [bucketId] = objectsBucket();
    for (const { roleId } of ourFunctions().values()) {
      for (const st of statementsOfRole(s.template, roleId)) {
        if (!actionsOf(st).some((a) => a.startsWith('s3:'))) continue;
        const resource = JSON.stringify(st.Resource);
        if (actionsOf(st).includes('s3:ListBucket')) {
          expect(st.Condition).toEqual({ StringLike: { 's3:prefix': ['tenants/*'] } });
          expect(resource).toBe(JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] }));
        } else {
          expect(resource).toBe(JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/tenants/*']] }));
        }
      }
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
  it('uses customer-managed KMS keys with rotation for the table, the secret, the objects bucket and the alerts topic', () => {
    for (const [id, key] of Object.entries(resourcesOf(s.template, 'AWS::KMS::Key'))) expect(key.Properties!.EnableKeyRotation, id).toBe(true);
    const [, secret] = only('AWS::SecretsManager::Secret');
    expect(refOf(secret.Properties!.KmsKeyId)).toMatch(/^DataKey/);
    expect(secret.Properties!.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    const [, topic] = operatorTopic();
    expect(refOf(topic.Properties!.KmsMasterKeyId)).toMatch(/^AlertsKey/);
    // Tenants' alert email (lib/alert-channels.ts): the AWS managed SNS key, so subscribers and publishers need no key grants.
    const [, tenantTopic] = tenantAlertsTopic();
    expect(JSON.stringify(tenantTopic.Properties!.KmsMasterKeyId)).toContain('alias/aws/sns');
    expect(Object.keys(resourcesOf(s.template, 'AWS::KMS::Key')).sort()).toEqual([expect.stringMatching(/^AlertsKey/), expect.stringMatching(/^DataKey/), objectsKeyId()]);
  });

  it('encrypts the dead-letter queue and every bucket, and refuses plain HTTP to them', () => {
    const [queueId, queue] = only('AWS::SQS::Queue');
    expect(queue.Properties!.SqsManagedSseEnabled === true || queue.Properties!.KmsMasterKeyId !== undefined).toBe(true);
    for (const [id, bucket] of Object.entries(resourcesOf(s.template, 'AWS::S3::Bucket'))) {
      expect(bucket.Properties!.BucketEncryption, id).toBeDefined();
      // The one public bucket: the onboarding templates, public by bucket policy on onboarding/* only ('onboarding templates' below).
      const published = id.startsWith('OnboardingTemplates');
      expect(bucket.Properties!.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: !published,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: !published,
      });
    }
    const denyInsecure = { Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const policies = [
      ...Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')),
      ...Object.values(resourcesOf(s.template, 'AWS::SQS::QueuePolicy')).filter((p) => JSON.stringify(p).includes(queueId)),
      ...Object.values(resourcesOf(s.template, 'AWS::SNS::TopicPolicy')),
    ];
    // The console's logs and site buckets, the objects bucket, the onboarding templates bucket, the queue, the operators' and the tenants' alert topics.
    expect(policies).toHaveLength(7);
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

  it('sends security headers and a CSP that lets the app call the API and upload to the objects bucket only', () => {
    const [, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    const headers = (policy.Properties!.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    const csp = JSON.stringify(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    const restApiId = only('AWS::ApiGateway::RestApi')[0];
    expect(csp).toMatch(new RegExp(`connect-src 'self' https://",\\{"Ref":"${restApiId}"\\},".execute-api.`));
    // The upload origin is the bucket's own: its name is fixed, so CSP and bucket agree without a cycle.
    const connect = render(headers.ContentSecurityPolicy!.ContentSecurityPolicy).match(/connect-src ([^;]*)/)![1]!.split(' ');
    const bucketName = render(objectsBucket()[1].Properties!.BucketName);
    expect(bucketName).toBe('cloudoptima-objects-${AWS::AccountId}-${AWS::Region}');
    expect(render(s.stack.resolve(objectsUploadOrigin(s.stack)))).toBe(`https://${bucketName}.s3.\${AWS::Region}.\${AWS::URLSuffix}`);
    expect(connect).toEqual([
      "'self'",
      `https://\${${restApiId}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`,
      `https://${bucketName}.s3.\${AWS::Region}.\${AWS::URLSuffix}`,
    ]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // The built console (web/dist) has no inline script or style: both come from its own origin only.
    const html = readFileSync(repoPath(CONSOLE_SOURCE, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module"[^>]*src="\/assets\//);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
  });

  it('uploads the console with a config.json naming the API and the user pool', () => {
    const [siteBucket] = Object.entries(resourcesOf(s.template, 'AWS::S3::Bucket')).find(([id]) => id.startsWith('ConsoleSite'))!;
    const deployments = Object.values(resourcesOf(s.template, 'Custom::CDKBucketDeployment'));
    const deployment = deployments.find((d) => JSON.stringify(d.Properties!.DestinationBucketName) === JSON.stringify({ Ref: siteBucket }))!;
    expect(deployment).toBeDefined();
    const markers = JSON.stringify(deployment.Properties!.SourceMarkers);
    expect(markers).toContain(only('AWS::Cognito::UserPool')[0]);
    expect(markers).toContain(only('AWS::Cognito::UserPoolClient')[0]);
    expect(markers).toContain(only('AWS::ApiGateway::RestApi')[0]);
  });
});

describe('onboarding templates', () => {
  const templatesBucket = () => {
    const all = Object.entries(resourcesOf(s.template, 'AWS::S3::Bucket')).filter(([id]) => id.startsWith('OnboardingTemplates'));
    expect(all).toHaveLength(1);
    return all[0]!;
  };

  it('publishes both templates in a bucket readable by anyone on onboarding/* only, ACLs blocked, TLS only', () => {
    const [id, bucket] = templatesBucket();
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const policy = Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties!.Bucket) === JSON.stringify({ Ref: id }))!;
    const statements = (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
    const publicRead = statements.filter((st) => st.Effect === 'Allow' && JSON.stringify(st.Principal) === JSON.stringify({ AWS: '*' }));
    expect(publicRead).toHaveLength(1);
    expect(publicRead[0]!.Action).toBe('s3:GetObject');
    expect(JSON.stringify(publicRead[0]!.Resource)).toContain('/onboarding/*');
    expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'))).toBe(true);

    const upload = Object.values(resourcesOf(s.template, 'Custom::CDKBucketDeployment')).find((d) => JSON.stringify(d.Properties!.DestinationBucketName) === JSON.stringify({ Ref: id }))!;
    expect(upload.Properties!.DestinationBucketKeyPrefix).toMatch(/^onboarding\/[0-9a-f]{16}\/$/);
  });

  it("gives the accounts function both templates' URLs for the quick-create links", () => {
    const [id] = templatesBucket();
    const env = JSON.stringify(ourFunctions().get('accounts')!.props.Environment!.Variables);
    for (const name of ['ONBOARDING_TEMPLATE_URL', 'ORGANIZATION_TEMPLATE_URL']) expect(env).toContain(name);
    expect(env).toContain(id);
    expect(env).toMatch(/onboarding\/[0-9a-f]{16}\/onboarding-template\.json/);
    expect(env).toMatch(/onboarding\/[0-9a-f]{16}\/organization-template\.json/);
  });
});

describe('workflows, alerts and observability', () => {
  it.each(Object.keys(STATE_MACHINES) as StateMachineName[])(
    'deploys the %s ASL file as it is, with its task function substituted, traced and error-logged',
    (name) => {
      const { file, placeholder, task, moreTasks } = STATE_MACHINES[name];
      const { props } = stateMachine(name);
      const asl = readFileSync(repoPath('state-machines', file), 'utf8');
      expect(JSON.parse(props.DefinitionString)).toEqual(JSON.parse(asl));
      // Every placeholder in the file is one substituted (the local runner substitutes the same).
      const tasks: Record<string, FunctionName> = { [placeholder]: task, ...moreTasks };
      expect(new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))).toEqual(new Set(Object.keys(tasks)));
      const arnOf = (fn: FunctionName) => ({ 'Fn::GetAtt': [ourFunctions().get(fn)!.id, 'Arn'] });
      expect(props.DefinitionSubstitutions).toEqual(Object.fromEntries(Object.entries(tasks).map(([p, fn]) => [p, arnOf(fn)])));
      expect(props.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
      expect(props.TracingConfiguration.Enabled).toBe(true);
      // It may invoke its task functions and nothing else.
      const invokes = statementsOfRole(s.template, refOf(props.RoleArn)!).filter((st) => actionsOf(st).some((a) => a.startsWith('lambda:')));
      const resources = Object.values(tasks).map(arnOf);
      expect(invokes).toEqual([expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: resources.length === 1 ? resources[0] : resources })]);
    },
  );

  it('collects every connected account daily: one rule starting the collection workflow with the schedule trigger', () => {
    const rules = Object.values(resourcesOf(s.template, 'AWS::Events::Rule')).map((r) => r.Properties as Record<string, any>);
    const collection = rules.filter((r) => (r.Targets ?? []).some((t: any) => refOf(t.Arn) === stateMachine('collection').id));
    expect(collection).toHaveLength(1);
    expect(collection[0]).toMatchObject({ ScheduleExpression: 'cron(0 5 * * ? *)', State: 'ENABLED' });
    expect(JSON.parse(collection[0]!.Targets[0].Input)).toEqual({ trigger: 'schedule', tenantId: null });
    // It runs before the daily analysis (07:00 UTC), so the day's inventory is fresh.
    expect(STATE_MACHINES.collection).toMatchObject({ file: 'collection.asl.json', task: 'collect', moreTasks: { CollectEc2FunctionArn: 'collect-ec2', CollectServicesFunctionArn: 'collect-services' } });
  });

  it('runs billing ingestion with the ingest function, the same file the local runner executes', () => {
    expect(STATE_MACHINES.ingestion).toMatchObject({ file: 'ingestion.asl.json', placeholder: 'IngestFunctionArn', task: 'ingest' });
    const { props } = stateMachine('ingestion');
    expect(props.DefinitionSubstitutions).toEqual({ IngestFunctionArn: { 'Fn::GetAtt': [ourFunctions().get('ingest')!.id, 'Arn'] } });
    // The state machine depends on ingest only; billing (which starts it) depends on the machine.
    expect(JSON.stringify(props)).not.toContain(ourFunctions().get('billing')!.id);
  });

  it("grants tenants' alert channels exactly per their alertChannels rows: secrets under cloudoptima/alert-channels/ and the tenant alerts topic", () => {
    const [tenantTopicId] = tenantAlertsTopic();
    for (const [name, { roleId }] of ourFunctions()) {
      const row = FUNCTION_ACCESS[name as FunctionName].alertChannels;
      const statements = statementsOfRole(s.template, roleId);
      const channelSecrets = statements.filter((st) => JSON.stringify(st.Resource).includes('secret:cloudoptima/alert-channels/*'));
      const onTopic = statements.filter((st) => JSON.stringify(st.Resource).includes(tenantTopicId));
      if (!row) {
        expect(channelSecrets, name).toEqual([]);
        expect(onTopic, name).toEqual([]);
        continue;
      }
      expect(channelSecrets.flatMap(actionsOf).sort(), name).toEqual(
        row === 'manage' ? ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:GetSecretValue'] : ['secretsmanager:GetSecretValue'],
      );
      expect(onTopic.flatMap(actionsOf).sort(), name).toEqual(
        row === 'manage' ? ['sns:GetSubscriptionAttributes', 'sns:Publish', 'sns:Subscribe', 'sns:Unsubscribe'] : ['sns:GetSubscriptionAttributes', 'sns:Publish'],
      );
      // Nothing else in Secrets Manager beyond the cursor secret, and no other topic.
      for (const st of statements.filter((x) => actionsOf(x).some((a) => a.startsWith('secretsmanager:') || a.startsWith('sns:')))) {
        expect(channelSecrets.includes(st) || onTopic.includes(st) || refOf(st.Resource) === only('AWS::SecretsManager::Secret')[0], `${name}: ${JSON.stringify(st)}`).toBe(true);
      }
    }
    expect(Object.entries(FUNCTION_ACCESS).filter(([, a]) => a.alertChannels).map(([n, a]) => `${n}:${a.alertChannels}`).sort()).toEqual(['alerts:manage', 'analyze:send']);
  });

  it('alarms to the alerts topic on 5xx, throttles, authorizer errors, DLQ depth and failed workflow executions', () => {
    const [topicId] = operatorTopic();
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
    const failed = byMetric('AWS/States', 'ExecutionsFailed');
    expect(failed.map((a) => refOf((a.Dimensions as { Name: string; Value: unknown }[]).find((d) => d.Name === 'StateMachineArn')!.Value)).sort()).toEqual(
      (Object.keys(STATE_MACHINES) as StateMachineName[]).map((name) => stateMachine(name).id).sort(),
    );
    for (const alarm of failed) expect(alarm).toMatchObject({ Period: 300, Statistic: 'Sum', TreatMissingData: 'notBreaching' });
    only('AWS::CloudWatch::Dashboard');
  });
});
