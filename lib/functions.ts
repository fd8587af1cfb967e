import { existsSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUNDLE_DIR, FUNCTION_ENTRIES } from '#shared/functions.js';
import type { WorkflowName } from '#shared/workflows.js';
import type { Auth } from './auth.js';
import { type Data, TenantDataRole, tableKeyStatement } from './data.js';
import { CUSTOMER_ROLES, FUNCTION_ACCESS, type FunctionName, READ_ACTIONS, TENANT_OBJECTS, profileOf } from './function-access.js';
import { acknowledge, nagArn } from './nag.js';
import { LOG_RETENTION } from './observability.js';
import { APP_VERSION, repoPath } from './repo.js';
import { selfStarted, selfStartedArn } from './workflows.js';
import type { Storage } from './storage.js';

/** The newest Node.js runtime this aws-cdk-lib knows; the functions are bundled for node22 or later. */
export const RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The variable shared/config.ts's stateMachineArn(workflow) reads. */
export const stateMachineArnVariable = (workflow: WorkflowName): string => `${workflow.toUpperCase()}_STATE_MACHINE_ARN`;

export interface FunctionsProps {
  data: Data;
  auth: Auth;
  storage: Storage;
  /** The console's origin, for CORS on answers the handlers build. */
  consoleOrigin: string;
  /** Where the onboarding template is published (S3 URL), for the quick-create link. */
  onboardingTemplateUrl?: string;
  /** The same for the organization template. */
  organizationTemplateUrl?: string;
  /** The assistant's Bedrock model or inference profile id; unset: the local engine answers. */
  assistantModelId?: string;
}

/**
 * Every Lambda function of the product (shared/functions.ts), from the bundles bin/bundle.ts built:
 * one role each, holding exactly what lib/function-access.ts grants it, one log group each, arm64,
 * traced. The tenant data role is made here because it trusts the domain roles by ARN.
 */
export class Functions extends Construct {
  readonly byName: Readonly<Record<FunctionName, lambda.Function>>;
  readonly tenantData: TenantDataRole;
  private readonly roles: Readonly<Record<FunctionName, iam.Role>>;
  private workflowsConnected = false;

