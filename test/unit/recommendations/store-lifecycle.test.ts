import { describe, expect, it } from 'vitest';
import { Conflict } from '#shared/errors.js';
import { resourceKey } from '#shared/inventory/store.js';
import { measure, parseRecommendationId, realizedMonthly, recommendationIdOf, reconcile, savingsKey, transition, type StoredRecommendation } from '#shared/recommendations/lifecycle.js';
import type { Finding } from '#shared/recommendations/model.js';

/** The recommendation lifecycle: what an analysis and each user action do to stored recommendations. */
const ruleOf = (ruleId: string) => ({ title: `Rule ${ruleId}`, category: 'compute' as const });

function finding(resourceId: string, savings = '10', ruleId = 'ec2-idle'): Finding {
  return {
    ruleId,
    resourceId,
    resourceType: 'ec2-instance',
    accountId: '123456789012',
    region: 'us-east-1',
    resourceName: null,
    actionType: 'Stop',
    reason: 'idle',
    current: { summary: 'm5.large', monthlyCost: savings, config: { instanceType: 'm5.large' } },
    recommended: { summary: 'stopped', monthlyCost: '0', config: { state: 'stopped' } },
    estimatedMonthlySavings: savings,
    estimatedAnnualSavings: String(Number(savings) * 12),
    estimatedSavingsPercentage: '100.00',
    currency: 'USD',
    priceBasis: 'list-price',
    priceSource: 'bundled',
    actions: ['Stop the instance'],
    risk: 'low',
    effort: 'VeryLow',
    restartNeeded: true,
    rollbackPossible: true,
    source: 'cloudoptima',
    inferredOwner: null,
  };
}

const T0 = '2026-11-01T07:00:00.000Z';
const T1 = '2026-11-02T07:00:00.000Z';
const T2 = '2026-11-03T07:00:00.000Z';

/** What a store would hold after writing `writes` over `before` (versions bumped like the store does). */
function applyWrites(before: StoredRecommendation[], writes: StoredRecommendation[]): StoredRecommendation[] {
  const map = new Map(before.map((r) => [r.id, r]));
  for (const w of writes) map.set(w.id, { ...w, version: w.version + 1 });
  return [...map.values()];
}

describe('recommendation ids', () => {
  it('are <rule>_<resource key>: deterministic, path-safe, and parse back', () => {
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188';
    const id = recommendationIdOf('elb-idle', arn);
    expect(id).toBe(`elb-idle_${resourceKey(arn)}`);
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
    expect(recommendationIdOf('elb-idle', arn)).toBe(id);
    expect(parseRecommendationId(id)).toEqual({ ruleId: 'elb-idle', resourceKey: resourceKey(arn) });
  });

  it('savings sort keys order numerically as strings', () => {
    const keys = ['0.5', '9.99', '10', '1234.5678', '0'].map(savingsKey);
    expect([...keys].sort()).toEqual([savingsKey('0'), savingsKey('0.5'), savingsKey('9.99'), savingsKey('10'), savingsKey('1234.5678')]);
    expect(savingsKey('-3')).toBe(savingsKey('0'));
  });
});

