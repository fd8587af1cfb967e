import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../local/demo/dimensions.js';
import { parseDecimal } from '../../shared/money.js';
import { allItems, api, DEMO_PASSWORD, demoRecommendationsAnalysed, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * Imported recommendations through the real local platform: the seed's collection ends with the
 * Analyze step, which asks each connected demo account's (recorded) Cost Optimization Hub for its
 * findings, drops those about the same resource and action type as ours, and stores the rest with
 * their source (local/demo/cost-optimization-hub.ts says what was recorded).
 */

let admin: Session;
let viewer: Session;
const IMPORTED = ['cost-optimization-hub', 'compute-optimizer'];

const all = (session: Session, query = ''): Promise<any[]> => allItems(`/v1/recommendations${query ? `?${query.replace(/^&/, '')}` : ''}`, session.idToken);
const sum = (values: string[]) => values.reduce((s, v) => s + parseDecimal(v), 0n);

beforeAll(async () => {
  admin = await logIn('admin@demo.example', DEMO_PASSWORD());
  viewer = await logIn('viewer@demo.example', DEMO_PASSWORD());
  await demoRecommendationsAnalysed(admin);
}, 320_000);

describe('imported recommendations of the demo organization', () => {
  it('shows Cost Optimization Hub and Compute Optimizer findings with their source, title and figures', async () => {
    const hub = await all(viewer, '&source=cost-optimization-hub');
    const optimizer = await all(viewer, '&source=compute-optimizer');
    expect(hub.every((r) => r.source === 'cost-optimization-hub')).toBe(true);
    expect(optimizer.every((r) => r.source === 'compute-optimizer')).toBe(true);

    // A Reserved Instance purchase for the prod account (ours make Savings Plans ones, not RDS RIs).
    const ri = hub.find((r) => r.actionType === 'PurchaseReservedInstances' && r.accountId === DEMO_ACCOUNTS.prod.id);
    expect(ri).toMatchObject({
      resourceType: 'account',
      resourceId: DEMO_ACCOUNTS.prod.id,
      resourceRef: null,
      category: 'commitments',
      title: 'Cost Optimization Hub: Purchase reserved instances (RDS Reserved Instances)',
      estimatedMonthlySavings: '249.66',
      estimatedAnnualSavings: '2995.92',
      currentMonthlyCost: '693.50',
      estimatedSavingsPercentage: '36.00',
      implementationEffort: 'VeryLow',
      rollbackPossible: false,
      alsoReportedBy: [],
    });

    // Compute Optimizer's memory rightsizing of a Lambda function: linked to the collected resource.
    const lambda = optimizer.find((r) => r.resourceType === 'lambda-function' && r.actionType === 'Rightsize');
    expect(lambda).toMatchObject({ resourceName: 'checkout-api', title: 'Compute Optimizer: Rightsize (Lambda function)', category: 'serverless', estimatedMonthlySavings: '9.60' });
    expect(lambda.resourceId).toMatch(/:function:checkout-api$/);
    const resource = await api(`/v1/resources/${lambda.resourceRef}`, { token: viewer.idToken });
    expect(resource.status).toBe(200);
    expect(resource.body.resourceId).toBe(lambda.resourceId);
    expect(resource.body.recommendations.map((r: any) => r.id)).toContain(lambda.id);

    const detail = await api(`/v1/recommendations/${lambda.id}`, { token: viewer.idToken });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ source: 'compute-optimizer', current: { summary: '1024 MB', monthlyCost: '38.40' }, recommended: { summary: '768 MB', monthlyCost: '28.80' } });
    expect(detail.body.priceSource).toContain('Compute Optimizer');
    const impact = await api(`/v1/recommendations/${lambda.id}/impact`, { token: viewer.idToken });
    expect(impact.status).toBe(200);
    expect(impact.body).toMatchObject({ source: 'compute-optimizer', estimatedMonthlySavings: '9.60' });
  });

  it('never stores an imported finding beside one of ours for the same resource and action type; ours notes the agreement', async () => {
    const every = await all(admin);
    const key = (r: any) => `${r.accountId}|${r.resourceId}|${r.actionType}`;
    const ours = new Map(every.filter((r) => r.source === 'cloudoptima').map((r) => [key(r), r]));
    const imported = every.filter((r) => IMPORTED.includes(r.source));
    expect(imported.length).toBeGreaterThanOrEqual(2);
    for (const r of imported) expect(ours.has(key(r)), `${r.id} duplicates ${ours.get(key(r))?.id}`).toBe(false);
    // The recorded overlaps: Compute Optimizer's idle finding on staging-loadgen and gp3 upgrade of staging-db-tools-root.
    const agreed = every.filter((r) => r.alsoReportedBy.length > 0);
    expect(agreed.map((r) => [r.ruleId, r.resourceName, r.alsoReportedBy]).sort()).toEqual([
      ['ebs-gp2-to-gp3', 'staging-db-tools-root', ['compute-optimizer']],
      ['ec2-idle', 'staging-loadgen', ['compute-optimizer']],
    ]);
  });

  it('?source= splits the list exactly, and the summary counts imported ones, by source too', async () => {
    const open = await all(admin, '&status=open');
    const parts = await Promise.all(['cloudoptima', ...IMPORTED].map((s) => all(admin, `&status=open&source=${s}`)));
    expect(parts.flat().map((r) => r.id).sort()).toEqual(open.map((r) => r.id).sort());
    const summary = (await api('/v1/recommendations/summary', { token: admin.idToken })).body;
    expect(summary.open.count).toBe(open.length);
    expect(parseDecimal(summary.open.monthlySavings)).toBe(sum(open.map((r) => r.estimatedMonthlySavings)));
    for (const source of ['cloudoptima', ...IMPORTED]) {
      const mine = open.filter((r) => r.source === source);
      const group = summary.bySource.find((g: any) => g.source === source);
      expect(mine.length, source).toBeGreaterThan(0);
      expect(group, source).toMatchObject({ count: mine.length, monthlySavings: expect.any(String) });
      expect(parseDecimal(group.monthlySavings), source).toBe(sum(mine.map((r) => r.estimatedMonthlySavings)));
    }
    expectError(await api('/v1/recommendations?source=trusted-advisor', { token: admin.idToken }), 400);
  });

  it("records on the run what the import found and which accounts did not answer, without failing it", async () => {
    const settings = await api('/v1/recommendations/settings', { token: admin.idToken });
    expect(settings.status).toBe(200);
    const last = settings.body.lastAnalysis;
    expect(last.imported).toBeGreaterThanOrEqual(2);
    expect(last.duplicates).toBeGreaterThanOrEqual(2);
    const accounts = (await api('/v1/accounts?limit=100', { token: admin.idToken })).body.items.map((a: any) => a.id);
    // demo-data has not enrolled; demo-prod's Hub holds an Auto Scaling group we do not model.
    if (accounts.includes(DEMO_ACCOUNTS.data.id)) {
      expect(last.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: DEMO_ACCOUNTS.data.id, source: 'cost-optimization-hub', code: 'NOT_ENABLED' })]));
    }
    if (accounts.includes(DEMO_ACCOUNTS.prod.id)) {
      expect(last.warnings).toEqual(
        expect.arrayContaining([expect.objectContaining({ accountId: DEMO_ACCOUNTS.prod.id, code: 'PARTIAL_IMPORT', message: expect.stringContaining('Ec2AutoScalingGroup') })]),
      );
    }
  });
});

describe('tenancy', () => {
  it("another tenant sees none of the imported ones: 404 on their ids, writes included, and the demo's stay unchanged", async () => {
    const other = await newTenant('recs-import-other');
    const [rec] = await all(admin, '&status=open&source=compute-optimizer');
    expect(rec).toBeDefined();
    expect((await api('/v1/recommendations?source=compute-optimizer', { token: other.idToken })).body.items).toEqual([]);
    expect((await api('/v1/recommendations/summary', { token: other.idToken })).body.bySource).toEqual([]);
    expectError(await api(`/v1/recommendations/${rec.id}`, { token: other.idToken }), 404);
    expectError(await api(`/v1/recommendations/${rec.id}/impact`, { token: other.idToken }), 404);
    expectError(await api(`/v1/recommendations/${rec.id}/dismiss`, { token: other.idToken, body: { reason: 'not mine' } }), 404);
    expectError(await api(`/v1/recommendations/${rec.id}`, { token: other.idToken, method: 'PATCH', body: { owner: 'x' } }), 404);
    const after = await api(`/v1/recommendations/${rec.id}`, { token: admin.idToken });
    expect(after.body).toMatchObject({ status: 'open', dismissReason: null, owner: rec.owner, source: 'compute-optimizer' });
  });
});
