import { describe, expect, it } from 'vitest';
import { keys, tenantPrefix } from '#shared/db/keys.js';

/** Every tenant-scoped key builder, called for one tenant with valid ids. */
const tenantKeys = (tenantId: string): Array<[string, { pk: string }]> => [
  ['tenantProfile', keys.tenantProfile(tenantId)],
  ['user', keys.user(tenantId, 'user-1')],
  ['usersOf', keys.usersOf(tenantId)],
  ['apiKey', keys.apiKey(tenantId, 'key_1')],
  ['apiKeysOf', keys.apiKeysOf(tenantId)],
  ['audit', keys.audit(tenantId, '01HXAAAAAAAAAAAAAAAAAAAAAA')],
  ['auditOf', keys.auditOf(tenantId)],
  ['revokedToken', keys.revokedToken(tenantId, 'jti-1')],
  ['idempotency', keys.idempotency(tenantId, 'principal-1', 'idem-key')],
  ['billingSource', keys.billingSource(tenantId, 'src-1')],
  ['billingSourcesOf', keys.billingSourcesOf(tenantId)],
  ['upload', keys.upload(tenantId, 'up-1')],
  ['ingestion', keys.ingestion(tenantId, 'ing-1')],
  ['ingestionsOf', keys.ingestionsOf(tenantId)],
  ['costVersion', keys.costVersion(tenantId, 'src-1', '2026-01', 'v1')],
  ['costPointer', keys.costPointer(tenantId, 'src-1', '2026-01')],
  ['costPointersOf', keys.costPointersOf(tenantId)],
  ['anomaly', keys.anomaly(tenantId, '20261019-0123456789abcdef')],
  ['anomaliesOf', keys.anomaliesOf(tenantId)],
  ['anomalySuppression', keys.anomalySuppression(tenantId, 'cause-1')],
  ['anomalySuppressionsOf', keys.anomalySuppressionsOf(tenantId)],
  ['analysisSettings', keys.analysisSettings(tenantId)],
  ['analysisRun', keys.analysisRun(tenantId)],
  ['connectedAccount', keys.connectedAccount(tenantId, '123456789012')],
  ['connectedAccountsOf', keys.connectedAccountsOf(tenantId)],
  ['accountsExternalId', keys.accountsExternalId(tenantId)],
  ['inventoryResource', keys.inventoryResource(tenantId, '123456789012', 'us-east-1', 'ec2-instance', 'abc')],
  ['inventoryOf', keys.inventoryOf(tenantId)],
  ['inventoryByType', keys.inventoryByType(tenantId, 'ec2-instance')],
  ['budget', keys.budget(tenantId, 'bud-1')],
  ['budgetsOf', keys.budgetsOf(tenantId)],
  ['budgetPeriod', keys.budgetPeriod(tenantId, 'bud-1', '2026-Q1')],
  ['budgetPeriodsOf', keys.budgetPeriodsOf(tenantId, 'bud-1')],
  ['alertChannel', keys.alertChannel(tenantId, 'ch-1')],
  ['alertChannelsOf', keys.alertChannelsOf(tenantId)],
  ['alertDelivery', keys.alertDelivery(tenantId, 'budget_bud-1_2026-03_actual_80', 'ch-1')],
  ['recommendation', keys.recommendation(tenantId, 'abcdefghijklmnopqrstuvwxyz0', 'ec2-idle')],
  ['recommendationsOf', keys.recommendationsOf(tenantId)],
  ['recommendationsOfResource', keys.recommendationsOfResource(tenantId, 'abcdefghijklmnopqrstuvwxyz0')],
  ['recommendationsByStatus', keys.recommendationsByStatus(tenantId, 'open')],
  ['recommendationSettings', keys.recommendationSettings(tenantId)],
  ['recommendationRun', keys.recommendationRun(tenantId)],
  ['assistantConversation', keys.assistantConversation(tenantId, 'user-1', '01HXAAAAAAAAAAAAAAAAAAAAAA')],
  ['assistantConversationsOf', keys.assistantConversationsOf(tenantId, 'user-1')],
  ['assistantMessage', keys.assistantMessage(tenantId, '01HXAAAAAAAAAAAAAAAAAAAAAA', '01HXBBBBBBBBBBBBBBBBBBBBBB')],
  ['assistantMessagesOf', keys.assistantMessagesOf(tenantId, '01HXAAAAAAAAAAAAAAAAAAAAAA')],
  ['assistantUsage', keys.assistantUsage(tenantId, '2026-11')],
  ['assistantExplanation', keys.assistantExplanation(tenantId, 'anomaly', 'anomaly_total_20261101', 'local')],
];

/** Every builder whose first argument is the tenant id. */
const TENANT_BUILDERS = [
  'tenantProfile', 'user', 'usersOf', 'apiKey', 'apiKeysOf', 'audit', 'auditOf', 'revokedToken', 'idempotency',
  'billingSource', 'billingSourcesOf', 'upload', 'ingestion', 'ingestionsOf', 'costVersion', 'costPointer', 'costPointersOf',
  'anomaly', 'anomaliesOf', 'anomalySuppression', 'anomalySuppressionsOf', 'analysisSettings', 'analysisRun',
  'connectedAccount', 'connectedAccountsOf', 'accountsExternalId', 'inventoryResource', 'inventoryOf', 'inventoryByType',
  'budget', 'budgetsOf', 'budgetPeriod', 'budgetPeriodsOf', 'alertChannel', 'alertChannelsOf', 'alertDelivery',
  'recommendation', 'recommendationsOf', 'recommendationsOfResource', 'recommendationsByStatus', 'recommendationSettings', 'recommendationRun',
  'assistantConversation', 'assistantConversationsOf', 'assistantMessage', 'assistantMessagesOf', 'assistantUsage',
  'assistantExplanation',
] as const;