describe('reconcile (one analysis)', () => {
  it('opens a new finding, and a second identical analysis writes only the time it was seen', () => {
    const first = reconcile([], [finding('i-1')], ruleOf, T0);
    expect(first.counts).toEqual({ findings: 1, opened: 1, updated: 0, resolved: 0, reopened: 0 });
    expect(first.writes[0]).toMatchObject({ id: recommendationIdOf('ec2-idle', 'i-1'), status: 'open', firstSeenAt: T0, updatedAt: T0, title: 'Rule ec2-idle', version: 0 });
    const stored = applyWrites([], first.writes);
    const second = reconcile(stored, [finding('i-1')], ruleOf, T1);
    expect(second.counts).toEqual({ findings: 1, opened: 0, updated: 0, resolved: 0, reopened: 0 });
    expect(second.writes).toHaveLength(1);
    expect(second.writes[0]).toMatchObject({ status: 'open', updatedAt: T0, analyzedAt: T1, firstSeenAt: T0, version: 1 });
  });

  it('never duplicates: one recommendation per (resource, rule), different rules on one resource are two', () => {
    const { writes } = reconcile([], [finding('i-1'), finding('i-1', '12'), finding('i-1', '5', 'ec2-rightsize')], ruleOf, T0);
    expect(writes.map((w) => w.id).sort()).toEqual([recommendationIdOf('ec2-idle', 'i-1'), recommendationIdOf('ec2-rightsize', 'i-1')].sort());
  });

  it('updates the figures of open, snoozed and dismissed ones without changing their status', () => {
    let stored = applyWrites([], reconcile([], [finding('i-1'), finding('i-2'), finding('i-3')], ruleOf, T0).writes);
    stored = stored.map((r) =>
      r.id === recommendationIdOf('ec2-idle', 'i-2')
        ? transition(r, { kind: 'snooze', until: '2027-01-01T00:00:00.000Z' }, 'u1', T0)
        : r.id === recommendationIdOf('ec2-idle', 'i-3')
          ? transition(r, { kind: 'dismiss', reason: 'standby' }, 'u1', T0)
          : r,
    );
    const { writes, counts } = reconcile(stored, [finding('i-1', '20'), finding('i-2', '20'), finding('i-3', '20')], ruleOf, T1);
    expect(counts).toMatchObject({ updated: 3, opened: 0, resolved: 0 });
    expect(writes.map((w) => [w.finding.resourceId, w.status, w.finding.estimatedMonthlySavings, w.updatedAt])).toEqual([
      ['i-1', 'open', '20', T1],
      ['i-2', 'snoozed', '20', T1],
      ['i-3', 'dismissed', '20', T1],
    ]);
    expect(writes.find((w) => w.finding.resourceId === 'i-3')!.dismissReason).toBe('standby');
  });

  it('resolves open and snoozed ones whose condition is gone, keeps dismissed and applied, and reopens with the same id when it returns', () => {
    let stored = applyWrites([], reconcile([], ['i-1', 'i-2', 'i-3', 'i-4'].map((id) => finding(id)), ruleOf, T0).writes);
    const idOf = (r: string) => recommendationIdOf('ec2-idle', r);
    stored = stored.map((r) => {
      if (r.id === idOf('i-2')) return transition(r, { kind: 'snooze', until: '2027-01-01T00:00:00.000Z' }, 'u1', T0);
      if (r.id === idOf('i-3')) return transition(r, { kind: 'dismiss', reason: 'no' }, 'u1', T0);
      if (r.id === idOf('i-4')) return transition(r, { kind: 'apply', baseline: { dailyCost: '2', days: 30 } }, 'u1', T0);
      return r;
    });
    const gone = reconcile(stored, [], ruleOf, T1);
    expect(gone.counts).toMatchObject({ resolved: 2 });
    expect(gone.writes.map((w) => [w.finding.resourceId, w.status, w.statusChangedBy])).toEqual([
      ['i-1', 'resolved', null],
      ['i-2', 'resolved', null],
    ]);
    stored = applyWrites(stored, gone.writes);
    const back = reconcile(stored, ['i-1', 'i-2', 'i-3', 'i-4'].map((id) => finding(id)), ruleOf, T2);
    expect(back.counts).toMatchObject({ reopened: 2, opened: 0 });
    const after = applyWrites(stored, back.writes);
    expect(Object.fromEntries(after.map((r) => [r.finding.resourceId, r.status]))).toEqual({ 'i-1': 'open', 'i-2': 'open', 'i-3': 'dismissed', 'i-4': 'applied' });
    expect(after.find((r) => r.id === idOf('i-1'))!.firstSeenAt).toBe(T0);
  });

  it('opens a snoozed one whose date has passed; keeps one still snoozed', () => {
    let stored = applyWrites([], reconcile([], [finding('i-1'), finding('i-2')], ruleOf, T0).writes);
    stored = stored.map((r) => transition(r, { kind: 'snooze', until: r.finding.resourceId === 'i-1' ? T1 : '2027-01-01T00:00:00.000Z' }, 'u1', T0));
    const { writes, counts } = reconcile(stored, [finding('i-1'), finding('i-2')], ruleOf, T2);
    expect(counts.reopened).toBe(1);
    expect(writes.map((w) => [w.finding.resourceId, w.status, w.snoozedUntil])).toEqual([
      ['i-1', 'open', null],
      ['i-2', 'snoozed', '2027-01-01T00:00:00.000Z'],
    ]);
  });

  it('keeps an applied one applied with the figures it was applied with', () => {
    const stored = applyWrites([], reconcile([], [finding('i-1')], ruleOf, T0).writes).map((r) => transition(r, { kind: 'apply', baseline: { dailyCost: '1', days: 31 } }, 'u1', T0));
    const { writes } = reconcile(stored, [finding('i-1', '99')], ruleOf, T1);
    expect(writes[0]).toMatchObject({ status: 'applied', finding: { estimatedMonthlySavings: '10' } });
  });
});