  constructor(scope: Construct, id: string, { data, auth, storage, consoleOrigin, onboardingTemplateUrl, organizationTemplateUrl, assistantModelId }: FunctionsProps) {
    super(scope, id);
    const names = functionNames();

    // Roles first: the tenant data role's trust policy names them, and the functions need its ARN.
    const roles = Object.fromEntries(
      names.map((name) => [
        name,
        new iam.Role(this, `${name}-role`, {
          assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
          description: `CloudOptima ${name} function`,
        }),
      ]),
    ) as Record<FunctionName, iam.Role>;

    this.tenantData = new TenantDataRole(this, 'TenantDataRole', {
      table: data.table,
      key: data.key,
      trustedRoles: names.filter((name) => FUNCTION_ACCESS[name].tenantData).map((name) => roles[name]),
    });

    // The runtime contract shared/config.ts reads. functionRuntime() (shared/runtime.ts) needs the
    // table, the cursor secret and the tenant data role; API functions also the pool and the console.
    const runtimeEnvironment: Record<string, string> = {
      TABLE_NAME: data.table.tableName,
      CURSOR_SECRET_ARN: data.cursorSecret.secretArn,
      TENANT_ROLE_ARN: this.tenantData.role.roleArn,
    };
    const apiEnvironment: Record<string, string> = {
      ...runtimeEnvironment,
      USER_POOL_ID: auth.userPool.userPoolId,
      USER_POOL_CLIENT_ID: auth.client.userPoolClientId,
      CONSOLE_ORIGIN: consoleOrigin,
    };
    const environmentOf = (name: FunctionName): Record<string, string> => {
      const access = FUNCTION_ACCESS[name];
      const { kind } = profileOf(name);
      // A workflow task that acts for tenants builds the same runtime; one that touches no data gets none.
      const base = kind !== 'workflow' ? apiEnvironment : access.tenantData || access.cursorSecret ? runtimeEnvironment : {};
      // Functions that reach customers' accounts know which account their roles trust.
      const customer = access.customerRoles
        ? {
            PLATFORM_ACCOUNT_ID: Stack.of(this).account,
            // The accounts API names the published onboarding templates in its quick-create links.
            ...(name === 'accounts' && onboardingTemplateUrl ? { ONBOARDING_TEMPLATE_URL: onboardingTemplateUrl } : {}),
            ...(name === 'accounts' && organizationTemplateUrl ? { ORGANIZATION_TEMPLATE_URL: organizationTemplateUrl } : {}),
          }
        : {};
      return {
        ...base,
        ...customer,
        ...(access.objects ? { OBJECTS_BUCKET: storage.bucket.bucketName } : {}),
        ...(access.bedrock && assistantModelId ? { ASSISTANT_MODEL_ID: assistantModelId } : {}),
      };
    };

    const byName = {} as Record<FunctionName, lambda.Function>;
    for (const name of names) {
      const role = roles[name];
      const logGroup = new logs.LogGroup(this, `${name}-logs`, { retention: LOG_RETENTION });
      logGroup.grantWrite(role);
      const { memorySize, timeout } = profileOf(name);
      byName[name] = new lambda.Function(this, name, {
        description: `CloudOptima ${name}`,
        code: lambda.Code.fromAsset(bundleDir(name)),
        handler: 'index.handler',
        runtime: RUNTIME,
        architecture: lambda.Architecture.ARM_64,
        memorySize,
        timeout,
        role,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        environment: {
          ...environmentOf(name),
          APP_VERSION,
          POWERTOOLS_SERVICE_NAME: name,
          POWERTOOLS_METRICS_NAMESPACE: 'CloudOptima',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      });
      grantAccess(name, role, data, auth, storage);
      if (FUNCTION_ACCESS[name].bedrock && assistantModelId) grantBedrock(name, role, assistantModelId);
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, ' +
          'so AWS documents Resource "*" for them; no other action of this role has a wildcard resource.',
      );
    }
    this.byName = byName;
    this.roles = roles;

    // The state machines are built after the functions (they invoke them): connectWorkflows() then
    // gives the starters their ARNs. Forgetting it fails the synth, not the first start in AWS.
    this.node.addValidation({
      validate: () =>
        this.workflowsConnected || !names.some((name) => FUNCTION_ACCESS[name].startWorkflows?.length)
          ? []
          : ['Functions.connectWorkflows() was never called: functions that start workflows have no state machine ARN'],
    });
  }

  /**
   * The `startWorkflows` rows of lib/function-access.ts: states:StartExecution on exactly those
   * state machines and `<WORKFLOW>_STATE_MACHINE_ARN` in the environment. The state machines refer
   * to their task functions, never to the functions that start them, so the template has no cycle.
   */
  connectWorkflows(machines: Readonly<Record<WorkflowName, sfn.IStateMachine>>): void {
    for (const name of Object.keys(this.byName) as FunctionName[]) {
      for (const workflow of FUNCTION_ACCESS[name].startWorkflows ?? []) {
        const machine = machines[workflow];
        // A machine its own task starts is named by a formatted ARN (a reference would be a cycle).
        const arn = selfStarted(workflow) ? selfStartedArn(Stack.of(this), workflow).arn : machine.stateMachineArn;
        this.roles[name].addToPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }));
        this.byName[name].addEnvironment(stateMachineArnVariable(workflow), arn);
      }
    }
    this.workflowsConnected = true;
  }
}

/** FUNCTION_ENTRIES' names, each of which must have a row in FUNCTION_ACCESS (and the other way round). */
export function functionNames(): FunctionName[] {
  const bundled = Object.keys(FUNCTION_ENTRIES).sort();
  const granted = Object.keys(FUNCTION_ACCESS).sort();
  if (bundled.join() !== granted.join()) {
    throw new Error(`shared/functions.ts bundles [${bundled}] but lib/function-access.ts grants [${granted}]: keep them in step`);
  }
  return bundled as FunctionName[];
}

function bundleDir(name: FunctionName): string {
  const dir = repoPath(BUNDLE_DIR, name);
  if (!existsSync(`${dir}/index.mjs`)) {
    throw new Error(`${BUNDLE_DIR}/${name}/index.mjs is missing: run \`npm run bundle\` first (\`npm run synth\` does)`);
  }
  return dir;
}

