import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demoResources } from '../../local/demo/billing.js';
import { DEMO_ACCOUNTS } from '../../local/demo/dimensions.js';
import { demoRoleArn, RECORDED_DENIALS } from '../../local/demo/inventory.js';
import { REQUIRED_PERMISSIONS, ROLE_NAME } from '../../shared/accounts/permissions.js';
import { addUser, api, DEMO_PASSWORD, eventually, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * Connected accounts and the collection workflow on the local platform: the recorded demo accounts
 * answer for AWS, and the real collection ASL runs in aws-local-stepfunctions.
 */
const COLLECTED = ['ec2-instance', 'ebs-volume', 'ebs-snapshot', 'elastic-ip', 'load-balancer', 'nat-gateway', 'rds-instance', 'lambda-function', 's3-bucket', 'log-group'];
const expectedResources = () =>
  demoResources({ endDate: inject('demoBillingEndDate') }).filter(
    (r) => r.deletedAt === null && COLLECTED.includes(r.kind) && !(r.kind === 'log-group' && RECORDED_DENIALS[r.accountId]?.includes('logs:DescribeLogGroups')),
  );

async function allInventory(token: string, query = ''): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await api(`/v1/inventory?limit=500${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

const synced = async (token: string, id: string) => {
  let last: any;
  await eventually(async () => {
    last = (await api(`/v1/accounts/${id}/sync`, { token })).body;
    return last !== null && last.status !== 'running';
  }, 60_000);
  return last;
};

describe('the demo organization', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await logIn('admin@demo.example', DEMO_PASSWORD());
  });

  it('has its five AWS accounts connected and collected by the seed (one partial: its role lacks a permission)', async () => {
    const list = await api('/v1/accounts', { token: admin.idToken });
    expect(list.body.items.map((a: any) => a.id).sort()).toEqual(Object.values(DEMO_ACCOUNTS).map((a) => a.id).sort());
    for (const account of Object.values(DEMO_ACCOUNTS)) {
      const run = await synced(admin.idToken, account.id);
      if (account.id === DEMO_ACCOUNTS.management.id) {
        expect(run.status).toBe('partial');
        expect(new Set(run.warnings.map((w: any) => w.service))).toEqual(new Set(['logs:DescribeLogGroups']));
      } else expect(run, account.name).toMatchObject({ status: 'succeeded', warnings: [], error: null });
      expect(run.regions).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1', 'us-west-2']);
    }
  });

  it('lists the inventory with the demo billing data’s resource ids, counted as each sync reported', async () => {
    await Promise.all(Object.values(DEMO_ACCOUNTS).map((a) => synced(admin.idToken, a.id)));
    const items = await allInventory(admin.idToken);
    const expected = expectedResources();
    expect(items.map((r) => r.resourceId).sort()).toEqual(expected.map((r) => r.id).sort());
    const runs = (await api('/v1/accounts?limit=500', { token: admin.idToken })).body.items.map((a: any) => a.lastSync);
    const reported = runs.reduce((n: number, run: any) => n + Object.values(run.resources as Record<string, number>).reduce((a, b) => a + b, 0), 0);
    expect(reported).toBe(items.length);
    const idle = items.find((r) => r.name === 'staging-loadgen');
    expect(idle).toMatchObject({ type: 'ec2-instance', size: 'r5.2xlarge', accountId: DEMO_ACCOUNTS.staging.id, region: 'us-west-2', config: { vcpus: 8, memoryMiB: 65536 } });
    expect(idle.metrics.cpu).toMatchObject({ days: 30, unit: 'Percent' });
    expect(idle.metrics.cpu.maximum).toBeLessThan(5);
  });

  it('filters by type, account and region, each alone and together, and pages with query-bound cursors', async () => {
    const all = await allInventory(admin.idToken);
    const prod = DEMO_ACCOUNTS.prod.id;
    const cases: Array<[string, (r: any) => boolean]> = [
      ['&type=ebs-volume', (r) => r.type === 'ebs-volume'],
      [`&account=${prod}`, (r) => r.accountId === prod],
      ['&region=eu-west-1', (r) => r.region === 'eu-west-1'],
      [`&type=ec2-instance&account=${prod}&region=us-east-1`, (r) => r.type === 'ec2-instance' && r.accountId === prod && r.region === 'us-east-1'],
      ['&type=s3-bucket&region=us-west-2', (r) => r.type === 's3-bucket' && r.region === 'us-west-2'],
    ];
    for (const [query, keep] of cases) {
      const got = (await allInventory(admin.idToken, query)).map((r) => r.resourceId).sort();
      expect(got, query).toEqual(all.filter(keep).map((r) => r.resourceId).sort());
      expect(got.length, query).toBeGreaterThan(0);
    }
    const first = await api('/v1/inventory?limit=7&type=ebs-volume', { token: admin.idToken });
    expect(first.body.items).toHaveLength(7);
    const next = await api(`/v1/inventory?limit=500&type=ebs-volume&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: admin.idToken });
    expect([...first.body.items, ...next.body.items].map((r: any) => r.resourceId).sort()).toEqual(all.filter((r) => r.type === 'ebs-volume').map((r) => r.resourceId).sort());
    expectError(await api(`/v1/inventory?limit=7&type=ec2-instance&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: admin.idToken }), 400, 'INVALID_CURSOR');
    const bad = expectError(await api('/v1/inventory?type=ec2&account=12&region=moon', { token: admin.idToken }), 400);
    expect(bad.details.map((d: any) => d.field).sort()).toEqual(['query.account', 'query.region', 'query.type']);
  });
});

describe('connecting, testing, syncing and disconnecting', () => {
  let a: Session;
  let b: Session;
  const staging = DEMO_ACCOUNTS.staging.id;
  const management = DEMO_ACCOUNTS.management.id;
  beforeAll(async () => {
    [a, b] = await Promise.all([newTenant('accounts-a'), newTenant('accounts-b')]);
  });

  it('gives each organization its own ExternalId, the CDK template and the permissions it asks for', async () => {
    const first = await api('/v1/accounts/onboarding', { token: a.idToken });
    expect(first.status).toBe(200);
    expect(first.body.externalId).toMatch(/^cloudoptima-/);
    expect((await api('/v1/accounts/onboarding', { token: a.idToken })).body.externalId).toBe(first.body.externalId);
    expect((await api('/v1/accounts/onboarding', { token: b.idToken })).body.externalId).not.toBe(first.body.externalId);
    expect(first.body).toMatchObject({ roleName: ROLE_NAME, rolePath: '/cloudoptima/', templateUrl: null, quickCreateUrl: null });
    expect(first.body.permissions.map((p: any) => p.action)).toEqual(REQUIRED_PERMISSIONS.map((p) => p.action));
    const resources = Object.values(first.body.template.Resources as Record<string, any>);
    expect(resources.filter((r) => !r.Condition).map((r) => r.Type).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    // Only with an export bucket given: its read access and S3 event forwarding (test/unit/billing/collect-onboarding-exports.test.ts).
    expect(resources.filter((r) => r.Condition).map((r) => [r.Type, r.Condition]).sort()).toEqual([
      ['AWS::Events::Rule', 'HasExportBucket'],
      ['AWS::IAM::Policy', 'HasExportBucket'],
      ['AWS::IAM::Role', 'HasExportBucket'],
    ]);
  });

  it('validates the role ARN with field details, refuses a caller-chosen ExternalId, and answers 409 to a second connection', async () => {
    const bad = expectError(await api('/v1/accounts', { token: a.idToken, body: { roleArn: 'arn:aws:iam::1234:role/x', name: '' } }), 400);
    expect(bad.details.map((d: any) => d.field).sort()).toEqual(['body.name', 'body.roleArn']);
    expectError(await api('/v1/accounts', { token: a.idToken, body: { roleArn: demoRoleArn(staging), name: 'staging', externalId: 'mine' } }), 400);
    expect((await api('/v1/accounts', { token: a.idToken })).body.items).toEqual([]);
    const created = await api('/v1/accounts', { token: a.idToken, body: { roleArn: demoRoleArn(staging), name: 'staging' } });
    expect(created.status).toBe(201);
    const onboarding = await api('/v1/accounts/onboarding', { token: a.idToken });
    expect(created.body).toMatchObject({ id: staging, status: 'pending', externalId: onboarding.body.externalId, lastSync: null, connectedBy: a.userId });
    expectError(await api('/v1/accounts', { token: a.idToken, body: { roleArn: demoRoleArn(staging), name: 'again' } }), 409, 'ACCOUNT_ALREADY_CONNECTED');
  });

  it('tests the role: every permission granted, exactly the missing one, or not assumable at all', async () => {
    await api('/v1/accounts', { token: a.idToken, body: { roleArn: demoRoleArn(management), name: 'management' } });
    await api('/v1/accounts', { token: a.idToken, body: { roleArn: 'arn:aws:iam::123456789012:role/cloudoptima/CloudOptimaReadOnly', name: 'not set up' } });
    const ok = await api(`/v1/accounts/${staging}/test`, { method: 'POST', token: a.idToken });
    expect(ok.body).toMatchObject({ assumed: true, ok: true, missing: [], error: null });
    expect(ok.body.permissions).toHaveLength(REQUIRED_PERMISSIONS.length);
    const partial = await api(`/v1/accounts/${management}/test`, { method: 'POST', token: a.idToken });
    expect(partial.body).toMatchObject({ assumed: true, ok: false, missing: ['logs:DescribeLogGroups'] });
    const broken = await api('/v1/accounts/123456789012/test', { method: 'POST', token: a.idToken });
    expect(broken.body).toMatchObject({ assumed: false, ok: false, error: { code: 'ASSUME_ROLE_FAILED' } });
    expect(broken.body.permissions.every((p: any) => p.status === 'unchecked')).toBe(true);
    const accounts = (await api('/v1/accounts', { token: a.idToken })).body.items;
    expect(Object.fromEntries(accounts.map((x: any) => [x.id, x.status]))).toEqual({ [staging]: 'connected', [management]: 'connected', '123456789012': 'error' });
    expect(accounts.find((x: any) => x.id === management).lastTest.missing).toEqual(['logs:DescribeLogGroups']);
  });

  it('syncs on demand through the workflow; a broken account fails alone, with its reason', async () => {
    const started = await api(`/v1/accounts/${staging}/sync`, { method: 'POST', token: a.idToken });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', trigger: 'manual' });
    const brokenStart = await api('/v1/accounts/123456789012/sync', { method: 'POST', token: a.idToken });
    expect(brokenStart.status).toBe(202);
    const run = await synced(a.idToken, staging);
    expect(run).toMatchObject({ runId: started.body.runId, status: 'succeeded', finishedAt: expect.any(String) });
    const broken = await synced(a.idToken, '123456789012');
    expect(broken).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('AssumeRole') } });
    const items = await allInventory(a.idToken);
    expect(items.map((r) => r.resourceId).sort()).toEqual(expectedResources().filter((r) => r.accountId === staging).map((r) => r.id).sort());
    expect(Object.values(run.resources as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(items.length);
    // A second sync replaces the inventory; it never doubles it.
    await api(`/v1/accounts/${staging}/sync`, { method: 'POST', token: a.idToken });
    await synced(a.idToken, staging);
    expect((await allInventory(a.idToken)).length).toBe(items.length);
  });

  it('keeps organizations apart: another organization gets 404 for the account and sees none of its inventory', async () => {
    const before = { account: (await api(`/v1/accounts/${staging}`, { token: a.idToken })).body, inventory: (await allInventory(a.idToken)).length };
    expectError(await api(`/v1/accounts/${staging}`, { token: b.idToken }), 404);
    expectError(await api(`/v1/accounts/${staging}/sync`, { token: b.idToken }), 404);
    expectError(await api(`/v1/accounts/${staging}/sync`, { method: 'POST', token: b.idToken }), 404);
    expectError(await api(`/v1/accounts/${staging}/test`, { method: 'POST', token: b.idToken }), 404);
    expectError(await api(`/v1/accounts/${staging}`, { method: 'DELETE', token: b.idToken }), 404);
    expect(await allInventory(b.idToken)).toEqual([]);
    expect(await allInventory(b.idToken, `&account=${staging}`)).toEqual([]);
    expect((await api(`/v1/accounts/${staging}`, { token: a.idToken })).body).toEqual(before.account);
    expect((await allInventory(a.idToken)).length).toBe(before.inventory);
  });

  it('lets each role do what its permissions allow', async () => {
    const [viewer, engineer] = await Promise.all([addUser(a, 'viewer'), addUser(a, 'engineer')]);
    expect((await api('/v1/accounts', { token: viewer.idToken })).status).toBe(200);
    expect((await api('/v1/inventory', { token: viewer.idToken })).status).toBe(200);
    expectError(await api(`/v1/accounts/${staging}/sync`, { method: 'POST', token: viewer.idToken }), 403);
    expectError(await api('/v1/accounts', { token: engineer.idToken, body: { roleArn: demoRoleArn(DEMO_ACCOUNTS.data.id), name: 'data' } }), 403);
    expectError(await api(`/v1/accounts/${staging}`, { method: 'DELETE', token: engineer.idToken }), 403);
    const sync = await api(`/v1/accounts/${staging}/sync`, { method: 'POST', token: engineer.idToken });
    expect([202, 409]).toContain(sync.status);
    await synced(a.idToken, staging);
  });

  it('disconnects: the account and its inventory are gone, the other accounts stay', async () => {
    await synced(a.idToken, staging);
    const deleted = await api(`/v1/accounts/${staging}`, { method: 'DELETE', token: a.idToken });
    expect(deleted.status).toBe(204);
    expectError(await api(`/v1/accounts/${staging}`, { token: a.idToken }), 404);
    expect(await allInventory(a.idToken, `&account=${staging}`)).toEqual([]);
    expect((await api('/v1/accounts', { token: a.idToken })).body.items.map((x: any) => x.id).sort()).toEqual(['123456789012', management].sort());
    expectError(await api(`/v1/accounts/${staging}`, { method: 'DELETE', token: a.idToken }), 404);
    // It can be connected again, from scratch.
    const again = await api('/v1/accounts', { token: a.idToken, body: { roleArn: demoRoleArn(staging), name: 'staging' } });
    expect(again.body).toMatchObject({ status: 'pending', lastSync: null, lastTest: null });
  });
});
