import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AssumedRoleTableClients, SharedTableClients, tenantCredentials } from '#shared/aws/tenant-clients.js';

const ROLE = 'arn:aws:iam::123456789012:role/cloudoptima-TenantDataRole';
const expiration = new Date(Date.now() + 15 * 60_000);

const sts = new STSClient({ region: 'us-east-1' });
const stsMock = mockClient(sts);
const base = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

beforeEach(() => {
  stsMock.reset();
  stsMock.on(AssumeRoleCommand).callsFake((input: { Tags: Array<{ Value: string }> }) => ({
    Credentials: { AccessKeyId: `AKIA-${input.Tags[0]!.Value}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expiration },
  }));
});

describe('tenantCredentials', () => {
  it('assumes the tenant data role with the TenantId session tag that its IAM policy keys on', async () => {
    const credentials = await tenantCredentials(sts, ROLE, 'tenant-a')();
    expect(credentials).toEqual({ accessKeyId: 'AKIA-tenant-a', secretAccessKey: 'secret', sessionToken: 'token', expiration });
    const [call] = stsMock.commandCalls(AssumeRoleCommand);
    expect(call!.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'tenant-tenant-a',
      DurationSeconds: 900,
      Tags: [{ Key: 'TenantId', Value: 'tenant-a' }],
    });
  });

  it('refuses a tenant id that could not be a tag value of ours', () => {
    for (const bad of ['', 'a#b', 'a*', 'x'.repeat(129), 'TENANT#a#']) {
      expect(() => tenantCredentials(sts, ROLE, bad)).toThrow(/invalid tenant id/);
    }
  });

  it('fails loudly when STS returns no credentials', async () => {
    stsMock.on(AssumeRoleCommand).resolves({});
    await expect(tenantCredentials(sts, ROLE, 't1')()).rejects.toThrow(/no credentials/);
  });
});

describe('AssumedRoleTableClients', () => {
  it("gives each tenant a client signed with that tenant's assumed-role credentials", async () => {
    const tables = new AssumedRoleTableClients(base, sts, ROLE);
    const a = tables.forTenant('tenant-a');
    const b = tables.forTenant('tenant-b');
    expect(a).not.toBe(b);
    expect(a).not.toBe(tables.base);
    // The credentials the client would sign with, resolved through its own config.
    expect((await a.config.credentials()).accessKeyId).toBe('AKIA-tenant-a');
    expect((await b.config.credentials()).accessKeyId).toBe('AKIA-tenant-b');
  });

  it('reuses a tenant client across requests, and refreshes credentials only near expiry', async () => {
    const tables = new AssumedRoleTableClients(base, sts, ROLE);
    const first = tables.forTenant('tenant-a');
    expect(tables.forTenant('tenant-a')).toBe(first);
    await first.config.credentials();
    await first.config.credentials();
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('keeps at most 100 tenant clients, evicting the least recently used', () => {
    const tables = new AssumedRoleTableClients(base, sts, ROLE);
    const t0 = tables.forTenant('t0');
    const t1 = tables.forTenant('t1');
    for (let i = 2; i <= 100; i++) {
      tables.forTenant(`t${i}`);
      if (i === 50) tables.forTenant('t0'); // used again: now among the recent ones
    }
    // 101 tenants seen: the one evicted is t1, the least recently used, not t0.
    expect(tables.forTenant('t0')).toBe(t0);
    expect(tables.forTenant('t1')).not.toBe(t1);
  });

  it('refuses an invalid tenant id before any client exists', () => {
    const tables = new AssumedRoleTableClients(base, sts, ROLE);
    expect(() => tables.forTenant('a#b')).toThrow(/invalid tenant id/);
  });
});

describe('SharedTableClients (local: no IAM to enforce)', () => {
  it('serves every tenant from the base client but still validates the tenant id', () => {
    const tables = new SharedTableClients(base);
    expect(tables.forTenant('tenant-a')).toBe(base);
    expect(() => tables.forTenant('')).toThrow(/invalid tenant id/);
  });
});
