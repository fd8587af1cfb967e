import { beforeAll, describe, expect, it } from 'vitest';
import { parseDecimal } from '../../shared/money.js';
import { allItems, api, DEMO_PASSWORD, demoRecommendationsAnalysed, eventually, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * Recommendations through the real local platform: the seed connects the demo accounts and runs
 * the collection workflow, whose last step (Analyze) runs the rules over the inventory with the
 * demo's billing; the API answers from what that analysis stored.
 */

let admin: Session;
let engineer: Session;
let viewer: Session;

const all = (session: Session, query = ''): Promise<any[]> => allItems(`/v1/recommendations${query ? `?${query.replace(/^&/, '')}` : ''}`, session.idToken);

const sum = (values: string[]) => values.reduce((s, v) => s + parseDecimal(v), 0n);

beforeAll(async () => {
  admin = await logIn('admin@demo.example', DEMO_PASSWORD());
  engineer = await logIn('engineer@demo.example', DEMO_PASSWORD());
  viewer = await logIn('viewer@demo.example', DEMO_PASSWORD());
  await demoRecommendationsAnalysed(admin);
}, 320_000);

describe('recommendations of the demo organization', () => {
  it('lists findings with savings, largest first, each linked to its resource', async () => {
    const res = await api('/v1/recommendations?status=open', { token: admin.idToken });
    expect(res.status).toBe(200);
    const items = res.body.items;
    expect(items.length).toBeGreaterThan(0);
    for (const r of items) {
      expect(parseDecimal(r.estimatedMonthlySavings) > 0n, r.id).toBe(true);
      expect(parseDecimal(r.estimatedAnnualSavings)).toBe(parseDecimal(r.estimatedMonthlySavings) * 12n);
      // Ours, or imported from the accounts' Cost Optimization Hub (recommendations-import.test.ts).
      expect(r).toMatchObject({ status: 'open', currency: 'USD', source: expect.stringMatching(/^(cloudoptima|cost-optimization-hub|compute-optimizer)$/), id: expect.stringMatching(new RegExp(`^${r.ruleId}_`)) });
    }
    const savings = items.map((r: any) => parseDecimal(r.estimatedMonthlySavings));
    expect(savings).toEqual([...savings].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    const linked = items.find((r: any) => r.resourceRef);
    const resource = await api(`/v1/resources/${linked.resourceRef}`, { token: admin.idToken });
    expect(resource.status).toBe(200);
    expect(resource.body.resourceId).toBe(linked.resourceId);
    expect(resource.body.recommendations.map((x: any) => x.id)).toContain(linked.id);
  });

  it('filters by status, category, risk, account, action type, source and minimum savings, and sorts', async () => {
    const open = await all(admin, '&status=open');
    const first = open[0];
    for (const [param, field] of [
      ['category', 'category'],
      ['risk', 'risk'],
      ['account', 'accountId'],
      ['actionType', 'actionType'],
      ['source', 'source'],
    ] as const) {
      const filtered = await all(admin, `&status=open&${param}=${first[field]}`);
      expect(filtered.length, param).toBe(open.filter((r) => r[field] === first[field]).length);
      expect(filtered.every((r) => r[field] === first[field]), param).toBe(true);
    }
    const threshold = first.estimatedMonthlySavings;
    const rich = await all(admin, `&status=open&minSavings=${threshold}`);
    expect(rich.map((r) => r.id).sort()).toEqual(open.filter((r) => parseDecimal(r.estimatedMonthlySavings) >= parseDecimal(threshold)).map((r) => r.id).sort());
    // Without a status (every state), by savings ascending, and by update time.
    const everyState = await all(admin, '&sort=savings');
    expect(everyState.length).toBeGreaterThanOrEqual(open.length);
    const ascending = everyState.map((r) => parseDecimal(r.estimatedMonthlySavings));
    expect(ascending).toEqual([...ascending].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const updated = (await all(admin, '&sort=updated')).map((r) => r.updatedAt);
    expect(updated).toEqual([...updated].sort().reverse());
    // Pages: no item twice, none lost; a cursor replayed on another query is refused.
    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await api(`/v1/recommendations?status=open&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: admin.idToken });
      paged.push(...res.body.items.map((r: any) => r.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 200);
    expect(paged).toEqual(open.map((r) => r.id));
    const page1 = await api('/v1/recommendations?status=open&limit=1', { token: admin.idToken });
    if (page1.body.nextCursor) expectError(await api(`/v1/recommendations?status=dismissed&limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`, { token: admin.idToken }), 400, 'INVALID_CURSOR');
    expectError(await api('/v1/recommendations?category=nope', { token: admin.idToken }), 400);
    expectError(await api('/v1/recommendations?minSavings=-1', { token: admin.idToken }), 400);
  });

  it('summary totals equal the sum of the open list, by category and by action type', async () => {
    const [summary, open] = await Promise.all([api('/v1/recommendations/summary', { token: admin.idToken }), all(admin, '&status=open')]);
    expect(summary.status).toBe(200);
    const t = summary.body;
    expect(t.open.count).toBe(open.length);
    expect(parseDecimal(t.open.monthlySavings)).toBe(sum(open.map((r) => r.estimatedMonthlySavings)));
    expect(parseDecimal(t.open.annualSavings)).toBe(parseDecimal(t.open.monthlySavings) * 12n);
    for (const g of t.byCategory) {
      const mine = open.filter((r) => r.category === g.category);
      expect(g.count, g.category).toBe(mine.length);
      expect(parseDecimal(g.monthlySavings), g.category).toBe(sum(mine.map((r) => r.estimatedMonthlySavings)));
    }
    expect(sum(t.byActionType.map((g: any) => g.monthlySavings))).toBe(parseDecimal(t.open.monthlySavings));
    expect(t.byStatus.find((s: any) => s.status === 'open').count).toBe(open.length);
    // Alternatives for one resource (stop, rightsize, migrate...) count once: its largest; account-wide ones as they are.
    const largest = new Map<string, bigint>();
    let accountWide = 0n;
    for (const r of open) {
      const monthly = parseDecimal(r.estimatedMonthlySavings);
      if (r.resourceType === 'account') accountWide += monthly;
      else largest.set(`${r.accountId}|${r.resourceId}`, [largest.get(`${r.accountId}|${r.resourceId}`) ?? 0n, monthly].reduce((a, b) => (a > b ? a : b)));
    }
    const deduplicated = [...largest.values()].reduce((a, b) => a + b, accountWide);
    expect(parseDecimal(t.open.deduplicatedMonthlySavings)).toBe(deduplicated);
    expect(parseDecimal(t.open.deduplicatedAnnualSavings)).toBe(deduplicated * 12n);
    // The demo has resources with alternatives (an idle instance is also a Graviton candidate), so the two totals differ.
    expect(largest.size).toBeLessThan(open.filter((r) => r.resourceType !== 'account').length);
    expect(deduplicated).toBeLessThan(parseDecimal(t.open.monthlySavings));
  });

  it('serves the rule catalog, the detail and the impact preview', async () => {
    const rules = await api('/v1/recommendations/rules', { token: viewer.idToken });
    expect(rules.status).toBe(200);
    expect(rules.body.items.length).toBeGreaterThanOrEqual(20);
    // Our rules' largest (imported ones have no catalog rule).
    const [rec] = await all(admin, '&status=open&source=cloudoptima');
    expect(rules.body.items.map((r: any) => r.id)).toContain(rec.ruleId);
    const detail = await api(`/v1/recommendations/${rec.id}`, { token: viewer.idToken });
    expect(detail.status).toBe(200);
    expect(detail.body.actions.length).toBeGreaterThan(0);
    expect(detail.body.priceSource).toEqual(expect.any(String));
    const impact = await api(`/v1/recommendations/${rec.id}/impact`, { token: viewer.idToken });
    expect(impact.status).toBe(200);
    expect(parseDecimal(impact.body.current.monthlyCost) - parseDecimal(impact.body.recommended.monthlyCost)).toBe(parseDecimal(impact.body.estimatedMonthlySavings));
    expect(impact.body).toMatchObject({ id: rec.id, actions: detail.body.actions, priceBasis: rec.priceBasis, source: 'cloudoptima' });
    expectError(await api('/v1/recommendations/ec2-idle_AAAAAAAAAAAAAAAAAAAAAAAAAAA', { token: admin.idToken }), 404);
    expectError(await api('/v1/recommendations/not-an-id', { token: admin.idToken }), 404);
    expectError(await api('/v1/recommendations/not%23an%2Fid', { token: admin.idToken }), 400);
  });

  it('dismiss, snooze, reopen, apply and owner: validated, recorded, and reflected in the lists', async () => {
    const open = await all(admin, '&status=open');
    const rec = open[open.length - 1];
    const path = `/v1/recommendations/${rec.id}`;

    let err = expectError(await api(`${path}/dismiss`, { token: engineer.idToken, body: { reason: '   ' } }), 400);
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.reason' })]));
    err = expectError(await api(`${path}/snooze`, { token: engineer.idToken, body: { until: '2020-01-01' } }), 400);
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.until', message: expect.stringContaining('future') })]));
    expect((await api(path, { token: admin.idToken })).body.status).toBe('open');

    const dismissed = await api(`${path}/dismiss`, { token: engineer.idToken, body: { reason: 'Disaster-recovery standby' } });
    expect(dismissed.status, JSON.stringify(dismissed.body)).toBe(200);
    expect(dismissed.body).toMatchObject({ status: 'dismissed', dismissReason: 'Disaster-recovery standby', statusChangedBy: engineer.userId });
    expect((await all(admin, '&status=dismissed')).map((r) => r.id)).toContain(rec.id);
    expect((await all(admin, '&status=open')).map((r) => r.id)).not.toContain(rec.id);

    const reopened = await api(`${path}/reopen`, { token: engineer.idToken, method: 'POST' });
    expect(reopened.body).toMatchObject({ status: 'open', dismissReason: null });

    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const snoozed = await api(`${path}/snooze`, { token: engineer.idToken, body: { until } });
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: `${until}T00:00:00.000Z` });
    expect((await api(`${path}/reopen`, { token: engineer.idToken, method: 'POST' })).body.status).toBe('open');

    const owned = await api(path, { token: engineer.idToken, method: 'PATCH', body: { owner: 'platform-team' } });
    expect(owned.body).toMatchObject({ owner: 'platform-team', ownerSource: 'assigned', status: 'open' });
    expectError(await api(path, { token: engineer.idToken, method: 'PATCH', body: { owner: '' } }), 400);
    expect((await api(path, { token: engineer.idToken, method: 'PATCH', body: { owner: null } })).body.ownerSource).not.toBe('assigned');

    const applied = await api(`${path}/apply`, { token: engineer.idToken, method: 'POST' });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ status: 'applied', appliedAt: expect.any(String), realized: { baselineDailyCost: expect.any(String), realizedMonthlySavings: null } });
    const summary = await api('/v1/recommendations/summary', { token: admin.idToken });
    expect(summary.body.realized.applied).toBeGreaterThanOrEqual(1);
    expectError(await api(`${path}/snooze`, { token: engineer.idToken, body: { until } }), 409);
    expect((await api(`${path}/reopen`, { token: engineer.idToken, method: 'POST' })).body).toMatchObject({ status: 'open', appliedAt: null, realized: null });

    // Audited like every write.
    const audit = await api('/v1/audit?limit=50', { token: admin.idToken });
    expect(audit.body.items.map((e: any) => e.action)).toEqual(expect.arrayContaining(['dismissRecommendation', 'snoozeRecommendation', 'applyRecommendation', 'updateRecommendation']));
  });

  it('settings: validated ranges; a change re-analyses at once, resolving what no longer holds and reopening it, same id, when restored', async () => {
    expectError(await api('/v1/recommendations/settings', { token: engineer.idToken, method: 'PATCH', body: {} }), 400);
    let err = expectError(await api('/v1/recommendations/settings', { token: engineer.idToken, method: 'PATCH', body: { ec2LowCpuPercent: 101 } }), 400);
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.ec2LowCpuPercent' })]));
    err = expectError(await api('/v1/recommendations/settings', { token: engineer.idToken, method: 'PATCH', body: { disabledRules: ['no-such-rule'] } }), 400);
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.disabledRules.0' })]));
    expectError(await api('/v1/recommendations/settings', { token: viewer.idToken, method: 'PATCH', body: { snapshotMaxAgeDays: 100 } }), 403);

    const open = await all(admin, '&status=open');
    // One of our rules (only those can be switched off; imported ones are left as they are by a settings change).
    const target = open.find((r) => r.source === 'cloudoptima');
    const sameRule = open.filter((r) => r.ruleId === target.ruleId).map((r) => r.id);
    const off = await api('/v1/recommendations/settings', { token: engineer.idToken, method: 'PATCH', body: { disabledRules: [target.ruleId] } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ disabledRules: [target.ruleId], lastAnalysis: { resolved: expect.any(Number) } });
    expect(off.body.lastAnalysis.resolved).toBeGreaterThanOrEqual(sameRule.length);
    const resolved = await api(`/v1/recommendations/${target.id}`, { token: admin.idToken });
    expect(resolved.body).toMatchObject({ status: 'resolved', statusChangedBy: null });
    expect((await all(admin, '&status=open')).some((r) => r.ruleId === target.ruleId)).toBe(false);
    expect((await api('/v1/recommendations/rules', { token: admin.idToken })).body.items.find((r: any) => r.id === target.ruleId).enabled).toBe(false);

    const on = await api('/v1/recommendations/settings', { token: engineer.idToken, method: 'PATCH', body: { disabledRules: [] } });
    expect(on.status).toBe(200);
    expect(on.body.lastAnalysis.reopened).toBeGreaterThanOrEqual(sameRule.length);
    const back = await api(`/v1/recommendations/${target.id}`, { token: admin.idToken });
    expect(back.body).toMatchObject({ id: target.id, status: 'open', firstSeenAt: target.firstSeenAt });
    expect((await all(admin, '&status=open')).map((r) => r.id).sort()).toEqual(open.map((r) => r.id).sort());

    // A threshold: no instance is below 0 % CPU, so no low-utilization finding holds.
    const before = await api('/v1/recommendations/settings', { token: admin.idToken });
    const strict = await api('/v1/recommendations/settings', { token: engineer.idToken, method: 'PATCH', body: { ec2IdleCpuPercent: 0, ec2LowCpuPercent: 0 } });
    expect(strict.status).toBe(200);
    const cpuRules = open.filter((r) => r.resourceType === 'ec2-instance' && /CPU/i.test(r.reason));
    expect(cpuRules.length).toBeGreaterThan(0);
    for (const r of cpuRules) expect((await api(`/v1/recommendations/${r.id}`, { token: admin.idToken })).body.status, r.id).toBe('resolved');
    await api('/v1/recommendations/settings', { token: engineer.idToken, method: 'PATCH', body: { ec2IdleCpuPercent: before.body.ec2IdleCpuPercent, ec2LowCpuPercent: before.body.ec2LowCpuPercent } });
    for (const r of cpuRules) expect((await api(`/v1/recommendations/${r.id}`, { token: admin.idToken })).body.status, r.id).toBe('open');
  });

  it('resources: filter, search, and the detail with configuration, utilization, billed cost and recommendations', async () => {
    const list = await api('/v1/resources?limit=500', { token: viewer.idToken });
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    const withRecs = list.body.items.filter((r: any) => r.openRecommendations > 0);
    expect(withRecs.length).toBeGreaterThan(0);
    const instances = await api('/v1/resources?type=ec2-instance&limit=500', { token: viewer.idToken });
    expect(instances.body.items.length).toBeGreaterThan(0);
    expect(instances.body.items.every((r: any) => r.type === 'ec2-instance')).toBe(true);
    const named = list.body.items.find((r: any) => r.name);
    const found = await api(`/v1/resources?limit=500&q=${encodeURIComponent(named.name.toUpperCase())}`, { token: viewer.idToken });
    expect(found.body.items.map((r: any) => r.id)).toContain(named.id);
    expect(found.body.items.every((r: any) => [r.resourceId, r.name ?? '', ...Object.entries(r.tags).flat()].some((f: any) => String(f).toLowerCase().includes(named.name.toLowerCase())))).toBe(true);
    const billed = [];
    for (const r of withRecs.slice(0, 20)) {
      const detail = await api(`/v1/resources/${r.id}`, { token: viewer.idToken });
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: r.id, resourceId: r.resourceId, config: expect.any(Object), utilization: expect.any(Object) });
      expect(detail.body.recommendations.filter((x: any) => x.status === 'open').length).toBe(r.openRecommendations);
      if (detail.body.cost) billed.push(detail.body.cost);
    }
    // The demo's billing names its resources by the same ids the recorded accounts report.
    expect(billed.length).toBeGreaterThan(0);
    expect(parseDecimal(billed[0].billedCost) > 0n).toBe(true);
    expectError(await api(`/v1/resources/123456789012_us-east-1_ec2-instance_${'A'.repeat(27)}`, { token: viewer.idToken }), 404);
    expectError(await api('/v1/resources/i-0123', { token: viewer.idToken }), 404);
    expectError(await api('/v1/resources/arn%3Aaws%3Aec2', { token: viewer.idToken }), 400);
  });
});

describe('tenancy and roles', () => {
  it("another tenant sees none of them: its list is empty and the demo's ids answer 404, writes included", async () => {
    const other = await newTenant('recs-other');
    const [rec] = await all(admin, '&status=open');
    expect((await api('/v1/recommendations', { token: other.idToken })).body.items).toEqual([]);
    expect((await api('/v1/resources', { token: other.idToken })).body.items).toEqual([]);
    const summary = await api('/v1/recommendations/summary', { token: other.idToken });
    expect(summary.body.open).toEqual({ count: 0, monthlySavings: '0.00', annualSavings: '0.00', deduplicatedMonthlySavings: '0.00', deduplicatedAnnualSavings: '0.00' });
    expectError(await api(`/v1/recommendations/${rec.id}`, { token: other.idToken }), 404);
    expectError(await api(`/v1/recommendations/${rec.id}/impact`, { token: other.idToken }), 404);
    expectError(await api(`/v1/recommendations/${rec.id}/dismiss`, { token: other.idToken, body: { reason: 'not mine' } }), 404);
    expectError(await api(`/v1/recommendations/${rec.id}/apply`, { token: other.idToken, method: 'POST' }), 404);
    expectError(await api(`/v1/recommendations/${rec.id}`, { token: other.idToken, method: 'PATCH', body: { owner: 'x' } }), 404);
    if (rec.resourceRef) expectError(await api(`/v1/resources/${rec.resourceRef}`, { token: other.idToken }), 404);
    const after = await api(`/v1/recommendations/${rec.id}`, { token: admin.idToken });
    expect(after.body).toMatchObject({ status: 'open', dismissReason: null, owner: rec.owner });
  });

  it('viewers read; writing needs recommendations:write (engineer and up)', async () => {
    const [rec] = await all(admin, '&status=open');
    expect((await api('/v1/recommendations', { token: viewer.idToken })).status).toBe(200);
    expectError(await api(`/v1/recommendations/${rec.id}/dismiss`, { token: viewer.idToken, body: { reason: 'no' } }), 403);
    expectError(await api(`/v1/recommendations/${rec.id}/apply`, { token: viewer.idToken, method: 'POST' }), 403);
    expect((await api(`/v1/recommendations/${rec.id}`, { token: admin.idToken })).body.status).toBe('open');
  });
});

describe('disconnecting an account', () => {
  it("deletes its recommendations with the rest of the account's data; the tenant's others stay", async () => {
    const { DEMO_ACCOUNTS } = await import('../../local/demo/dimensions.js');
    const { demoRoleArn } = await import('../../local/demo/inventory.js');
    const tenant = await newTenant('recs-disconnect');
    const [staging, prod] = [DEMO_ACCOUNTS.staging.id, DEMO_ACCOUNTS.prod.id];
    for (const [id, name] of [[staging, 'staging'], [prod, 'prod']]) {
      expect((await api('/v1/accounts', { token: tenant.idToken, body: { roleArn: demoRoleArn(id!), name } })).status).toBe(201);
    }
    // Each sync ends with the recommendation analysis of the tenant: wait for the one after both.
    for (const id of [staging, prod]) {
      await api(`/v1/accounts/${id}/sync`, { method: 'POST', token: tenant.idToken });
      let finishedAt = '';
      await eventually(async () => {
        const sync = (await api(`/v1/accounts/${id}/sync`, { token: tenant.idToken })).body;
        finishedAt = sync?.finishedAt ?? '';
        return Boolean(sync && sync.status !== 'running');
      }, 90_000);
      await eventually(async () => ((await api('/v1/recommendations/summary', { token: tenant.idToken })).body.analyzedAt ?? '') > finishedAt, 90_000);
    }
    const before = await all(tenant);
    const prodRecs = before.filter((r) => r.accountId === prod);
    expect(before.some((r) => r.accountId === staging)).toBe(true);
    expect(prodRecs.length).toBeGreaterThan(0);

    expect((await api(`/v1/accounts/${staging}`, { method: 'DELETE', token: tenant.idToken })).status).toBe(204);
    const after = await all(tenant);
    expect(after.filter((r) => r.accountId === staging)).toEqual([]);
    expect(after.map((r) => r.id).sort()).toEqual(prodRecs.map((r) => r.id).sort());
    expect((await api('/v1/resources?account=' + staging, { token: tenant.idToken })).body.items).toEqual([]);
  }, 120_000);
});
