import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { costExplorerClient, costExplorerClients } from '#functions/billing/collect/aws.js';
import { collectCostExplorer, type CollectedCostRow } from '#functions/billing/collect/cost-explorer.js';
import { dailyIngestionId } from '#functions/billing/collect/ids.js';
import { collectionWindow, isFinalPeriod } from '#functions/billing/collect/run.js';
import { costExplorerSourceId } from '#functions/billing/collect/sources.js';
import { DEMO_SANDBOX, LocalCostExplorer, localCostExplorerClients, PAGE_GROUPS, sandboxCharges } from '#local/demo/cost-explorer.js';
import { DEMO_ACCOUNTS } from '#local/demo/dimensions.js';
import { demoResources } from '#local/demo/billing.js';
import { ENTITY_ID_PATTERN } from '#shared/ids.js';
import type { AccountTarget } from '#shared/inventory/provider.js';

/** Cost Explorer collection of a connected account: the AWS wiring (stubbed), the window, and the local provider. */
const target: AccountTarget = {
  accountId: '318274650192',
  roleArn: 'arn:aws:iam::318274650192:role/cloudoptima/CloudOptimaReadOnly',
  externalId: 'cloudoptima-abcdefghijklmnop',
  tenantId: 'tenant_1',
};

describe('Cost Explorer in a connected account (aws-sdk-client-mock)', () => {
  const sts = mockClient(STSClient);
  const ce = mockClient(CostExplorerClient);
  beforeEach(() => {
    sts.reset();
    ce.reset();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'AKIAASSUMED', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) },
    });
  });

  it('assumes the role with the tenant ExternalId, signs GetCostAndUsage with those credentials, and leaves retries to the collector', async () => {
    ce.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [{ TimePeriod: { Start: '2026-11-01', End: '2026-12-01' }, Total: {}, Groups: [{ Keys: [target.accountId, 'Usage'], Metrics: { UnblendedCost: { Amount: '1.5', Unit: 'USD' }, AmortizedCost: { Amount: '1.5', Unit: 'USD' } } }], Estimated: true }],
      DimensionValueAttributes: [{ Value: target.accountId, Attributes: { description: 'demo-prod' } }],
    });
    const made: AwsCredentialIdentityProvider[] = [];
    const clientFor = costExplorerClients(new STSClient({ region: 'us-east-1' }), (credentials) => {
      made.push(credentials);
      return costExplorerClient(credentials);
    });
    const client = clientFor(target);
    // One client per (tenant, role): the collector's cache keys answers by client.
    expect(clientFor({ ...target })).toBe(client);
    expect(clientFor({ ...target, tenantId: 'tenant_2' })).not.toBe(client);
    expect(made).toHaveLength(2);

    const sdk = client as CostExplorerClient;
    expect(await sdk.config.maxAttempts()).toBe(1);
    expect(await sdk.config.region()).toBe('us-east-1');
    expect(await made[0]!()).toMatchObject({ accessKeyId: 'AKIAASSUMED', sessionToken: 'token' });

    const run = collectCostExplorer(client, { start: '2026-11-01', end: '2026-11-23', accountIds: [target.accountId] });
    for await (const _ of run) void _;
    const assumed = sts.commandCalls(AssumeRoleCommand);
    expect(assumed).toHaveLength(1);
    expect(assumed[0]!.args[0].input).toMatchObject({ RoleArn: target.roleArn, ExternalId: target.externalId, RoleSessionName: 'cloudoptima-tenant_1' });
    const plan = ce.commandCalls(GetCostAndUsageCommand)[0]!.args[0].input;
    expect(plan).toMatchObject({ TimePeriod: { Start: '2026-11-01', End: '2026-11-23' }, Granularity: 'MONTHLY', Filter: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [target.accountId] } } });
  });

  it('turns a refused AssumeRole into the account access error the collection records (ACCOUNT_UNREACHABLE upstream)', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    let credentials: AwsCredentialIdentityProvider | undefined;
    costExplorerClients(new STSClient({ region: 'us-east-1' }), (c) => {
      credentials = c;
      return costExplorerClient(c);
    })(target);
    // The client's credentials provider is the assumed role: the SDK calls it before signing any request.
    await expect(credentials!()).rejects.toMatchObject({ name: 'AccountAccessError', code: 'ASSUME_ROLE_FAILED' });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ RoleArn: target.roleArn, ExternalId: target.externalId });
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(0);
  });
});