describe('tenant keys', () => {
  it('covers every tenant-scoped builder (a new builder must be added here)', () => {
    const nonTenant = ['apiKeyByHash', 'tenantRegistryEntry', 'tenantRegistry', 'exportBucketIndex', 'exportBucketSources'];
    expect(Object.keys(keys).filter((k) => !nonTenant.includes(k)).sort()).toEqual([...TENANT_BUILDERS].sort());
    expect(tenantKeys('t1').map(([name]) => name).sort()).toEqual([...TENANT_BUILDERS].sort());
  });

  it.each(tenantKeys('tenant_42'))('%s pk starts with TENANT#<id>#', (_name, key) => {
    expect(key.pk.startsWith('TENANT#tenant_42#')).toBe(true);
    expect(key.pk.startsWith(tenantPrefix('tenant_42'))).toBe(true);
  });

  it('tenantPrefix ends with the closing #', () => {
    expect(tenantPrefix('ab')).toBe('TENANT#ab#');
  });

  it('the closing # keeps tenant "ab" from prefixing tenant "abc" keys', () => {
    const prefixAb = tenantPrefix('ab');
    for (const [name, key] of tenantKeys('abc')) {
      expect(key.pk.startsWith(prefixAb), `${name}: ${key.pk}`).toBe(false);
    }
    for (const [name, key] of tenantKeys('ab')) {
      expect(key.pk.startsWith(tenantPrefix('abc')), `${name}: ${key.pk}`).toBe(false);
    }
  });

  it('puts different entities in different partitions or sort-key spaces', () => {
    const all = tenantKeys('t1').filter(([, k]) => 'sk' in k) as Array<[string, { pk: string; sk: string }]>;
    const ids = all.map(([, k]) => `${k.pk}|${k.sk}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('list prefixes match the single-item keys they list', () => {
    const u = keys.user('t1', 'u1');
    const us = keys.usersOf('t1');
    expect(u.pk).toBe(us.pk);
    expect(u.sk.startsWith(us.skPrefix)).toBe(true);
    const a = keys.audit('t1', 'e1');
    const as = keys.auditOf('t1');
    expect(a.pk).toBe(as.pk);
    expect(a.sk.startsWith(as.skPrefix)).toBe(true);
    const k = keys.apiKey('t1', 'k1');
    const ks = keys.apiKeysOf('t1');
    expect(k.pk).toBe(ks.pk);
    expect(k.sk.startsWith(ks.skPrefix)).toBe(true);
  });
});

describe('id validation', () => {
  const bad = ['', 'a#b', '#', 'ab#', 'a b', 'a/b', 'x'.repeat(129), 'tenant\n', 'é'];

  it.each(bad.map((id) => [JSON.stringify(id).slice(0, 40), id]))('rejects tenant id %s in every tenant builder', (_label, id) => {
    expect(() => tenantPrefix(id)).toThrow(/invalid tenant id/);
    for (const name of TENANT_BUILDERS) {
      const build = keys[name] as (...args: string[]) => unknown;
      expect(() => build(id, 'ok', 'ok'), name).toThrow(/invalid/);
    }
    expect(() => keys.tenantRegistryEntry(id)).toThrow(/invalid tenant id/);
  });

  it('accepts a 128-character id and rejects 129', () => {
    expect(() => tenantPrefix('x'.repeat(128))).not.toThrow();
    expect(() => tenantPrefix('x'.repeat(129))).toThrow();
  });

  it.each(bad.map((id) => [JSON.stringify(id).slice(0, 40), id]))('rejects entity id %s', (_label, id) => {
    expect(() => keys.user('t1', id)).toThrow(/invalid user id/);
    expect(() => keys.apiKey('t1', id)).toThrow(/invalid api key id/);
    expect(() => keys.audit('t1', id)).toThrow(/invalid audit entry id/);
    expect(() => keys.revokedToken('t1', id)).toThrow(/invalid token id/);
    expect(() => keys.idempotency('t1', id, 'k')).toThrow(/invalid principal id/);
    expect(() => keys.apiKeyByHash(id)).toThrow(/invalid api key hash id/);
  });
});

describe('lookups before the tenant is known', () => {
  it('apiKeyByHash lives outside any tenant partition', () => {
    const hash = 'a'.repeat(64);
    const k = keys.apiKeyByHash(hash);
    expect(k.pk.startsWith('TENANT#')).toBe(false);
    expect(k.pk).toBe(`APIKEY#${hash}`);
  });

  it('the tenant registry lives outside any tenant partition', () => {
    const entry = keys.tenantRegistryEntry('t1');
    expect(entry.pk.startsWith('TENANT#')).toBe(false);
    expect(entry.sk.startsWith(keys.tenantRegistry().skPrefix)).toBe(true);
    expect(entry.pk).toBe(keys.tenantRegistry().pk);
    expect(keys.tenantRegistry().pk.startsWith('TENANT#')).toBe(false);
  });
});

describe('billing period keys', () => {
  it('refuse anything but a yyyy-mm period, so a period cannot spill into another key', () => {
    for (const bad of ['2026-13', '2026-1', '2026-01#x', '', '2026-01-01']) {
      expect(() => keys.costPointer('t1', 'src', bad), bad).toThrow(/invalid billing period/);
      expect(() => keys.costVersion('t1', 'src', bad, 'v1'), bad).toThrow(/invalid billing period/);
    }
  });
});
