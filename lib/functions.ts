import { existsSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_DIR, FUNCTION_ENTRIES } from '#shared/functions.js';
import type { Auth } from './auth.js';
import { type Data, TenantDataRole, tableKeyStatement } from './data.js';
import { FUNCTION_ACCESS, type FunctionName, READ_ACTIONS } from './function-access.js';
import { acknowledge } from './nag.js';
import { LOG_RETENTION } from './observability.js';
import { APP_VERSION, repoPath } from './repo.js';

/** The newest Node.js runtime this aws-cdk-lib knows; the functions are bundled for node22 or later. */
export const RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Memory (and with it CPU) and time limits; API functions stop just before API Gateway's 29 s. */
const LIMITS: Record<'api' | 'authorizer' | 'workflow', { memorySize: number; timeout: Duration }> = {
  api: { memorySize: 1024, timeout: Duration.seconds(29) },
  // A hung JWKS fetch should fail the call fast, not hold the request for 29 s.
  authorizer: { memorySize: 1024, timeout: Duration.seconds(10) },
  workflow: { memorySize: 256, timeout: Duration.seconds(10) },
};

const kindOf = (name: FunctionName) => (name === 'smoke' ? 'workflow' : name === 'authorizer' ? 'authorizer' : 'api');

export interface FunctionsProps {
  data: Data;
  auth: Auth;
  /** The console's origin, for CORS on answers the handlers build. */
  consoleOrigin: string;
}

/**
 * Every Lambda function of the product (shared/functions.ts), from the bundles bin/bundle.ts built:
 * one role each, holding exactly what lib/function-access.ts grants it, one log group each, arm64,
 * traced. The tenant data role is made here because it trusts the domain roles by ARN.
 */
export class Functions extends Construct {
  readonly byName: Readonly<Record<FunctionName, lambda.Function>>;
  readonly tenantData: TenantDataRole;

  constructor(scope: Construct, id: string, { data, auth, consoleOrigin }: FunctionsProps) {
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

    // The runtime contract shared/config.ts reads; every API function gets the same one.
    const apiEnvironment: Record<string, string> = {
      TABLE_NAME: data.table.tableName,
      USER_POOL_ID: auth.userPool.userPoolId,
      USER_POOL_CLIENT_ID: auth.client.userPoolClientId,
      CURSOR_SECRET_ARN: data.cursorSecret.secretArn,
      TENANT_ROLE_ARN: this.tenantData.role.roleArn,
      CONSOLE_ORIGIN: consoleOrigin,
    };

    const byName = {} as Record<FunctionName, lambda.Function>;
    for (const name of names) {
      const role = roles[name];
      const logGroup = new logs.LogGroup(this, `${name}-logs`, { retention: LOG_RETENTION });
      logGroup.grantWrite(role);
      const kind = kindOf(name);
      byName[name] = new lambda.Function(this, name, {
        description: `CloudOptima ${name}`,
        code: lambda.Code.fromAsset(bundleDir(name)),
        handler: 'index.handler',
        runtime: RUNTIME,
        architecture: lambda.Architecture.ARM_64,
        ...LIMITS[kind],
        role,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        environment: {
          ...(kind === 'workflow' ? {} : apiEnvironment),
          APP_VERSION,
          POWERTOOLS_SERVICE_NAME: name,
          POWERTOOLS_METRICS_NAMESPACE: 'CloudOptima',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      });
      grantAccess(name, role, data, auth);
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, ' +
          'so AWS documents Resource "*" for them; no other action of this role has a wildcard resource.',
      );
    }
    this.byName = byName;
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

/** Turns the function's row of FUNCTION_ACCESS into IAM statements on its role. */
function grantAccess(name: FunctionName, role: iam.Role, data: Data, auth: Auth): void {
  const access = FUNCTION_ACCESS[name];
  for (const grant of access.table ?? []) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: grant.actions.map((action) => `dynamodb:${action}`),
        resources: [data.table.tableArn],
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
}