describe('the collection window', () => {
  it('reads the month to date and the previous month while that month is not final', () => {
    expect(collectionWindow(new Date('2026-11-23T06:00:00Z'), null)).toEqual({ start: '2026-11-01', end: '2026-11-23', periods: ['2026-11'] });
    expect(collectionWindow(new Date('2026-12-03T06:00:00Z'), null)).toEqual({ start: '2026-11-01', end: '2026-12-03', periods: ['2026-11', '2026-12'] });
    // Stored but still estimated after the invoice window: once more, and the commit marks it final.
    expect(collectionWindow(new Date('2026-12-07T06:00:00Z'), 'estimated')).toEqual({ start: '2026-11-01', end: '2026-12-07', periods: ['2026-11', '2026-12'] });
    expect(collectionWindow(new Date('2026-12-07T06:00:00Z'), 'final')).toEqual({ start: '2026-12-01', end: '2026-12-07', periods: ['2026-12'] });
    // The 1st with the previous month final (never by the date rule, only if stored final): today is read.
    expect(collectionWindow(new Date('2027-01-01T06:00:00Z'), 'final')).toEqual({ start: '2027-01-01', end: '2027-01-02', periods: ['2027-01'] });
    expect(isFinalPeriod('2026-10', new Date('2026-11-06T00:00:00Z'))).toBe(false);
    expect(isFinalPeriod('2026-10', new Date('2026-11-06T00:00:01Z'))).toBe(true);
  });

  it('gives each source one scheduled ingestion a day, and one source per account', () => {
    const a = dailyIngestionId('ce-752019384610', new Date('2026-11-23T06:00:00Z'));
    expect(dailyIngestionId('ce-752019384610', new Date('2026-11-23T23:59:00Z'))).toBe(a);
    expect(dailyIngestionId('ce-752019384610', new Date('2026-11-24T06:00:00Z'))).not.toBe(a);
    expect(dailyIngestionId('ce-318274650192', new Date('2026-11-23T06:00:00Z'))).not.toBe(a);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(costExplorerSourceId(DEMO_SANDBOX.id)).toMatch(ENTITY_ID_PATTERN);
  });
});

