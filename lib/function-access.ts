import { Duration } from 'aws-cdk-lib';
import { DOMAINS, type Domain } from '#shared/http/route.js';
import type { WorkflowName } from '#shared/workflows.js';

/**
 * What each Lambda function may do, in one table: lib/functions.ts turns it into IAM policies, and
 * the infra tests read it back from the template. Tenant items are reached only through the
 * tenant data role, whose session is tagged with the caller's tenant (lib/data.ts); the grants
 * below are the few direct reads and writes outside any tenant's partitions.
 */
export type FunctionName = Domain | 'authorizer' | 'smoke' | 'ingest' | 'analyze' | 'collect' | 'collect-ec2' | 'collect-services' | 'billing-exports' | 'recommend';

export type TableAction =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

export type UserPoolAction =
  | 'AdminCreateUser'
  | 'AdminSetUserPassword'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup'
  | 'AdminDeleteUser';

export interface TableGrant {
  actions: readonly TableAction[];
  /** `dynamodb:LeadingKeys` patterns (ForAllValues:StringLike): the partition keys the actions may touch. */
  leadingKeys: readonly string[];
  /** On this global secondary index instead of the table (LeadingKeys then names the index's partition keys). */
  index?: string;
}

/**
 * The objects bucket (lib/storage.ts), always limited to keys under `tenants/` (TENANT_OBJECTS),
 * where shared/storage/object-store.ts's tenantObjectKey() puts every tenant's files. Each flag
 * also brings what the bucket's KMS key needs for it, usable only through S3.
 */
export interface ObjectsAccess {
  /**
   * HeadObject: does the file exist, how large is it. s3:GetObject (what HEAD is authorized by)
   * without kms:Decrypt, so the contents stay sealed to this role; and s3:ListBucket for keys
   * under `tenants/`, without which S3 answers a missing key with 403 instead of 404.
   */
  head?: boolean;
  /** GetObject, ranged too: s3:GetObject and kms:Decrypt; implies `head`. */
  read?: boolean;
  /** PutObject: s3:PutObject and kms:GenerateDataKey. */
  write?: boolean;
  /** DeleteObject. The bucket is versioned: this leaves a delete marker, never removes a version. */
  delete?: boolean;
  /**
   * Presigned PUT URLs: a browser uploads with this role's authority, so the role needs what the
   * upload needs (s3:PutObject, kms:GenerateDataKey); the signature limits each URL to one key.
   */
  presignPut?: boolean;
}

export interface FunctionAccess {
  /** Assume the tenant data role with a `TenantId` session tag (sts:AssumeRole + sts:TagSession). */
  tenantData?: boolean;
  /** Direct table access, each grant limited to its partition keys. */
  table?: readonly TableGrant[];
  userPool?: readonly UserPoolAction[];
  /** Read the secret that signs pagination cursors. */
  cursorSecret?: boolean;
  /** The objects bucket, under `tenants/` only; the function gets OBJECTS_BUCKET. */
  objects?: ObjectsAccess;
  /**
   * states:StartExecution on these workflows' state machines only (shared/workflows.ts); the
   * function gets `<WORKFLOW>_STATE_MACHINE_ARN` for each.
   */
  startWorkflows?: readonly WorkflowName[];
  /**
   * Tenants' alert channels (lib/alert-channels.ts): `manage` creates, reads and deletes their
   * secrets and email subscriptions; `send` reads the secrets and publishes. Either gets
   * ALERTS_TOPIC_ARN and CONSOLE_URL.
   */
  alertChannels?: 'manage' | 'send';
  /**
   * sts:AssumeRole on customers' CloudOptima roles (CUSTOMER_ROLES: the onboarding template's path,
   * any account), only with an ExternalId; the function gets PLATFORM_ACCOUNT_ID.
   */
  customerRoles?: boolean;
  /**
   * bedrock:InvokeModel on the assistant's model only, when the stack is given one (context
   * assistantModelId); the function then gets ASSISTANT_MODEL_ID. Without one it gets nothing.
   */
  bedrock?: boolean;
}

/** The roles the onboarding template creates in customers' accounts (shared/accounts/permissions.ts ROLE_PATH). */
export const CUSTOMER_ROLES = 'arn:aws:iam::*:role/cloudoptima/*';

/** Reads and writes the tenant data role allows, on the table and its indexes. */
export const TENANT_DATA_ACTIONS: readonly TableAction[] = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'BatchGetItem',
  'BatchWriteItem',
  'ConditionCheckItem',
];

/**
 * The tenant data role's partition keys: only the session's own tenant. The closing `#` keeps
 * `TENANT#ab` from matching `TENANT#abc`; `${aws:PrincipalTag/TenantId}` is an IAM policy variable.
 */
export const TENANT_LEADING_KEYS = 'TENANT#${aws:PrincipalTag/TenantId}#*';

