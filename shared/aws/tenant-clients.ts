import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/**
 * Table access, twice isolated: key builders put every tenant item under `TENANT#<id>#`, and in AWS
 * a request for a tenant runs with credentials from the tenant data role, assumed with the session
 * tag TenantId=<id>, whose policy allows only keys starting `TENANT#${aws:PrincipalTag/TenantId}#`.
 * A bug that built another tenant's key would be refused by IAM, not just by code review.
 */
export interface TableClients {
  /** The function's own role: only for the few items read or written before a tenant is known. */
  base: DynamoDBDocumentClient;
  /** A client whose every call is limited by IAM to this tenant's keys. */
  forTenant(tenantId: string): DynamoDBDocumentClient;
}

const TENANT_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Clients kept per container; a warm function serves few tenants at once, so a small LRU suffices. */
const MAX_CACHED_TENANTS = 100;
const SESSION_SECONDS = 900;

const documentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** Credentials for one tenant: AssumeRole with the TenantId session tag, refreshed by the SDK before expiry. */
export function tenantCredentials(sts: STSClient, roleArn: string, tenantId: string): AwsCredentialIdentityProvider {
  if (!TENANT_ID.test(tenantId)) throw new Error(`invalid tenant id for a session: ${JSON.stringify(tenantId)}`);
  return async (): Promise<AwsCredentialIdentity> => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: `tenant-${tenantId}`.slice(0, 64),
        DurationSeconds: SESSION_SECONDS,
        Tags: [{ Key: 'TenantId', Value: tenantId }],
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
}

/** Tenant-scoped clients through the tenant data role (in AWS). */
export class AssumedRoleTableClients implements TableClients {
  private readonly cache = new Map<string, DynamoDBDocumentClient>();

  constructor(
    readonly base: DynamoDBDocumentClient,
    private readonly sts: STSClient,
    private readonly roleArn: string,
  ) {}

  forTenant(tenantId: string): DynamoDBDocumentClient {
    const cached = this.cache.get(tenantId);
    if (cached) {
      // Refresh its place: the map's order is the eviction order.
      this.cache.delete(tenantId);
      this.cache.set(tenantId, cached);
      return cached;
    }
    const client = documentClient(new DynamoDBClient({ credentials: tenantCredentials(this.sts, this.roleArn, tenantId) }));
    this.cache.set(tenantId, client);
    if (this.cache.size > MAX_CACHED_TENANTS) {
      const [oldest] = this.cache.keys();
      this.cache.get(oldest!)!.destroy();
      this.cache.delete(oldest!);
    }
    return client;
  }
}

/**
 * Without a tenant role (the local platform: DynamoDB Local enforces no IAM), every tenant uses
 * the base client; key construction remains the isolation, and the integration tests prove it.
 */
export class SharedTableClients implements TableClients {
  constructor(readonly base: DynamoDBDocumentClient) {}
  forTenant(tenantId: string): DynamoDBDocumentClient {
    if (!TENANT_ID.test(tenantId)) throw new Error(`invalid tenant id: ${JSON.stringify(tenantId)}`);
    return this.base;
  }
}