describe('user actions', () => {
  const open = () => applyWrites([], reconcile([], [finding('i-1')], ruleOf, T0).writes)[0]!;

  it('dismiss, snooze, reopen and apply change the status and record who and when', () => {
    const dismissed = transition(open(), { kind: 'dismiss', reason: 'standby' }, 'user-1', T1);
    expect(dismissed).toMatchObject({ status: 'dismissed', dismissReason: 'standby', statusChangedBy: 'user-1', statusChangedAt: T1 });
    const reopened = transition(dismissed, { kind: 'reopen' }, 'user-2', T2);
    expect(reopened).toMatchObject({ status: 'open', dismissReason: null, statusChangedBy: 'user-2' });
    const snoozed = transition(reopened, { kind: 'snooze', until: '2027-01-01T00:00:00.000Z' }, 'user-1', T2);
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: '2027-01-01T00:00:00.000Z' });
    const applied = transition(snoozed, { kind: 'apply', baseline: { dailyCost: '3.5', days: 31 } }, 'user-1', T2);
    expect(applied).toMatchObject({ status: 'applied', appliedAt: T2, snoozedUntil: null, realized: { baselineDailyCost: '3.5', baselineDays: 31, realizedMonthlySavings: null } });
    // Applying again keeps the first baseline.
    expect(transition(applied, { kind: 'apply', baseline: { dailyCost: '0', days: 31 } }, 'user-1', T2)).toBe(applied);
  });

  it('refuses what does not fit the status with a 409', () => {
    const resolved = { ...open(), status: 'resolved' as const };
    for (const action of [{ kind: 'dismiss', reason: 'x' }, { kind: 'snooze', until: T2 }, { kind: 'reopen' }, { kind: 'apply', baseline: { dailyCost: '0', days: 0 } }] as const) {
      expect(() => transition(resolved, action, 'u', T1)).toThrow(Conflict);
    }
    const applied = transition(open(), { kind: 'apply', baseline: { dailyCost: '1', days: 30 } }, 'u', T1);
    expect(() => transition(applied, { kind: 'snooze', until: T2 }, 'u', T1)).toThrow(Conflict);
    expect(() => transition(applied, { kind: 'dismiss', reason: 'x' }, 'u', T1)).toThrow(Conflict);
    // An owner can be set in any status.
    expect(transition(resolved, { kind: 'owner', owner: 'team-a' }, 'u', T1).owner).toBe('team-a');
  });
});

describe('realized savings', () => {
  it('is (baseline - after) per day over a 730-hour month, exact', () => {
    expect(realizedMonthly('3.2', '0.2')).toBe('91.25');
    expect(realizedMonthly('1', '1.5')).toBe('-15.2083');
  });

  it('is measured only for applied ones once billing covers a month after', () => {
    const rec = applyWrites([], reconcile([], [finding('i-1')], ruleOf, T0).writes)[0]!;
    const applied = transition(rec, { kind: 'apply', baseline: { dailyCost: '3.2', days: 31 } }, 'u', T0);
    expect(measure(applied, null, T1)).toBe(applied);
    expect(measure(rec, { billed: '6', days: 30 }, T1)).toBe(rec);
    const measured = measure(applied, { billed: '6', days: 30 }, T1);
    expect(measured.realized).toEqual({ baselineDailyCost: '3.2', baselineDays: 31, afterDailyCost: '0.2', afterDays: 30, realizedMonthlySavings: '91.25', measuredAt: T1 });
    // The same measurement again is no change.
    expect(measure(measured, { billed: '6', days: 30 }, T2)).toBe(measured);
  });
});