export const FUNCTION_ACCESS: Readonly<Record<FunctionName, FunctionAccess>> = {
  authorizer: {
    table: [
      // Before the tenant is known: API key hash -> tenant; then the user (role) and revoked sessions.
      { actions: ['GetItem'], leadingKeys: ['APIKEY#*', 'TENANT#*#USER', 'TENANT#*#REVOKED'] },
      // Records an API key's lastUsedAt.
      { actions: ['UpdateItem'], leadingKeys: ['TENANT#*#APIKEY'] },
    ],
    cursorSecret: true,
  },
  platform: {
    // The readiness probe reads one item.
    table: [{ actions: ['GetItem'], leadingKeys: ['HEALTH'] }],
  },
  auth: {
    tenantData: true,
    // Sign-up registers the new tenant where scheduled jobs fan out from (and removes it on rollback).
    table: [{ actions: ['PutItem', 'DeleteItem'], leadingKeys: ['REGISTRY#TENANTS'] }],
    userPool: ['AdminCreateUser', 'AdminSetUserPassword', 'AdminAddUserToGroup', 'AdminDeleteUser'],
    cursorSecret: true,
  },
  users: {
    tenantData: true,
    userPool: ['AdminCreateUser', 'AdminAddUserToGroup', 'AdminRemoveUserFromGroup', 'AdminDeleteUser'],
    cursorSecret: true,
  },
  apikeys: {
    tenantData: true,
    // The hash -> tenant lookup the authorizer reads, written beside the tenant's own record.
    table: [{ actions: ['PutItem', 'DeleteItem', 'GetItem'], leadingKeys: ['APIKEY#*'] }],
    cursorSecret: true,
  },
  tenants: { tenantData: true, cursorSecret: true },
  audit: { tenantData: true, cursorSecret: true },
  // Cost views read the tenant's rollups and profile (time zone) only.
  costs: { tenantData: true, cursorSecret: true },
  // Anomalies (read, lifecycle, feedback) and forecasts: the tenant's rollups, anomalies and profile.
  analysis: { tenantData: true, cursorSecret: true },
  // Budgets (CRUD, status, history): the tenant's budgets, rollups and profile (time zone).
  budgets: { tenantData: true, cursorSecret: true },
  // Alert channels: the tenant's channels; their secrets and email subscriptions are granted by lib/alert-channels.ts.
  alerts: { tenantData: true, cursorSecret: true, alertChannels: 'manage' },
  billing: {
    tenantData: true,
    cursorSecret: true,
    // Upload URLs for the browser, and a HEAD before an ingestion starts (is the file there yet?).
    // Scan now (POST /v1/billing/sources/{id}/scan): reads the export bucket with the connected
    // account's role and copies new files in with the PutObject that presigned uploads already
    // need (still no read).
    objects: { presignPut: true, head: true },
    customerRoles: true,
    // Collect now (POST /v1/billing/sources/{id}/collect) starts the Cost Explorer collection workflow.
    startWorkflows: ['ingestion', 'costexplorer'],
  },
  // Connected accounts and the inventory: the connection test assumes the customer's role (STS,
  // IAM's policy simulator), a disconnect deletes the account's raw snapshots, and a sync starts
  // the collection workflow.
  accounts: {
    tenantData: true,
    cursorSecret: true,
    objects: { delete: true },
    customerRoles: true,
    startWorkflows: ['collection'],
  },
  // Recommendations (list, lifecycle, settings with a synchronous re-analysis) and resources: the
  // tenant's recommendations, inventory and rollups.
  recommendations: { tenantData: true, cursorSecret: true },
  // The assistant reads the tenant's costs, anomalies, budgets and recommendations and keeps its
  // conversations; with a model configured it calls Bedrock (without one the local engine answers).
  assistant: { tenantData: true, cursorSecret: true, bedrock: true },
  // The smoke workflow's task doubles and sums numbers: no data at all.
  smoke: {},
  // The ingestion workflow's task: streams the uploads, writes and removes its partial aggregates
  // (tenants/<id>/ingestions/<id>/partials/), writes the tenant's rollups through the tenant data role.
  ingest: {
    tenantData: true,
    cursorSecret: true,
    objects: { read: true, write: true, delete: true },
  },
  // The analysis workflow's task: lists the tenants from the registry (the daily schedule fans out
  // from it), then reads each tenant's rollups and writes its anomalies through the tenant data role.
  analyze: {
    tenantData: true,
    cursorSecret: true,
    table: [{ actions: ['Query'], leadingKeys: ['REGISTRY#TENANTS'] }],
    // The alert step: reads Slack and webhook secrets, publishes email alerts.
    alertChannels: 'send',
  },
  // The collection workflow's main task: lists the tenants (daily schedule) and their accounts,
  // mints the fetchers' presigned snapshot uploads, reads the snapshots back, reads S3 and
  // CloudWatch in the customer's account, and writes the inventory through the tenant data role.
  // Over more accounts than one execution holds, it starts an execution per group of them.
  collect: {
    tenantData: true,
    cursorSecret: true,
    table: [{ actions: ['Query'], leadingKeys: ['REGISTRY#TENANTS'] }],
    objects: { read: true, write: true, presignPut: true },
    customerRoles: true,
    startWorkflows: ['collection'],
  },
  // Export bucket events and the daily catch-up scan: the (account, bucket) routes and the tenant
  // registry, the customer's export bucket through its role, new files copied in, then ingested.
  'billing-exports': {
    tenantData: true,
    cursorSecret: true,
    table: [
      { actions: ['Query'], leadingKeys: ['REGISTRY#TENANTS'] },
      // gsi1 of bucket sources: (account, bucket) -> tenant and source (keys.exportBucketIndex).
      { actions: ['Query'], leadingKeys: ['EXPORTBUCKET#*'], index: 'gsi1' },
    ],
    objects: { head: true, write: true },
    customerRoles: true,
    startWorkflows: ['ingestion'],
  },
  // The fetchers read the customer's account and write only through the presigned URL they are given.
  'collect-ec2': { customerRoles: true },
  'collect-services': { customerRoles: true },
  // The collection workflow's Analyze task: each collected tenant's inventory, rollups, settings and
  // recommendations, through the tenant data role; each connected account's Cost Optimization Hub
  // (and Compute Optimizer's findings through it) through the account's role.
  recommend: { tenantData: true, cursorSecret: true, customerRoles: true },
};