describe('the local Cost Explorer provider (Demo Sandbox)', () => {
  const now = () => new Date('2026-11-23T10:00:00Z');

  it('is an account the demo billing export does not cover', () => {
    expect(Object.values(DEMO_ACCOUNTS).map((a) => a.id)).not.toContain(DEMO_SANDBOX.id);
    const exported = new Set(demoResources({ endDate: '2026-10-31' }).map((r) => r.accountId));
    expect(exported.has(DEMO_SANDBOX.id)).toBe(false);
  });

  it('answers the collector page by page; its rows and totals are exactly the recorded charges', async () => {
    const client = new LocalCostExplorer(DEMO_SANDBOX.id, now);
    const run = collectCostExplorer(client, { start: '2026-10-01', end: '2026-11-23', accountIds: [DEMO_SANDBOX.id] });
    const rows: CollectedCostRow[] = [];
    for await (const row of run) rows.push(row);
    const summary = run.summary();
    // 1 plan + 1 usage + Tax + Credit, and the usage query spans several pages.
    expect(summary.queries.map((q) => [q.kind, q.chargeCategory])).toEqual([['plan', null], ['usage', 'Usage'], ['charges', 'Tax'], ['charges', 'Credit']]);
    expect(summary.queries[1]!.pages).toBeGreaterThan(1);
    expect(summary.calls.requests).toBe(summary.queries.reduce((n, q) => n + q.pages, 0));
    expect(summary.accounts).toEqual([{ id: DEMO_SANDBOX.id, name: DEMO_SANDBOX.name }]);
    expect(summary.estimatedPeriods).toEqual(['2026-11']);

    const expected = new Map<string, bigint>();
    for (let d = Date.parse('2026-10-01T00:00:00Z'); d < Date.parse('2026-11-23T00:00:00Z'); d += 86_400_000) {
      for (const c of sandboxCharges(new Date(d).toISOString().slice(0, 10))) {
        const key = `${c.day.slice(0, 7)}-01`;
        expected.set(key, (expected.get(key) ?? 0n) + c.unblended * 100n); // 1e-10 -> 1e-12
      }
    }
    const periods = new Map(summary.totals.periods.map((p) => [p.billingPeriodStart, p.billedCost]));
    expect(periods).toEqual(expected);
    const fromRows = new Map<string, bigint>();
    for (const r of rows) fromRows.set(r.billingPeriodStart, (fromRows.get(r.billingPeriodStart) ?? 0n) + r.billedCost);
    expect(fromRows).toEqual(expected);
    expect(rows.filter((r) => r.chargeCategory === 'Tax')).toHaveLength(2);
    expect(rows.filter((r) => r.chargeCategory === 'Credit').map((r) => r.billedCost)).toEqual([-5n * 10n ** 12n, -5n * 10n ** 12n]);
    expect(rows.find((r) => r.usageType === 'USW2-BoxUsage:m6i.large')?.regionId).toBe('us-west-2');
    expect(rows.find((r) => r.usageType === 'eu-west-1-KMS-Requests')?.regionId).toBe('eu-west-1');
  });

  it('filters, groups monthly, refuses a foreign page token, and shows a member account only its own costs', async () => {
    const client = new LocalCostExplorer(DEMO_SANDBOX.id, now);
    const monthly = await client.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: '2026-09-01', End: '2026-11-01' },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost'],
        GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
        Filter: { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Tax', 'Credit'] } } },
      }),
    );
    expect(monthly.ResultsByTime!.map((r) => r.TimePeriod)).toEqual([{ Start: '2026-09-01', End: '2026-10-01' }, { Start: '2026-10-01', End: '2026-11-01' }]);
    expect(monthly.ResultsByTime![0]!.Groups!.map((g) => g.Keys![0])).not.toContain('Tax');
    expect(monthly.NextPageToken).toBeUndefined();
    const daily = { TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Granularity: 'DAILY' as const, Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION' as const, Key: 'USAGE_TYPE' as const }] };
    const first = await client.send(new GetCostAndUsageCommand(daily));
    expect(first.ResultsByTime!.reduce((n, r) => n + r.Groups!.length, 0)).toBe(PAGE_GROUPS);
    expect(first.NextPageToken).toBeTruthy();
    await expect(client.send(new GetCostAndUsageCommand({ ...daily, Granularity: 'MONTHLY', NextPageToken: first.NextPageToken }))).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
    await expect(client.send(new GetCostAndUsageCommand({ ...daily, GroupBy: [{ Type: 'TAG', Key: 'env' }] }))).rejects.toMatchObject({ name: 'ValidationException' });

    const member = new LocalCostExplorer(DEMO_ACCOUNTS.prod.id, now);
    const own = await member.send(new GetCostAndUsageCommand(daily));
    expect(own.ResultsByTime!.every((r) => r.Groups!.length === 0)).toBe(true);
  });

  it('lets only the onboarding template role of a recorded account in', async () => {
    const clients = localCostExplorerClients(now);
    const sandbox = { accountId: DEMO_SANDBOX.id, roleArn: `arn:aws:iam::${DEMO_SANDBOX.id}:role/cloudoptima/CloudOptimaReadOnly`, externalId: 'x', tenantId: 't' };
    expect(clients(sandbox)).toBe(clients({ ...sandbox }));
    const stranger = clients({ ...sandbox, accountId: '999999999999', roleArn: 'arn:aws:iam::999999999999:role/cloudoptima/CloudOptimaReadOnly' });
    const request = new GetCostAndUsageCommand({ TimePeriod: { Start: '2026-11-01', End: '2026-11-02' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] });
    await expect(stranger.send(request)).rejects.toMatchObject({ name: 'AccountAccessError', code: 'ASSUME_ROLE_FAILED' });
    await expect(clients({ ...sandbox, roleArn: `arn:aws:iam::${DEMO_SANDBOX.id}:role/Admin` }).send(request)).rejects.toMatchObject({ code: 'ASSUME_ROLE_FAILED' });
  });
});
