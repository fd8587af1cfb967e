import type { Domain } from '#shared/http/route.js';

/**
 * What each Lambda function may do, in one table: lib/functions.ts turns it into IAM policies, and
 * the infra tests read it back from the template. Tenant items are reached only through the
 * tenant data role, whose session is tagged with the caller's tenant (lib/data.ts); the grants
 * below are the few direct reads and writes outside any tenant's partitions.
 */
export type FunctionName = Domain | 'authorizer' | 'smoke';

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
}

export interface FunctionAccess {
  /** Assume the tenant data role with a `TenantId` session tag (sts:AssumeRole + sts:TagSession). */
  tenantData?: boolean;
  /** Direct table access, each grant limited to its partition keys. */
  table?: readonly TableGrant[];
  userPool?: readonly UserPoolAction[];
  /** Read the secret that signs pagination cursors. */
  cursorSecret?: boolean;
}

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
  // The smoke workflow's task doubles and sums numbers: no data at all.
  smoke: {},
};

/** Table actions that only read: such a function needs kms:Decrypt on the table key, nothing more. */
export const READ_ACTIONS: ReadonlySet<TableAction> = new Set(['GetItem', 'Query', 'BatchGetItem', 'ConditionCheckItem']);
