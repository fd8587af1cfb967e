import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TABLE } from '#shared/db/table.js';
import { TENANT_DATA_ACTIONS, TENANT_LEADING_KEYS } from './function-access.js';
import { acknowledge, nagArn } from './nag.js';

export interface DataProps {
  /** Deletion protection on, and kept when the stack is deleted. */
  protect: boolean;
}

/**
 * The single table (shape from shared/db/table.ts, so the deployed table and the emulated one
 * cannot drift), its customer-managed key, and the secret that signs pagination cursors.
 */
export class Data extends Construct {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;
  readonly cursorSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, { protect }: DataProps) {
    super(scope, id);
    const removalPolicy = protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // The key outlives nothing it encrypts: it is kept whenever the table is.
    this.key = new kms.Key(this, 'Key', {
      description: 'CloudOptima table and cursor secret',
      enableKeyRotation: true,
      removalPolicy,
    });

    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: key(TABLE.partitionKey),
      sortKey: key(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      deletionProtection: protect,
      removalPolicy,
    });
    for (const index of TABLE.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      description: 'HMAC key that signs CloudOptima pagination cursors (CURSOR_SECRET_ARN)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    acknowledge(
      this.cursorSecret,
      'AwsSolutions-SMG4',
      'Rotating the cursor-signing key would turn every cursor a client holds into 400 INVALID_CURSOR mid-listing; ' +
        'a cursor only continues the listing it came from, bound to tenant and query, and only the functions that sign cursors can read the key.',
    );
  }
}

/** kms actions DynamoDB performs with the caller's credentials: reads decrypt, writes also encrypt. */
export function tableKeyStatement(key: kms.IKey, write: boolean): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: write ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
    resources: [key.keyArn],
    // Usable only through DynamoDB, never to decrypt anything directly.
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(key).region}.amazonaws.com` } },
  });
}

export interface TenantDataRoleProps {
  table: dynamodb.ITable;
  key: kms.IKey;
  /** The domain function roles that act for a tenant. Nobody else may assume the role. */
  trustedRoles: readonly iam.IRole[];
}

/**
 * Tenant isolation in IAM: a domain function assumes this role with the caller's tenant as the
 * `TenantId` session tag (sts:AssumeRole + sts:TagSession), and the session can only touch
 * partition keys starting with `TENANT#<that tenant>#`. A bug in key construction then fails closed
 * with AccessDenied instead of reading another tenant's items.
 */
export class TenantDataRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, { table, key, trustedRoles }: TenantDataRoleProps) {
    super(scope, id);
    if (trustedRoles.length === 0) throw new Error('the tenant data role needs at least one trusted function role');

    const functions = new iam.CompositePrincipal(...trustedRoles.map((role) => new iam.ArnPrincipal(role.roleArn)));
    const trust = new iam.PrincipalWithConditions(new iam.SessionTagsPrincipal(functions), {
      // Only sessions tagged with a tenant, and with nothing but that tag.
      StringLike: { 'aws:RequestTag/TenantId': '?*' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['TenantId'] },
    });

    this.role = new iam.Role(this, 'Role', {
      description: 'CloudOptima tenant data access: the session tag TenantId bounds every key it may touch',
      assumedBy: trust,
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        TenantData: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: TENANT_DATA_ACTIONS.map((action) => `dynamodb:${action}`),
              resources: [table.tableArn, `${table.tableArn}/index/*`],
              // ForAllValues holds for a request without keys too: that is why Scan is never granted.
              conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_LEADING_KEYS] } },
            }),
            tableKeyStatement(key, true),
          ],
        }),
      },
    });
    for (const role of trustedRoles) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [this.role.roleArn] }),
      );
    }

    acknowledge(
      this.role,
      `AwsSolutions-IAM5[Resource::${nagArn(table)}/index/*]`,
      'Tenant queries run on any of the table\'s GSIs; every action is bounded by dynamodb:LeadingKeys to ' +
        'TENANT#${aws:PrincipalTag/TenantId}#*, so the index wildcard reaches only the session tenant\'s own items.',
    );
  }
}
