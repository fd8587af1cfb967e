import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../local/demo/dimensions.js';
import { demoRoleArn } from '../../local/demo/inventory.js';
import { DEMO_ORGANIZATION_ID, UNRECORDED_MEMBERS } from '../../local/demo/organization.js';
import { api, eventually, expectError, newTenant, type Session } from './helpers.js';

/**
 * Bulk connect of an AWS Organization on the local platform: the recorded demo organization
 * answers ListAccounts through the demo management account's role, and the collection workflow
 * runs for real for the accounts connected in bulk.
 */
const management = DEMO_ACCOUNTS.management.id;
const staging = DEMO_ACCOUNTS.staging.id;
const [research, legacy] = UNRECORDED_MEMBERS.map((m) => m.id) as [string, string];
const memberIds = [...Object.values(DEMO_ACCOUNTS).map((a) => a.id), ...UNRECORDED_MEMBERS.map((m) => m.id)];

const connectedIds = async (token: string) => ((await api('/v1/accounts?limit=500', { token })).body.items as Array<{ id: string }>).map((a) => a.id).sort();

describe('connecting an AWS Organization in bulk', () => {
  let a: Session;
  let b: Session;
  beforeAll(async () => {
    [a, b] = await Promise.all([newTenant('org-a'), newTenant('org-b')]);
  });

  it("serves the organization template with the tenant's ExternalId: the management role plus a StackSet for the members", async () => {
    const res = await api('/v1/accounts/onboarding/organization', { token: a.idToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const single = await api('/v1/accounts/onboarding', { token: a.idToken });
    expect(res.body).toMatchObject({ externalId: single.body.externalId, stackName: 'CloudOptima-Organization', templateUrl: null, quickCreateUrl: null });
    const types = Object.values(res.body.template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types).toContain('AWS::CloudFormation::StackSet');
    expect(res.body.permissions.map((p: any) => p.action)).toEqual(['organizations:DescribeOrganization', 'organizations:ListAccounts']);
  });

  it('lists the organization only through a connected management account, with which accounts are connected', async () => {
    expectError(await api(`/v1/accounts/${management}/organization`, { token: a.idToken }), 404);
    await api('/v1/accounts', { token: a.idToken, body: { roleArn: demoRoleArn(management), name: 'management' } });
    await api('/v1/accounts', { token: a.idToken, body: { roleArn: demoRoleArn(staging), name: 'staging' } });
    expectError(await api(`/v1/accounts/${staging}/organization`, { token: a.idToken }), 409, 'ORGANIZATION_NOT_READABLE');

    const res = await api(`/v1/accounts/${management}/organization`, { token: a.idToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ organizationId: DEMO_ORGANIZATION_ID, managementAccountId: management, readThrough: management });
    expect(res.body.accounts.map((m: any) => m.id).sort()).toEqual([...memberIds].sort());
    const byId = Object.fromEntries(res.body.accounts.map((m: any) => [m.id, m]));
    expect(byId[management]).toMatchObject({ connected: true, connectable: false, status: 'ACTIVE' });
    expect(byId[staging]).toMatchObject({ connected: true, connectable: false });
    expect(byId[research]).toMatchObject({ connected: false, connectable: true });
    expect(byId[legacy]).toMatchObject({ connected: false, connectable: false, status: 'SUSPENDED' });
  });

  it('refuses accounts outside the organization with field details and connects nothing', async () => {
    const res = expectError(
      await api(`/v1/accounts/${management}/organization/connect`, { token: a.idToken, body: { accountIds: [research, '123456789012'] } }),
      400,
    );
    expect(res.details).toEqual([{ field: 'body.accountIds.1', message: 'account 123456789012 is not in the organization' }]);
    expectError(await api(`/v1/accounts/${management}/organization/connect`, { token: a.idToken, body: { accountIds: [research, research] } }), 400);
    expectError(await api(`/v1/accounts/${management}/organization/connect`, { token: a.idToken, body: { accountIds: ['12'] } }), 400);
    expect(await connectedIds(a.idToken)).toEqual([management, staging].sort());
  });

  it('connects the chosen accounts, reports the connected and the suspended, and collects the new ones in one run', async () => {
    const chosen = await api(`/v1/accounts/${management}/organization/connect`, {
      token: a.idToken,
      body: { accountIds: [staging, legacy, DEMO_ACCOUNTS.prod.id], sync: false },
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect(chosen.body).toMatchObject({ organizationId: DEMO_ORGANIZATION_ID, alreadyConnected: [staging], syncRunId: null });
    expect(chosen.body.connected.map((x: any) => [x.id, x.status, x.roleArn])).toEqual([[DEMO_ACCOUNTS.prod.id, 'pending', demoRoleArn(DEMO_ACCOUNTS.prod.id)]]);
    expect(chosen.body.skipped).toEqual([{ id: legacy, name: 'demo-legacy', reason: 'the account is suspended in the organization' }]);

    // Default: every active account not connected yet; one collection run for all of them.
    const rest = await api(`/v1/accounts/${management}/organization/connect`, { token: a.idToken, body: {} });
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    const expected = memberIds.filter((id) => ![management, staging, DEMO_ACCOUNTS.prod.id, legacy].includes(id)).sort();
    expect(rest.body.connected.map((x: any) => x.id).sort()).toEqual(expected);
    expect(rest.body.syncRunId).toEqual(expect.any(String));
    expect(rest.body.connected.every((x: any) => x.lastSync?.runId === rest.body.syncRunId && x.lastSync.status === 'running')).toBe(true);
    expect(await connectedIds(a.idToken)).toEqual(memberIds.filter((id) => id !== legacy).sort());

    const finished = async (id: string) => {
      let sync: any;
      await eventually(async () => {
        sync = (await api(`/v1/accounts/${id}/sync`, { token: a.idToken })).body;
        return sync?.status !== 'running';
      }, 90_000);
      return sync;
    };
    // The recorded accounts collect; the one the StackSet has not reached fails alone, with its reason.
    expect(await finished(DEMO_ACCOUNTS.data.id)).toMatchObject({ runId: rest.body.syncRunId, status: 'succeeded' });
    expect(await finished(research)).toMatchObject({ runId: rest.body.syncRunId, status: 'failed', error: { message: expect.stringContaining('AssumeRole') } });

    // Retried: nothing left to connect, nothing started.
    const again = await api(`/v1/accounts/${management}/organization/connect`, { token: a.idToken, body: {} });
    expect(again.body).toMatchObject({ connected: [], alreadyConnected: [], skipped: [], syncRunId: null });
  });

  it("keeps organizations apart: another tenant can neither list nor connect through this tenant's management account", async () => {
    const before = await connectedIds(a.idToken);
    expectError(await api(`/v1/accounts/${management}/organization`, { token: b.idToken }), 404);
    expectError(await api(`/v1/accounts/${management}/organization/connect`, { token: b.idToken, body: {} }), 404);
    expect(await connectedIds(b.idToken)).toEqual([]);
    expect(await connectedIds(a.idToken)).toEqual(before);
  });
});