/**
 * bedrock:InvokeModel on the one model: the foundation model, or an inference profile of this
 * account and the foundation model it routes to. A cross-region profile (`us.`, `eu.`, `apac.`,
 * `global.` ids) sends requests to that model in other regions, so its foundation-model ARN has a
 * region wildcard, still limited to the one model.
 */
function grantBedrock(name: FunctionName, role: iam.Role, modelId: string): void {
  const { partition, region, account } = Stack.of(role);
  const profile = /^(us|eu|apac|jp|au|ca|us-gov|global)\.(.+)$/.exec(modelId);
  const model = profile ? profile[2]! : modelId;
  const resources = profile
    ? [`arn:${partition}:bedrock:${region}:${account}:inference-profile/${modelId}`, `arn:${partition}:bedrock:*::foundation-model/${model}`]
    : [`arn:${partition}:bedrock:${region}::foundation-model/${model}`];
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources }));
  if (profile) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${model}]`,
      `The ${name} function calls Bedrock through the cross-region inference profile ${modelId}, which routes each request to ${model} in one of the profile's regions: ` +
        'the region is a wildcard, the model is the one configured.',
    );
  }
}

/** Turns the function's row of FUNCTION_ACCESS into IAM statements on its role. */
function grantAccess(name: FunctionName, role: iam.Role, data: Data, auth: Auth, storage: Storage): void {
  const access = FUNCTION_ACCESS[name];
  for (const grant of access.table ?? []) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: grant.actions.map((action) => `dynamodb:${action}`),
        resources: [grant.index ? `${data.table.tableArn}/index/${grant.index}` : data.table.tableArn],
        // ForAllValues holds for a request without keys too: that is why Scan is never granted.
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] } },
      }),
    );
  }
  if (access.table?.length) {
    const writes = access.table.some((grant) => grant.actions.some((action) => !READ_ACTIONS.has(action)));
    role.addToPrincipalPolicy(tableKeyStatement(data.key, writes));
  }
  if (access.userPool?.length) {
    auth.userPool.grant(role, ...access.userPool.map((action) => `cognito-idp:${action}`));
  }
  if (access.cursorSecret) data.cursorSecret.grantRead(role);
  if (access.objects) grantObjects(name, role, storage);
  if (access.customerRoles) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [CUSTOMER_ROLES],
        // Never without an ExternalId: the customer's trust policy requires the tenant's own.
        conditions: { StringLike: { 'sts:ExternalId': 'cloudoptima-*' } },
      }),
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${CUSTOMER_ROLES}]`,
      `The ${name} function assumes the read-only role the onboarding template creates in each customer account; the ` +
        'accounts are only known when customers connect them, so the account is a wildcard, but the role path is ' +
        "CloudOptima's own and every AssumeRole must carry a CloudOptima ExternalId, which each role's trust policy pins to its tenant.",
    );
  }
}

/** An `objects` row: S3 actions on `tenants/*` only, and the bucket key only through S3. */
function grantObjects(name: FunctionName, role: iam.Role, storage: Storage): void {
  const { head, read, write, delete: remove, presignPut } = FUNCTION_ACCESS[name].objects!;
  const looks = head || read;
  const puts = write || presignPut;
  const actions = [
    ...(looks ? ['s3:GetObject'] : []),
    ...(puts ? ['s3:PutObject'] : []),
    // The runtime tags what it writes (ingestion partials) so lifecycle rules can expire it.
    ...(write ? ['s3:PutObjectTagging'] : []),
    ...(remove ? ['s3:DeleteObject'] : []),
  ];
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [storage.bucket.arnForObjects(TENANT_OBJECTS)] }));
  if (looks) {
    // Lets S3 answer 404 for a missing key (HeadObject) instead of 403; S3 checks s3:prefix against the key.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [storage.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [TENANT_OBJECTS] } },
      }),
    );
  }
  const keyActions = [...(read ? ['kms:Decrypt'] : []), ...(puts ? ['kms:GenerateDataKey'] : [])];
  if (keyActions.length) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: keyActions,
        resources: [storage.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(storage).region}.amazonaws.com` } },
      }),
    );
  }
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${nagArn(storage.bucket)}/${TENANT_OBJECTS}]`,
    `The ${name} function reaches tenants' files under tenants/<tenantId>/, each key built by tenantObjectKey() from the ` +
      "caller's tenant; the wildcard is the tenant and file segments, and nothing outside tenants/ is reachable.",
  );
}