/**
 * The object keys every `objects` grant is limited to (an IAM resource pattern under the bucket):
 * tenantObjectKey() starts each key `tenants/<tenantId>/`.
 */
export const TENANT_OBJECTS = 'tenants/*';

/** What a function is: it decides the environment it gets (lib/functions.ts). */
export type FunctionKind = 'api' | 'authorizer' | 'workflow';

export interface FunctionProfile {
  kind: FunctionKind;
  /** MB; CPU scales with it. */
  memorySize: number;
  timeout: Duration;
}

/** Every domain's function answers API Gateway, which gives up at 29 s: they stop just before. */
export const API_FUNCTION: FunctionProfile = { kind: 'api', memorySize: 1024, timeout: Duration.seconds(29) };

/**
 * Memory (and with it CPU) and time for each function that is not a domain's API function, beside
 * FUNCTION_ACCESS; the compiler names any function left out.
 */
export const FUNCTION_PROFILES: Readonly<Record<Exclude<FunctionName, Domain>, FunctionProfile>> = {
  // A hung JWKS fetch should fail the call fast, not hold the request for 29 s.
  authorizer: { kind: 'authorizer', memorySize: 1024, timeout: Duration.seconds(10) },
  smoke: { kind: 'workflow', memorySize: 256, timeout: Duration.seconds(10) },
  // Streams one whole billing export per invocation (CSV, gzip, Parquet) for up to Lambda's 15
  // minutes: 3008 MB is more than one full vCPU for the single-threaded parser, and room for the
  // rollup cells, which grow with distinct cells, not rows. Nothing is spooled: /tmp stays default.
  ingest: { kind: 'workflow', memorySize: 3008, timeout: Duration.minutes(15) },
  // One tenant per invocation: 13 months of the daily cube in memory and a few hundred series.
  analyze: { kind: 'workflow', memorySize: 1769, timeout: Duration.minutes(5) },
  // One region of one account per invocation: paged Describe calls with backoff on throttling.
  collect: { kind: 'workflow', memorySize: 1024, timeout: Duration.minutes(10) },
  'collect-ec2': { kind: 'workflow', memorySize: 512, timeout: Duration.minutes(10) },
  'collect-services': { kind: 'workflow', memorySize: 512, timeout: Duration.minutes(10) },
  // Streams export files from the customer's bucket into ours, one delivery after another.
  'billing-exports': { kind: 'workflow', memorySize: 1024, timeout: Duration.minutes(15) },
  // The tenants of one collection run, one after another: inventory and a month of rollups in memory.
  recommend: { kind: 'workflow', memorySize: 1024, timeout: Duration.minutes(15) },
};

const isDomain = (name: FunctionName): name is Domain => (DOMAINS as readonly string[]).includes(name);

export const profileOf = (name: FunctionName): FunctionProfile => (isDomain(name) ? API_FUNCTION : FUNCTION_PROFILES[name]);

/** Table actions that only read: such a function needs kms:Decrypt on the table key, nothing more. */
export const READ_ACTIONS: ReadonlySet<TableAction> = new Set(['GetItem', 'Query', 'BatchGetItem', 'ConditionCheckItem']);
