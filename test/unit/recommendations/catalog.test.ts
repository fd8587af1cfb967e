import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_CATALOG, RULES } from '#shared/recommendations/engine.js';
import { catalogTable } from '#shared/recommendations/catalog-table.js';
import { ACTION_TYPES, CATEGORIES, EFFORTS, PILLARS, RISKS } from '#shared/recommendations/model.js';
import { RESOURCE_TYPES } from '#shared/inventory/model.js';

describe('the rule catalog', () => {
  it('has at least 20 rules with unique kebab-case ids and every field filled', () => {
    expect(RULE_CATALOG.length).toBeGreaterThanOrEqual(20);
    expect(new Set(RULE_CATALOG.map((r) => r.id)).size).toBe(RULE_CATALOG.length);
    for (const r of RULE_CATALOG) {
      expect(r.id, r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const text of [r.title, r.description, r.savingsMethod]) expect(text.length, r.id).toBeGreaterThan(10);
      expect(CATEGORIES, r.id).toContain(r.category);
      expect(PILLARS, r.id).toContain(r.pillar);
      expect(RISKS, r.id).toContain(r.risk);
      expect(EFFORTS, r.id).toContain(r.effort);
      expect(ACTION_TYPES, r.id).toContain(r.actionType);
      expect([...RESOURCE_TYPES, 'account'], r.id).toContain(r.resourceType);
      expect(typeof r.restartNeeded).toBe('boolean');
      expect(typeof r.rollbackPossible).toBe('boolean');
    }
    // account rules are the account-scope ones
    for (const rule of RULES) expect(rule.scope === 'account', rule.definition.id).toBe(rule.definition.resourceType === 'account');
  });

  it('covers every inventory resource type', () => {
    expect(new Set(RULE_CATALOG.map((r) => r.resourceType))).toEqual(new Set([...RESOURCE_TYPES, 'account']));
  });

  it('is the table in shared/recommendations/README.md', () => {
    const readme = readFileSync(new URL('../../../shared/recommendations/README.md', import.meta.url), 'utf8');
    const table = /checks it -->\n([\s\S]*?)\n<!-- end of catalog -->/.exec(readme)?.[1];
    expect(table).toBe(catalogTable());
  });
});
