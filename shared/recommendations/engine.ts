/**
 * The rule engine: every enabled rule over one account set's resources, pure and deterministic.
 * Resource rules run once per resource of their type, account rules once per account; at most one
 * finding per (resource, rule); the owner is inferred from the tenant's owner tag.
 */
import type { InventoryResource } from '../inventory/model.js';
import type { Finding, Rule, RuleContext, RuleDefinition } from './model.js';
import { COMMITMENT_RULES } from './rules/commitments.js';
import { COMPUTE_RULES } from './rules/compute.js';
import { DATABASE_RULES } from './rules/database.js';
import { LOGGING_RULES } from './rules/logging.js';
import { NETWORK_RULES } from './rules/network.js';
import { SERVERLESS_RULES } from './rules/serverless.js';
import { STORAGE_RULES } from './rules/storage.js';

/** Every rule, in catalog order (the order findings come out in). */
export const RULES: readonly Rule[] = [
  ...COMPUTE_RULES,
  ...STORAGE_RULES,
  ...NETWORK_RULES,
  ...DATABASE_RULES,
  ...SERVERLESS_RULES,
  ...LOGGING_RULES,
  ...COMMITMENT_RULES,
];

/** The rule catalog (GET /v1/recommendations/rules, the README table). */
export const RULE_CATALOG: readonly RuleDefinition[] = RULES.map((r) => r.definition);

const byId = (a: InventoryResource, b: InventoryResource) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0);

/**
 * Runs every rule the tenant has not disabled. Findings come out in catalog order, then by
 * account and resource id, whatever the order of `resources`.
 */
export function analyze(resources: readonly InventoryResource[], context: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  const disabled = new Set(context.settings.disabledRules);
  const sorted = [...resources].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : byId(a, b)));
  const byType = new Map<string, InventoryResource[]>();
  const byAccount = new Map<string, InventoryResource[]>();
  for (const r of sorted) {
    (byType.get(r.type) ?? byType.set(r.type, []).get(r.type)!).push(r);
    (byAccount.get(r.accountId) ?? byAccount.set(r.accountId, []).get(r.accountId)!).push(r);
  }
  const ownerTag = context.settings.ownerTag;
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const add = (finding: Finding, resource: InventoryResource | null) => {
    const key = `${finding.ruleId}\u0000${finding.accountId}\u0000${finding.resourceId}`;
    if (seen.has(key)) return;
    seen.add(key);
    const owner = resource && ownerTag ? resource.tags[ownerTag] : undefined;
    findings.push({ ...finding, inferredOwner: owner !== undefined && owner !== '' ? owner : finding.inferredOwner });
  };
  for (const rule of rules) {
    if (disabled.has(rule.definition.id)) continue;
    if (rule.scope === 'resource') {
      for (const r of byType.get(rule.definition.resourceType) ?? []) {
        const finding = rule.evaluate(r, context);
        if (finding) add(finding, r);
      }
    } else {
      for (const [accountId, list] of byAccount) for (const finding of rule.evaluateAccount(accountId, list, context)) add(finding, null);
    }
  }
  return findings;
}
